// Live contests in people's training records: recording each seated person's result when the host
// ends a contest (and re-recording it when an undo or adjustment after the end changes it), and
// reading the records back for the person, their managers and the contest's hosts.
// The values come from src/core/live-results.ts over the state the event log reduces to; the
// database function app.live_results_sync writes them and audits changes to existing records
// (supabase/migrations/20261201000900_live_results.sql).
import type { Tx } from './db.ts';
import type { Entry } from './live.ts';
import { livePersonResults } from '../../src/core/live-results.ts';

/** The rows app.live_results_sync expects, from the warm copy (which already holds the new event). */
export function recordRows(entry: Entry): Record<string, unknown>[] {
  const { setup } = entry.loaded;
  return livePersonResults(setup, entry.state).map((r) => ({
    member_id: r.memberId,
    team_id: r.teamId,
    contest_title: entry.loaded.title,
    team_name: r.teamName,
    team_rank: r.teamRank,
    teams_count: r.teamsCount,
    team_score: r.teamScore,
    answered: r.answered,
    correct: r.correct,
    personal_points: r.personalPoints,
    all_questions: r.allQuestions,
    team_points: r.teamPoints,
    round_score: r.roundScore,
    round_max: r.roundMax,
    time_used_sec: r.timeUsedSec,
    finished_at: new Date(r.finishedAtMs).toISOString(),
    event_seq: entry.state.version,
  }));
}

/**
 * Brings the contest's records in line with its state, as the host, in the transaction that
 * appended the event: every seated person's result once finished, none while not (an undone
 * finish takes them back until the contest ends again). Unchanged rows stay as they are, so ending
 * twice or replaying changes nothing; changes to existing records are audited with `reason`.
 */
export async function syncLiveResults(tx: Tx, entry: Entry, cause: string, reason: string | null): Promise<number> {
  const rows = entry.state.finished ? recordRows(entry) : [];
  const [r] = await tx`select app.live_results_sync(${entry.loaded.id}::uuid, ${tx.json(rows as never)}, ${cause}, ${reason}) as n`;
  return Number(r!.n);
}

import type { LiveRecord } from '../../src/core/live-results.ts';
export type { LiveRecord };

export function recordFromRow(r: Record<string, unknown>): LiveRecord {
  return {
    contestId: r.contest_id as string,
    contestTitle: r.contest_title as string,
    finishedAt: (r.finished_at as Date).toISOString(),
    teamName: r.team_name as string,
    teamRank: Number(r.team_rank),
    teamsCount: Number(r.teams_count),
    teamScore: Number(r.team_score),
    answered: Number(r.answered),
    correct: Number(r.correct),
    personalPoints: Number(r.personal_points),
    allQuestions: Number(r.all_questions),
    roundScore: Number(r.round_score),
    roundMax: Number(r.round_max),
  };
}

/** A member's live-contest records the caller may read (RLS: their own, or people they manage), newest first. */
export async function recordsOf(tx: Tx, memberId: string, limit = 200): Promise<LiveRecord[]> {
  const rows = await tx`select * from app.live_results where member_id = ${memberId}::uuid order by finished_at desc, contest_id limit ${limit}`;
  return rows.map(recordFromRow);
}

/** Everyone's record in one contest (hosts; managers see the people in their scope), by team place. */
export async function recordsOfContest(tx: Tx, contestId: string) {
  const rows = await tx`select r.*, m.employee_no, m.name, o.name as org_name from app.live_results r
    join app.members m on m.id = r.member_id join app.org_units o on o.id = m.org_unit_id
    where r.contest_id = ${contestId}::uuid order by r.team_rank, r.round_score desc, m.employee_no`;
  return rows.map((r) => ({ ...recordFromRow(r), memberId: r.member_id as string, employeeNo: r.employee_no as string, name: r.name as string, orgName: r.org_name as string, timeUsedSec: Number(r.time_used_sec) }));
}
