/**
 * Seeded pseudo-random numbers.
 *
 * Papers, option orders and daily practice sets must be rebuildable exactly from a stored seed
 * (regrades, disputes, resuming on another device), so nothing in src/core may call Math.random.
 * The algorithms are tiny and fully specified, so a SQL or Python re-implementation could
 * reproduce a paper if ever needed.
 */

/** A function returning uniformly distributed numbers in [0, 1). */
export type Rng = () => number;

/** A seed is a uint32 or any string (hashed to a uint32). */
export type Seed = number | string;

const UINT32 = 0x1_0000_0000;

/**
 * 32-bit hash of a string (FNV-1a over UTF-8 bytes, then murmur3's fmix32 finaliser).
 * UTF-8 rather than UTF-16 code units so the value is the same in any language.
 */
export function hashSeed(text: string): number {
  const bytes = new TextEncoder().encode(text);
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  // fmix32: FNV-1a alone mixes its last bytes poorly, and similar labels ("options:q1", "options:q2")
  // must give unrelated streams.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Turns a seed into a uint32, rejecting numbers that would silently lose bits. */
export function toSeed32(seed: Seed): number {
  if (typeof seed === 'string') return hashSeed(seed);
  if (!Number.isInteger(seed) || seed < 0 || seed >= UINT32) {
    throw new RangeError(`A numeric seed must be an integer from 0 to 4294967295; got ${seed}.`);
  }
  return seed;
}

/** mulberry32: small, fast, passes gjrand/PractRand far enough for shuffling exam papers. */
export function mulberry32(seed: number): Rng {
  let a = toSeed32(seed);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / UINT32;
  };
}

/** A generator from a numeric or string seed. */
export function createRng(seed: Seed): Rng {
  return mulberry32(toSeed32(seed));
}

/**
 * An independent stream for one purpose, e.g. `rngFor(seed, 'options', questionId)`.
 * Deriving per purpose keeps results stable: the option order of one question does not depend on
 * how many random numbers some other part of the paper consumed.
 */
export function rngFor(seed: Seed, ...labels: readonly (string | number)[]): Rng {
  return mulberry32(deriveSeed(seed, ...labels));
}

/** The uint32 seed of the stream `rngFor` would return. */
export function deriveSeed(seed: Seed, ...labels: readonly (string | number)[]): number {
  return hashSeed([String(toSeed32(seed)), ...labels.map(String)].join('\u0000'));
}

/** Uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`randomInt needs a positive integer bound; got ${n}.`);
  return Math.floor(rng() * n);
}

/** Fisher–Yates shuffle. Returns a new array; the input is left untouched (callers keep canonical lists). */
export function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}
