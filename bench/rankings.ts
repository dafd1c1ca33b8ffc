// Contest rankings for 10,000 participants in 200 teams (issue 10: < 1 s on PostgreSQL).
//
//   bench/pg.sh node bench/rankings.ts --pg "$BENCH_DATABASE_URL"   (or: node bench/rankings.ts for PGlite)
//   [--people 10000] [--teams 200] [--no-record]
//
// Setup (not timed): the demo database, 200 sub-branches under 总行 with 10,000 members spread
// over them by a hash (sizes vary, so the size warning fires), one mock-contest exam, and finished attempts
// for about 85 % of the members (a fifth of them with a second attempt; grading method highest),
// written in bulk with generate_series; then a contest with the 200 units as teams, as the API
// would store it.
// Timed, as the demo trainer under RLS (what GET /api/contests/:id/board and …/ranking spend after
// the access check), 2 warm-ups then 7 runs, median reported:
//   read     app.contest_standing_rows (eligible people with their attempts; + teams, rounds)
//   compute  splitStandingRows + src/core/rankings.ts contestRanking over what was read
//   total    functions/_lib/contests.ts computeRanking (read + compute, cache bypassed)
//   version  app.contest_version: what a board poll answered with 304 costs
import { asUser, type Tx } from '../functions/_lib/db.ts';
import { computeRanking, contestVersion, loadContest, splitStandingRows } from '../functions/_lib/contests.ts';
import { contestRanking } from '../src/core/rankings.ts';
import { startBenchEnv } from './_setup.ts';
import { appendResults, arg, flag, machineLine, median, table } from './_lib.ts';

const PEOPLE = Number(arg('people', 'BENCH_PEOPLE', '10000'));
const TEAMS = Number(arg('teams', 'BENCH_TEAMS', '200'));
const env = await startBenchEnv({ pgUrl: arg('pg', 'BENCH_PG_URL') });

const { contestId, trainerSub } = await env.withAdmin(async (sql) => {
  const [hq] = await sql`select id from app.org_units where code = 'HQ'`;
  const [trainer] = await sql`select id, user_id from app.members where employee_no = 'T2001'`;
  // The org-unit path trigger runs per row: 200 inserts.
  await sql`insert into app.org_units (code, name, kind, parent_id)
    select 'RB' || lpad(g::text, 3, '0'), '基准支行' || g, 'sub_branch', ${hq!.id as string}::uuid from generate_series(1, ${TEAMS}) g`;
  // Members spread over the units by a hash: sizes vary around PEOPLE / TEAMS (about ±15 %).
  await sql`insert into app.members (employee_no, name, org_unit_id)
    select 'R' || lpad(g::text, 6, '0'), '选手' || g, u.id
    from generate_series(1, ${PEOPLE}) g
    join app.org_units u on u.code = 'RB' || lpad((1 + (hashtext(g::text) & 2147483647) % ${TEAMS})::text, 3, '0')`;
  const [v] = await sql`select id from app.question_versions order by id limit 1`;
  const [exam] = await sql`insert into app.exams (title, kind, owner_org_id, review_policy, blueprint, attempts_allowed)
    values ('排名基准', 'mock_contest', ${hq!.id as string}, '{}'::jsonb, ${sql.json({ sections: [{ type: 'single', count: 1, points: 100, banks: ['official'] }] })}, 2) returning id`;
  const examId = exam!.id as string;
  const paper = [{ slot: 1, vid: v!.id as string, points: 100, oo: null }];
  // 85 % take part; scores 40..100 in steps of 0.5 (many ties), time used 5..30 min.
  await sql`insert into app.attempts (exam_id, member_id, attempt_no, seed, grace_sec, paper, state, started_at, finished_at, score, max_score, percent)
    select ${examId}::uuid, m.id, 1, 1, 60, ${sql.json(paper)}, 'submitted',
           now() - interval '3 hours' + make_interval(secs => (h % 3600)),
           now() - interval '3 hours' + make_interval(secs => (h % 3600) + 300 + (h % 1500)),
           40 + (h % 121) / 2.0, 100, 40 + (h % 121) / 2.0
    from app.members m cross join lateral (select abs(hashtext(m.id::text)) as h) x
    where m.employee_no like 'R%' and x.h % 100 < 85`;
  await sql`insert into app.attempts (exam_id, member_id, attempt_no, seed, grace_sec, paper, state, started_at, finished_at, score, max_score, percent)
    select a.exam_id, a.member_id, 2, 2, 60, a.paper, 'submitted', a.finished_at + interval '10 minutes', a.finished_at + interval '30 minutes',
           least(100, a.score + 5), 100, least(100, a.score + 5)
    from app.attempts a where a.exam_id = ${examId}::uuid and abs(hashtext(a.member_id::text)) % 5 = 0`;
  const [c] = await sql`insert into app.contests (title, owner_org_id, created_by, code, status)
    values ('万人排名基准', ${hq!.id as string}, ${trainer!.id as string}, 'BENCH2', 'published') returning id`;
  const id = c!.id as string;
  await sql`insert into app.contest_rounds (contest_id, position, title, exam_id) values (${id}, 1, '第一轮', ${examId})`;
  await sql`insert into app.contest_teams (contest_id, position, name, org_unit_id)
    select ${id}::uuid, row_number() over (order by code), name, id from app.org_units where code like 'RB%'`;
  await sql`analyze`;
  return { contestId: id, trainerSub: trainer!.user_id as string };
});

const claims = { sub: trainerSub, role: 'authenticated', aud: 'authenticated' };
const as = <T>(fn: (tx: Tx) => Promise<T>) => asUser(claims, fn);

async function timed(fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < 9; i++) {
    const t = performance.now();
    await fn(i);
    if (i >= 2) out.push(performance.now() - t);
  }
  return out;
}

const readAll = (tx: Tx) => Promise.all([
  tx`select id, name from app.contest_teams where contest_id = ${contestId} order by position`,
  tx`select id, title, exam_id from app.contest_rounds where contest_id = ${contestId} order by position`,
  tx`select * from app.contest_standing_rows(${contestId}::uuid)`,
]);

const [teams, rounds, rows] = await as(readAll);
const compute = () => {
  const { eligible, attempts } = splitStandingRows(rows);
  return contestRanking({
    rules: { teamMethod: 'average' },
    teams: teams.map((t) => ({ id: t.id as string, name: t.name as string })),
    eligible,
    attempts,
    roundIds: rounds.map((r) => r.id as string),
  });
};

const read = await timed(() => as(readAll));
const comp = await timed(async () => compute());
const total = await timed((i) => as(async (tx) => computeRanking(tx, (await loadContest(tx, contestId))!, `bench-${i}`)));
const version = await timed(() => as((tx) => contestVersion(tx, contestId)));
const check = { ...compute(), attempts: splitStandingRows(rows).attempts.length };

const md = [
  `### Contest rankings: ${PEOPLE.toLocaleString('en-US')} participants in ${TEAMS} teams — ${new Date().toISOString().slice(0, 10)}`,
  '',
  `${machineLine({ database: env.database })}`,
  '',
  `\`node bench/rankings.ts${env.kind === 'postgres' ? ' --pg …' : ''}\` as the demo trainer under RLS (median of 7 after 2 warm-ups; target total < 1000 ms). `
    + `Check: ${check.eligible} eligible, ${check.participants} ranked, ${check.attempts} attempts, ${check.teams.length} teams, warnings: ${check.warnings.map((w) => w.code).join(', ') || 'none'}.`,
  '',
  table(['step', 'ms'], [
    ['read (contest_standing_rows, SQL)', median(read).toFixed(0)],
    ['compute (src/core/rankings.ts)', median(comp).toFixed(0)],
    ['total (computeRanking)', median(total).toFixed(0)],
    ['board poll answered 304 (contest_version)', median(version).toFixed(1)],
  ]),
  '',
].join('\n');
console.log(md);
if (!flag('no-record')) appendResults(md);
await env.stop();
process.exit(0);
