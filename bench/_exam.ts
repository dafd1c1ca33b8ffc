// The exam both benches use: 50 questions of all five types from the official bank, 60 minutes,
// created by a trainer through POST /api/exams and assigned to the whole bank (总行 HQ).
import type { BenchEnv, Handler } from './_setup.ts';

export const BLUEPRINT = {
  sections: [
    { type: 'single', count: 20, points: 1 },
    { type: 'multiple', count: 10, points: 2 },
    { type: 'truefalse', count: 10, points: 1 },
    { type: 'fill', count: 8, points: 2 },
    { type: 'short', count: 2, points: 5 },
  ],
  shuffleQuestions: true,
  shuffleOptions: true,
  multipleRule: 'half_for_subset',
};

export async function createExam(env: BenchEnv, examsHandler: Handler, title: string): Promise<string> {
  const token = await env.tokenForDemo('T2001');
  const r = await env.call(examsHandler, {
    method: 'POST',
    path: '/api/exams',
    token,
    body: { title, kind: 'exam', timeLimitSec: 3600, attemptsAllowed: 1, blueprint: BLUEPRINT, assignments: [{ orgUnit: 'HQ' }] },
  });
  if (r.status !== 201) throw new Error(`POST /api/exams answered ${r.status}: ${r.text}`);
  return r.body.id as string;
}
