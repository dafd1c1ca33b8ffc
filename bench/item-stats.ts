// Item statistics for a big exam: 1,000 finished attempts × 50 questions (issue 9: < 1 s).
//
//   node bench/item-stats.ts [--pg postgres://…] [--no-record]
//
// Setup (not timed): the demo database (migrations, content, seed), 1,000 members, one exam whose
// blueprint draws 50 single/multiple/true-false questions from the official bank, and for every
// member one submitted attempt with a 50-slot paper and a marked response per slot (about 60 %
// right; wrong answers spread over the distractors), written in bulk with generate_series.
// Timed, 2 warm-up runs then 7 runs, median reported:
//   read     functions/_lib/item-stats.ts#loadStatsInput (one statement for the attempts with their
//            papers and responses as JSON, one for the versions with keys), as the service role
//   compute  src/core/item-stats.ts#computeExamStats over what was read
//   total    examStats(): what GET /api/manage/exams/:examId/stats spends after its access check
import { asService } from '../functions/_lib/db.ts';
import { examStats, loadStatsInput } from '../functions/_lib/item-stats.ts';
import { computeExamStats, firstAttempts } from '../src/core/item-stats.ts';
import { startBenchEnv } from './_setup.ts';
import { appendResults, arg, flag, machineLine, median, table } from './_lib.ts';

const PEOPLE = Number(arg('people', 'BENCH_PEOPLE', '1000'));
const QUESTIONS = 50;
const env = await startBenchEnv({ pgUrl: arg('pg', 'BENCH_PG_URL') });

const examId = await env.withAdmin(async (sql) => {
  const [hq] = await sql`select id from app.org_units where code = 'HQ'`;
  const versions = await sql`
    select v.id, v.type, v.options, k.key from app.questions q join app.question_versions v on v.id = q.current_version_id
    join app.question_keys k on k.question_version_id = v.id
    where q.bank = 'official' and q.retired_at is null and v.type in ('single', 'multiple', 'truefalse')
    order by q.id limit ${QUESTIONS}`;
  if (versions.length < QUESTIONS) throw new Error(`only ${versions.length} choice questions in the official bank`);
  const [exam] = await sql`insert into app.exams (title, kind, owner_org_id, review_policy, blueprint)
    values ('统计基准', 'exam', ${hq!.id as string}, '{}'::jsonb, ${sql.json({ sections: [{ type: 'single', count: QUESTIONS, points: 2, banks: ['official'] }] })}) returning id`;
  const id = exam!.id as string;
  await sql`insert into app.members (employee_no, name, org_unit_id)
    select 'S' || lpad(g::text, 5, '0'), '统计' || g, ${hq!.id as string} from generate_series(1, ${PEOPLE}) g`;
  const paper = versions.map((v, i) => ({ slot: i + 1, vid: v.id as string, points: 2, oo: null }));
  await sql`insert into app.attempts (exam_id, member_id, attempt_no, seed, grace_sec, paper, state, finished_at, score, max_score, percent)
    select ${id}::uuid, m.id, 1, 1, 60, ${sql.json(paper)}, 'submitted', now(), 0, ${QUESTIONS * 2}, 0
    from app.members m where m.employee_no like 'S%'`;
  // A response per slot: right with a probability that rises with the person's ability and falls
  // with the slot (so items differ in facility and discrimination); wrong ones pick another option.
  const meta = versions.map((v, i) => ({
    slot: i + 1, type: v.type as string,
    right: v.type === 'truefalse' ? (v.key as { answer: boolean }).answer : (v.key as { answer: unknown }).answer,
    wrong: v.type === 'truefalse' ? !(v.key as { answer: boolean }).answer
      : v.type === 'single' ? (v.options as { id: string }[]).find((o) => o.id !== (v.key as { answer: string }).answer)!.id
      // A multiple choice whose every option is right: a subset is the wrong answer.
      : [((v.options as { id: string }[]).find((o) => !((v.key as { answer: string[] }).answer).includes(o.id)) ?? (v.options as { id: string }[])[0]!).id],
  }));
  await sql`
    insert into app.attempt_responses (attempt_id, slot, response, response_seq, state, mark)
    select a.id, s.slot, case when ok then s.right else s.wrong end, 1, case when ok then 'correct' else 'incorrect' end, case when ok then 2 else 0 end
    from app.attempts a
    cross join jsonb_to_recordset(${sql.json(meta as never)}) as s(slot int, type text, "right" jsonb, wrong jsonb)
    cross join lateral (select (abs(hashtext(a.id::text)) % 100) / 100.0 + 0.3 - s.slot / 100.0 > random() as ok) r
    where a.exam_id = ${id}`;
  await sql`update app.attempts a set score = t.s, percent = t.s * 100.0 / ${QUESTIONS * 2}
    from (select attempt_id, sum(mark) as s from app.attempt_responses group by attempt_id) t where t.attempt_id = a.id and a.exam_id = ${id}`;
  await sql`analyze`;
  return id;
});

async function timed<T>(fn: () => Promise<T>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < 9; i++) {
    const t = performance.now();
    await fn();
    if (i >= 2) out.push(performance.now() - t);
  }
  return out;
}

const input = await asService((tx) => loadStatsInput(tx, examId));
const read = await timed(() => asService((tx) => loadStatsInput(tx, examId)));
const compute = await timed(async () => computeExamStats(firstAttempts(input.attempts), input.meta));
const total = await timed(() => examStats(examId, 'first'));
const s = await examStats(examId, 'first');

const rows = [
  ['read (SQL + JSON parse)', median(read).toFixed(0)],
  ['compute (src/core)', median(compute).toFixed(0)],
  ['total (examStats)', median(total).toFixed(0)],
];
const md = [
  `### Item statistics: ${PEOPLE} attempts × ${QUESTIONS} questions — ${new Date().toISOString().slice(0, 10)}`,
  '',
  `${machineLine({ database: env.database })}`,
  '',
  `\`node bench/item-stats.ts${env.kind === 'postgres' ? ' --pg …' : ''}\` (median of 7 after 2 warm-ups; target total < 1000 ms). Check: n = ${s.n}, alpha = ${s.alpha}, mean = ${s.mean} %.`,
  '',
  table(['step', 'ms'], rows),
  '',
].join('\n');
console.log(md);
if (!flag('no-record')) appendResults(md);
await env.stop();
process.exit(0);
