/** The exam engine's pure domain. Safe to import from Functions (server) and Solid islands (browser). */
export * from './time.ts';
export * from './rng.ts';
export * from './questions.ts';
export * from './normalise.ts';
export * from './grading.ts';
export * from './assembly.ts';
export * from './attempt.ts';
export * from './scheduling.ts';
export * from './csv.ts';
