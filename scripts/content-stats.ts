/**
 * Coverage of the official content, printed as Markdown (paste into docs/content-format.md):
 * question count, per type, per difficulty, per full-text instrument, per lesson, and the lesson count,
 * each against the second-edition targets.
 *
 *   node scripts/content-stats.ts            print the tables
 *   node scripts/content-stats.ts --strict   also exit 1 when a target is missed (for CI / release)
 *   node scripts/content-stats.ts --json     the same numbers as JSON
 *   node scripts/content-stats.ts --write-docs   also replace the block between the content-stats
 *                                                markers in docs/content-format.md with the output
 *
 * Counts only questions that pass their schema (the content check reports the others). A question counts
 * for an instrument when its `source` cites that instrument (with or without an article).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultRoot, loadContent, validContent } from '../src/content/load.ts';
import { QUESTION_TYPES } from '../src/content/schemas.ts';

export const TARGETS = {
  questions: 1000,
  perInstrument: 15,
  perLesson: 40,
  lessons: 18,
} as const;

export interface ContentStats {
  questions: number;
  byType: Record<string, number>;
  byDifficulty: Record<string, number>;
  /** Full-text instruments only, by id, with their short title. */
  byInstrument: Array<{ id: string; short: string; count: number }>;
  byLesson: Array<{ id: string; title: string; count: number }>;
  lessons: number;
  /** Questions whose topic has no lesson (the content check reports them too). */
  orphanTopics: string[];
  misses: string[];
}

export function computeStats(root?: string): ContentStats {
  const valid = validContent(loadContent(root ? { root } : {}));
  const qs = valid.questions.map((q) => q.data);
  const byType: Record<string, number> = Object.fromEntries(QUESTION_TYPES.map((t) => [t, 0]));
  const byDifficulty: Record<string, number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  const perInstrument = new Map<string, number>();
  const perTopic = new Map<string, number>();
  for (const q of qs) {
    byType[q.type] = (byType[q.type] ?? 0) + 1;
    byDifficulty[q.difficulty] = (byDifficulty[q.difficulty] ?? 0) + 1;
    if ('instrument' in q.source) perInstrument.set(q.source.instrument, (perInstrument.get(q.source.instrument) ?? 0) + 1);
    perTopic.set(q.topic, (perTopic.get(q.topic) ?? 0) + 1);
  }
  const byInstrument = valid.instruments
    .filter((i) => i.text !== null)
    .map((i) => ({ id: i.id, short: i.short, count: perInstrument.get(i.id) ?? 0 }));
  const lessons = [...valid.lessons].sort((a, b) => a.id.localeCompare(b.id));
  const byLesson = lessons.map((l) => ({ id: l.id, title: l.data.title, count: perTopic.get(l.id) ?? 0 }));
  const lessonIds = new Set(lessons.map((l) => l.id));
  const orphanTopics = [...perTopic.keys()].filter((t) => !lessonIds.has(t)).sort();

  const misses: string[] = [];
  if (qs.length < TARGETS.questions) misses.push(`${qs.length} questions (target ≥ ${TARGETS.questions})`);
  for (const t of QUESTION_TYPES) if ((byType[t] ?? 0) === 0) misses.push(`no ${t} questions (all five types are required)`);
  for (const i of byInstrument) if (i.count < TARGETS.perInstrument) misses.push(`${i.id}: ${i.count} questions (target ≥ ${TARGETS.perInstrument})`);
  for (const l of byLesson) if (l.count < TARGETS.perLesson) misses.push(`lesson ${l.id}: ${l.count} questions (target ≥ ${TARGETS.perLesson})`);
  if (lessons.length < TARGETS.lessons) misses.push(`${lessons.length} lessons (target ≥ ${TARGETS.lessons})`);
  return { questions: qs.length, byType, byDifficulty, byInstrument, byLesson, lessons: lessons.length, orphanTopics, misses };
}

const pct = (n: number, total: number) => (total ? `${Math.round((n / total) * 100)}%` : '–');
const mark = (ok: boolean) => (ok ? 'ok' : '**below target**');

export function formatStats(s: ContentStats): string {
  const out: string[] = [];
  out.push(`Questions: **${s.questions}** (target ≥ ${TARGETS.questions}) · lessons: **${s.lessons}** (target ≥ ${TARGETS.lessons})`, '');
  out.push('| Type | Questions | Share |', '|---|---:|---:|');
  for (const [t, n] of Object.entries(s.byType)) out.push(`| ${t} | ${n} | ${pct(n, s.questions)} |`);
  out.push('', '| Difficulty | Questions | Share |', '|---|---:|---:|');
  for (const [d, n] of Object.entries(s.byDifficulty)) out.push(`| ${d} | ${n} | ${pct(n, s.questions)} |`);
  out.push('', `| Full-text instrument | Questions citing it | ≥ ${TARGETS.perInstrument} |`, '|---|---:|---|');
  for (const i of s.byInstrument) out.push(`| ${i.short} (\`${i.id}\`) | ${i.count} | ${mark(i.count >= TARGETS.perInstrument)} |`);
  out.push('', `| Lesson | Questions | ≥ ${TARGETS.perLesson} |`, '|---|---:|---|');
  for (const l of s.byLesson) out.push(`| ${l.title} (\`${l.id}\`) | ${l.count} | ${mark(l.count >= TARGETS.perLesson)} |`);
  if (s.orphanTopics.length) out.push('', `Topics without a lesson: ${s.orphanTopics.join(', ')}`);
  out.push('', s.misses.length ? `Targets missed (${s.misses.length}):\n${s.misses.map((m) => `- ${m}`).join('\n')}` : 'All targets met.');
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const stats = computeStats();
  if (process.argv.includes('--json')) console.log(JSON.stringify(stats, null, 2));
  else console.log(formatStats(stats));
  if (process.argv.includes('--write-docs')) {
    const doc = path.join(defaultRoot(), 'docs', 'content-format.md');
    const text = readFileSync(doc, 'utf8');
    const start = '<!-- content-stats:start -->';
    const end = '<!-- content-stats:end -->';
    const a = text.indexOf(start);
    const b = text.indexOf(end);
    if (a === -1 || b < a) {
      console.error(`${doc} has no ${start} … ${end} block`);
      process.exit(2);
    }
    const stamp = `Recorded ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`;
    writeFileSync(doc, `${text.slice(0, a + start.length)}\n${stamp}\n\n${formatStats(stats)}\n${text.slice(b)}`);
  }
  if (process.argv.includes('--strict') && stats.misses.length > 0) process.exit(1);
}
