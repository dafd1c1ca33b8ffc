// Reads one exam's finished attempts for item statistics (src/core/item-stats.ts). Runs as the
// service role AFTER the caller was checked to administer the exam: the statistics are aggregates
// (no names leave), and reading 50,000 slots through per-row RLS helpers would cost seconds. One
// statement per attempt list (each attempt's paper and responses as JSON, parsed natively), one for
// the versions on those papers with their keys (to tell distractors from right options).
import { asService, type Tx } from './db.ts';
import { computeExamStats, firstAttempts, type ExamStats, type ItemMeta, type StatsAttempt } from '../../src/core/item-stats.ts';

export async function loadStatsInput(tx: Tx, examId: string): Promise<{ attempts: StatsAttempt[]; meta: Map<string, ItemMeta> }> {
  const rows = await tx`
    select a.id, a.member_id, a.attempt_no, a.score, a.max_score, a.paper::text as paper,
           -- json (text) aggregation, not jsonb: nothing to convert, the client parses it once.
           (select coalesce(json_agg(json_build_array(r.slot, r.mark, r.response))::text, '[]')
              from app.attempt_responses r where r.attempt_id = a.id) as responses
    from app.attempts a
    where a.exam_id = ${examId} and a.state in ('submitted', 'auto_submitted') and a.score is not null`;
  const vids = new Set<string>();
  const attempts: StatsAttempt[] = rows.map((r) => {
    const paper = JSON.parse(r.paper as string) as { slot: number; vid: string; points: number }[];
    const resp = new Map((JSON.parse(r.responses as string) as [number, number | string | null, unknown][]).map(([slot, mark, response]) => [slot, { mark, response }]));
    return {
      id: r.id as string,
      memberId: r.member_id as string,
      attemptNo: Number(r.attempt_no),
      score: Number(r.score),
      maxScore: Number(r.max_score),
      slots: paper.map((p) => {
        vids.add(p.vid);
        const x = resp.get(p.slot);
        return { slot: p.slot, versionId: p.vid, questionId: '', points: Number(p.points), mark: x?.mark === null || x?.mark === undefined ? null : Number(x.mark), response: x?.response ?? null };
      }),
    };
  });
  const meta = new Map<string, ItemMeta>();
  if (vids.size) {
    const versions = await tx`
      select v.id, v.question_id, v.type, v.stem, v.options, k.key
      from app.question_versions v left join app.question_keys k on k.question_version_id = v.id
      where v.id in (select jsonb_array_elements_text(${tx.json([...vids])})::uuid)`;
    for (const v of versions) {
      const key = (v.key ?? {}) as { answer?: unknown };
      const type = v.type as ItemMeta['type'];
      const correct = type === 'single' ? [String(key.answer)] : type === 'multiple' ? ((key.answer as string[]) ?? []) : type === 'truefalse' ? [String(key.answer)] : [];
      meta.set(v.id as string, {
        versionId: v.id as string, questionId: v.question_id as string, type, stem: v.stem as string,
        options: (v.options as ItemMeta['options']) ?? null, correct,
      });
    }
  }
  for (const a of attempts) for (const s of a.slots) s.questionId = meta.get(s.versionId)?.questionId ?? '';
  return { attempts, meta };
}

export async function examStats(examId: string, which: 'first' | 'all'): Promise<ExamStats & { attemptsIncluded: 'first' | 'all'; attemptsTotal: number }> {
  const { attempts, meta } = await asService((tx) => loadStatsInput(tx, examId));
  const used = which === 'all' ? attempts : firstAttempts(attempts);
  return { ...computeExamStats(used, meta), attemptsIncluded: which, attemptsTotal: attempts.length };
}
