/**
 * A finished live contest as each seated person's result: what enters their training record
 * (app.live_results) and what the contest counts for them when it is a round of an online contest
 * (src/core/rankings.ts). Pure: derived from the run sheet and the state the event log reduces to,
 * so the log alone re-derives every record.
 *
 * Rules (docs/decisions/contests.md, "Live results"):
 *   - Everyone seated when the contest ends has a result; members of a team who never joined (and
 *     the host, who never sits) have none: they did not take part.
 *   - Only revealed questions count (a question shown but never opened before the finish does not).
 *   - answered / correct: 全员答 questions the person answered on the phone, and team questions
 *     (必答/抢答/风险/加赛) whose team answer they sent; correct by the host's verdict where there is one,
 *     else by the key.
 *   - personalPoints: their 个人全员答 points (a correct answer's points plus the speed bonus).
 *   - teamPoints: what their team won or lost on team questions, fouls and adjustments — every
 *     change of the team's score except its 全员答 share, which is counted per person instead.
 *   - roundScore = teamPoints + personalPoints: a team question is credited to everyone seated in
 *     the team (they answer it together), an individual question to the individual.
 *   - roundMax: the same sum for a team that got everything it could right: its own 必答/风险
 *     questions at their value (风险: the stake chosen), every 抢答 question, the 加赛 questions it was
 *     eligible for, and every 全员答 question at its points plus the largest speed bonus.
 *   - timeUsedSec (for ties): the whole seconds from each 全员答 question's opening to the person's
 *     answer, a question they did not answer counting its whole countdown; team questions add 0.
 *   - finishedAt: the server time of the finish — the same "submission" instant for everyone in it.
 */
import { rankTeams, speedBonus, type LiveSetup, type LiveState, type QuestionRun } from './live-contest.ts';

export interface LivePersonResult {
  memberId: string;
  teamId: string;
  teamName: string;
  /** The team's final place (shared on ties) and score (base score included). */
  teamRank: number;
  teamScore: number;
  teamsCount: number;
  answered: number;
  correct: number;
  personalPoints: number;
  /** 全员答 questions asked (revealed). */
  allQuestions: number;
  teamPoints: number;
  roundScore: number;
  roundMax: number;
  timeUsedSec: number;
  finishedAtMs: number;
}

const r2 = (n: number) => Math.round(n * 100) / 100;

/** The server time of the finish still in force, or null while the contest is not finished. */
export function liveFinishedAt(state: LiveState): number | null {
  if (!state.finished) return null;
  const inForce = new Set(state.hostStack);
  for (let i = state.log.length - 1; i >= 0; i -= 1) {
    const ev = state.log[i]!;
    if (ev.kind === 'finish' && ev.host && inForce.has(ev.seq)) return ev.at;
  }
  return null;
}

/** Questions whose answer was revealed, in the order they were asked. */
export function revealedQuestions(state: LiveState): QuestionRun[] {
  const out = state.history.filter((q) => q.phase === 'revealed');
  if (state.current && state.current.phase === 'revealed') out.push(state.current);
  return out;
}

/** What a correct answer could have earned `teamId` on a revealed question (0: not theirs to answer). */
function potential(setup: LiveSetup, q: QuestionRun, teamId: string): number {
  switch (q.kind) {
    case 'all': return q.points + speedBonus(setup.rules, 0, 1);
    case 'required':
    case 'risk': return q.turnTeamId === teamId ? q.points : 0;
    case 'buzz': return q.points;
    case 'sudden_death': return q.eligibleTeamIds === null || q.eligibleTeamIds.includes(teamId) ? q.points : 0;
  }
}

/** Every seated person's result once the contest has finished; [] before. Sorted by team place, then points. */
export function livePersonResults(setup: LiveSetup, state: LiveState): LivePersonResult[] {
  const finishedAtMs = liveFinishedAt(state);
  if (finishedAtMs === null) return [];
  const ranked = rankTeams(setup, state);
  const teamOf = new Map(ranked.map((t) => [t.id, t]));
  const questions = revealedQuestions(state);
  const allQs = questions.filter((q) => q.kind === 'all');

  const teamPoints = new Map<string, number>();
  for (const s of state.scores) if (s.why !== 'reveal') teamPoints.set(s.teamId, r2((teamPoints.get(s.teamId) ?? 0) + s.delta));
  const teamMax = new Map<string, number>();
  for (const t of setup.teams) teamMax.set(t.id, r2(questions.reduce((sum, q) => sum + potential(setup, q, t.id), 0)));

  const out: LivePersonResult[] = [];
  for (const seat of Object.values(state.seats)) {
    const team = teamOf.get(seat.teamId);
    if (!team) continue;
    let answered = 0;
    let correct = 0;
    for (const q of questions) {
      if (q.kind === 'all') {
        const a = q.answers[seat.memberId];
        if (!a) continue;
        answered += 1;
        if (a.correct === true) correct += 1;
      } else if (q.teamAnswer && q.teamAnswer.memberId === seat.memberId) {
        answered += 1;
        const byHost = q.verdict && q.verdict.teamId === q.teamAnswer.teamId ? q.verdict.correct : null;
        if (byHost ?? q.teamAnswer.correct === true) correct += 1;
      }
    }
    let timeUsed = 0;
    for (const q of allQs) {
      const opened = q.openedAt ?? 0;
      const a = q.answers[seat.memberId];
      timeUsed += Math.max(0, Math.floor(((a ? a.at : (q.closesAt ?? opened)) - opened) / 1000));
    }
    const personal = r2(state.memberTotals[seat.memberId] ?? 0);
    const tp = teamPoints.get(seat.teamId) ?? 0;
    out.push({
      memberId: seat.memberId,
      teamId: seat.teamId,
      teamName: team.name,
      teamRank: team.rank,
      teamScore: team.score,
      teamsCount: setup.teams.length,
      answered,
      correct,
      personalPoints: personal,
      allQuestions: allQs.length,
      teamPoints: tp,
      roundScore: r2(tp + personal),
      roundMax: teamMax.get(seat.teamId) ?? 0,
      timeUsedSec: timeUsed,
      finishedAtMs,
    });
  }
  out.sort((a, b) => a.teamRank - b.teamRank || b.roundScore - a.roundScore || (a.memberId < b.memberId ? -1 : 1));
  return out;
}

/** One person's stored live-contest record as the API serves it (app.live_results, read side). */
export interface LiveRecord {
  contestId: string;
  contestTitle: string;
  finishedAt: string;
  teamName: string;
  teamRank: number;
  teamsCount: number;
  teamScore: number;
  answered: number;
  correct: number;
  personalPoints: number;
  allQuestions: number;
  roundScore: number;
  roundMax: number;
}
