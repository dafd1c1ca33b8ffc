/**
 * Live on-site contests: the event log and the pure reducer that turns it into state.
 *
 * A live contest is a run sheet (teams, rounds, questions: `LiveSetup`) plus an append-only log of
 * events (host actions, seats, buzzes, answers; `LiveEvent`), each stamped with the server's receive
 * time and a per-contest sequence number. Everything a screen or phone shows — round, question,
 * phase, countdown instants, seats, who buzzed first, scores — is `deriveState(setup, events)`.
 * Scores are never stored apart from the log: re-deriving from the same events gives the same
 * scores, and an undo is an event that makes the reducer skip the last host action.
 *
 * The same functions decide what the server accepts (`checkHostAction`, `checkPlayerAction`) and
 * what the reducer applies, so a rule is written once. Rules (docs/decisions/contests.md):
 *
 *   必答 required   the question's own team answers; correct = the question's points, wrong = 0.
 *   抢答 buzz       first valid buzz by server receive time wins; correct +buzzCorrect, wrong −buzzWrong;
 *                   a buzz while the question is shown but not yet open is a foul (−foulPenalty, and the
 *                   team may not buzz on that question).
 *   风险 risk       the question's team picks a stake from `stakes` before it opens; correct +stake,
 *                   wrong (or no answer) −stake.
 *   个人全员答 all  every seated player answers on the phone; correct = allPoints + a speed bonus of at
 *                   most speedBonusMax (≤ allPoints, so knowing beats tapping fast); the team gets the
 *                   average over its seated players.
 *   加赛 sudden_death  抢答 between the teams tied for first place when the question is shown.
 *
 * Pure: no I/O, no clock (times come in on the events, or as `now` for projections).
 */
import { z } from 'zod';

export const LIVE_ROUND_KINDS = ['required', 'buzz', 'risk', 'all', 'sudden_death'] as const;
export type LiveRoundKind = (typeof LIVE_ROUND_KINDS)[number];
export const LiveRoundKindSchema = z.enum(LIVE_ROUND_KINDS);

/** Question types a live contest can use: short answers need a marker, not a stage. */
export const LIVE_QUESTION_TYPES = ['single', 'multiple', 'truefalse', 'fill'] as const;
export type LiveQuestionType = (typeof LIVE_QUESTION_TYPES)[number];

/** Kinds whose questions belong to one team in turn (必答, 风险). */
export const TURN_KINDS: readonly LiveRoundKind[] = ['required', 'risk'];
/** Kinds decided by the first buzz (抢答, 加赛). */
export const BUZZ_KINDS: readonly LiveRoundKind[] = ['buzz', 'sudden_death'];

const points = (max: number) => z.number().int('Use whole points.').min(0).max(max);

export const LiveRulesSchema = z
  .strictObject({
    baseScore: z.number().int('Use whole points.').min(0).max(100_000).default(100),
    requiredPoints: z
      .strictObject({ single: points(1000), multiple: points(1000), truefalse: points(1000), fill: points(1000) })
      .default({ single: 10, multiple: 20, truefalse: 10, fill: 20 }),
    buzzCorrect: points(1000).default(10),
    buzzWrong: points(1000).default(10),
    foulPenalty: points(1000).default(10),
    stakes: z.array(z.number().int().min(1).max(1000)).min(1, 'Give at least one stake.').max(6).default([10, 20, 30]),
    allPoints: points(1000).default(10),
    speedBonusMax: points(1000).default(5),
    suddenCorrect: points(1000).default(10),
    suddenWrong: points(1000).default(10),
    /** Seconds a question stays open, per round kind (a round may override). */
    countdownSec: z
      .strictObject({
        required: z.number().int().min(3).max(600),
        buzz: z.number().int().min(3).max(600),
        risk: z.number().int().min(3).max(600),
        all: z.number().int().min(3).max(600),
        sudden_death: z.number().int().min(3).max(600),
      })
      .default({ required: 30, buzz: 20, risk: 30, all: 20, sudden_death: 20 }),
    /** Seconds the winner of a buzz has to answer on the phone. */
    buzzAnswerSec: z.number().int().min(3).max(300).default(20),
  })
  .refine((r) => r.speedBonusMax <= r.allPoints, {
    message: 'The speed bonus may not exceed a question’s points, so knowing beats tapping fast.',
    path: ['speedBonusMax'],
  });
export type LiveRules = z.infer<typeof LiveRulesSchema>;
export type LiveRulesInput = z.input<typeof LiveRulesSchema>;

export const defaultLiveRules = (): LiveRules => LiveRulesSchema.parse({});

export interface LiveSetupQuestion {
  /** The run-sheet row id (app.live_round_questions.id): what phones answer "for". */
  id: string;
  type: LiveQuestionType;
  /** Points for 必答/全员答 (null = the rules' default for the type / allPoints). */
  points?: number | null;
  /** The team whose turn it is (必答, 风险). */
  teamId?: string | null;
}

export interface LiveSetupRound {
  id: string;
  kind: LiveRoundKind;
  title: string;
  countdownSec?: number | null;
  questions: LiveSetupQuestion[];
}

export interface LiveSetup {
  rules: LiveRules;
  teams: { id: string; name: string }[];
  rounds: LiveSetupRound[];
}

export const HOST_ACTIONS = ['next', 'open', 'lock', 'judge', 'reveal', 'pause', 'resume', 'adjust', 'stake', 'undo', 'finish'] as const;
export type HostActionKind = (typeof HOST_ACTIONS)[number];
export const PLAYER_ACTIONS = ['buzz', 'answer', 'stake'] as const;
export type PlayerActionKind = (typeof PLAYER_ACTIONS)[number];

/** One row of app.live_events as the reducer sees it. `at` is the server receive time (epoch ms). */
export interface LiveEvent {
  seq: number;
  at: number;
  kind: string;
  /** True for host actions (the only ones undo can take back). */
  host: boolean;
  actor: string | null;
  data: Record<string, unknown>;
}

export type LivePhase = 'shown' | 'open' | 'buzzed' | 'locked' | 'revealed';

export interface TeamAnswer {
  memberId: string;
  teamId: string;
  response: unknown;
  /** Graded by the server against the key when the answer arrived; never public before the reveal. */
  correct: boolean | null;
  at: number;
}

export interface ScoreEntry {
  seq: number;
  teamId: string;
  delta: number;
  /** 'judge' | 'reveal' | 'foul' | 'adjust' */
  why: string;
  /** The run-sheet question it belongs to, when any. */
  ref: string | null;
  reason?: string;
}

export interface QuestionRun {
  roundIndex: number;
  questionIndex: number;
  ref: string;
  kind: LiveRoundKind;
  type: LiveQuestionType;
  /** What a correct answer is worth (必答 points, 抢答 buzzCorrect, 全员答 allPoints …; 风险: the stake). */
  points: number;
  turnTeamId: string | null;
  phase: LivePhase;
  shownAt: number;
  openSeq: number | null;
  openedAt: number | null;
  closesAt: number | null;
  /** While paused with the countdown running: the milliseconds left. */
  remainingMs: number | null;
  stake: number | null;
  /** Teams allowed to buzz (加赛: the tied leaders); null = every team. */
  eligibleTeamIds: string[] | null;
  buzzes: { teamId: string; memberId: string; at: number; seq: number }[];
  winner: { teamId: string; memberId: string; at: number } | null;
  /** Deadline for the buzz winner's answer. */
  answerClosesAt: number | null;
  fouls: { teamId: string; memberId: string; at: number }[];
  /** 必答/风险/抢答: the one answer of the team that may answer. */
  teamAnswer: TeamAnswer | null;
  /** 全员答: one answer per player. */
  answers: Record<string, TeamAnswer>;
  verdict: { teamId: string; correct: boolean; auto: boolean } | null;
  /** 全员答 points per player, set at the reveal. */
  memberPoints: Record<string, number>;
}

export interface Seat {
  memberId: string;
  teamId: string;
  name: string;
  device: string;
  seq: number;
}

export interface LiveState {
  version: number;
  started: boolean;
  finished: boolean;
  paused: boolean;
  /** Position in the run sheet of the current question, or null before the first `next`. */
  current: QuestionRun | null;
  /** Questions already revealed, in order (the record of the contest). */
  history: QuestionRun[];
  seats: Record<string, Seat>;
  scores: ScoreEntry[];
  /** 全员答 points per player over the whole contest. */
  memberTotals: Record<string, number>;
  /** Host events still in force (undo takes back the last). */
  hostStack: number[];
  undone: number[];
  /** Every event applied so far, for an undo's re-derivation. */
  log: LiveEvent[];
}

// ---------------------------------------------------------------------------------------------
// Problems: what the server answers when an action is refused. `code` is stable; `message` is
// written for the person at the console or on the phone.

export interface LiveProblem {
  code: string;
  message: string;
}
const problem = (code: string, message: string): LiveProblem => ({ code, message });

// ---------------------------------------------------------------------------------------------
// Helpers

const round2 = (n: number) => Math.round(n * 100) / 100;

export function emptyState(): LiveState {
  return {
    version: 0, started: false, finished: false, paused: false, current: null, history: [], seats: {}, scores: [],
    memberTotals: {}, hostStack: [], undone: [], log: [],
  };
}

/** The position after `cursor` in the run sheet, or null at the end. */
export function nextPosition(setup: LiveSetup, cursor: { roundIndex: number; questionIndex: number } | null): { roundIndex: number; questionIndex: number } | null {
  let r = cursor ? cursor.roundIndex : 0;
  let q = cursor ? cursor.questionIndex + 1 : 0;
  while (r < setup.rounds.length) {
    if (q < setup.rounds[r]!.questions.length) return { roundIndex: r, questionIndex: q };
    r += 1;
    q = 0;
  }
  return null;
}

export function teamScores(setup: LiveSetup, state: LiveState): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of setup.teams) out[t.id] = setup.rules.baseScore;
  for (const s of state.scores) if (s.teamId in out) out[s.teamId] = round2(out[s.teamId]! + s.delta);
  return out;
}

export interface RankedTeam {
  id: string;
  name: string;
  score: number;
  /** Shared on ties: 1, 2, 2, 4. */
  rank: number;
}

export function rankTeams(setup: LiveSetup, state: LiveState): RankedTeam[] {
  const scores = teamScores(setup, state);
  const rows = setup.teams.map((t, i) => ({ id: t.id, name: t.name, score: scores[t.id] ?? 0, i }));
  rows.sort((a, b) => b.score - a.score || a.i - b.i);
  let rank = 0;
  return rows.map((r, i) => {
    if (i === 0 || r.score !== rows[i - 1]!.score) rank = i + 1;
    return { id: r.id, name: r.name, score: r.score, rank };
  });
}

/** Teams sharing the top score, when more than one does. */
export function tiedLeaders(setup: LiveSetup, state: LiveState): string[] {
  const ranked = rankTeams(setup, state);
  const top = ranked.filter((r) => r.rank === 1);
  return top.length > 1 ? top.map((r) => r.id) : [];
}

/** Where the countdown stands at `now`: the phase a client should show. */
export function effectivePhase(q: QuestionRun, now: number, paused: boolean): LivePhase {
  if (paused) return q.phase;
  if (q.phase === 'open' && q.closesAt !== null && now > q.closesAt) return 'locked';
  if (q.phase === 'buzzed' && q.answerClosesAt !== null && now > q.answerClosesAt) return 'locked';
  return q.phase;
}

/** The speed bonus of a correct 全员答 answer `elapsedMs` into a `countdownMs` window. */
export function speedBonus(rules: LiveRules, elapsedMs: number, countdownMs: number): number {
  const max = Math.min(rules.speedBonusMax, rules.allPoints);
  if (countdownMs <= 0) return 0;
  const left = Math.max(0, Math.min(1, 1 - elapsedMs / countdownMs));
  return round2(max * left);
}

function countdownOf(setup: LiveSetup, round: LiveSetupRound): number {
  return (round.countdownSec ?? setup.rules.countdownSec[round.kind]) * 1000;
}

function questionPoints(setup: LiveSetup, round: LiveSetupRound, q: LiveSetupQuestion): number {
  const r = setup.rules;
  switch (round.kind) {
    case 'required': return q.points ?? r.requiredPoints[q.type];
    case 'all': return q.points ?? r.allPoints;
    case 'buzz': return r.buzzCorrect;
    case 'sudden_death': return r.suddenCorrect;
    case 'risk': return 0;
  }
}

/** The team whose answer is judged: the turn team, or the buzz winner. */
export function judgedTeam(q: QuestionRun): string | null {
  if (TURN_KINDS.includes(q.kind)) return q.turnTeamId;
  if (BUZZ_KINDS.includes(q.kind)) return q.winner?.teamId ?? null;
  return null;
}

function verdictDelta(rules: LiveRules, q: QuestionRun, correct: boolean): number {
  switch (q.kind) {
    case 'required': return correct ? q.points : 0;
    case 'risk': return correct ? (q.stake ?? 0) : -(q.stake ?? 0);
    case 'buzz': return correct ? rules.buzzCorrect : -rules.buzzWrong;
    case 'sudden_death': return correct ? rules.suddenCorrect : -rules.suddenWrong;
    case 'all': return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// What the server accepts. Pure: (state, proposed action, server receive time) → null or a problem.

export interface HostAction {
  kind: HostActionKind;
  correct?: boolean;
  teamId?: string;
  delta?: number;
  reason?: string;
  stake?: number;
}

export function checkHostAction(setup: LiveSetup, state: LiveState, a: HostAction, now: number): LiveProblem | null {
  const q = state.current;
  if (state.finished && a.kind !== 'undo' && a.kind !== 'adjust') {
    return problem('finished', 'The contest has finished. Undo the finish to go on, or adjust a score with a reason.');
  }
  if (state.paused && !['resume', 'undo', 'adjust', 'finish'].includes(a.kind)) {
    return problem('paused', 'The contest is paused. Resume it first.');
  }
  switch (a.kind) {
    case 'next': {
      if (q && q.phase !== 'revealed') return problem('not_revealed', 'Reveal the answer to this question before going to the next one.');
      const pos = nextPosition(setup, q);
      if (!pos) return problem('no_more_questions', 'That was the last question of the run sheet. Finish the contest, or add a sudden-death round for a tie.');
      const round = setup.rounds[pos.roundIndex]!;
      if (round.kind === 'sudden_death' && tiedLeaders(setup, state).length === 0) {
        return problem('no_tie', 'No teams are tied for first place, so there is nothing for a sudden-death question to decide. Finish the contest.');
      }
      return null;
    }
    case 'stake': {
      if (!q || q.kind !== 'risk') return problem('not_risk', 'Stakes are chosen only for a 风险题 question.');
      if (q.phase !== 'shown') return problem('stake_closed', 'The stake is chosen before the question opens.');
      if (a.stake === undefined || !setup.rules.stakes.includes(a.stake)) {
        return problem('bad_stake', `Choose one of the stakes ${setup.rules.stakes.join(' / ')}.`);
      }
      return null;
    }
    case 'open': {
      if (!q) return problem('no_question', 'Go to a question first (next).');
      if (q.phase !== 'shown') return problem('already_open', 'This question has already been opened.');
      if (q.kind === 'risk' && q.stake === null) return problem('no_stake', 'The team must choose its stake before the question opens.');
      return null;
    }
    case 'lock': {
      if (!q || (q.phase !== 'open' && q.phase !== 'buzzed')) return problem('not_open', 'Only an open question can be locked.');
      return null;
    }
    case 'judge': {
      if (!q) return problem('no_question', 'There is no question to judge.');
      if (q.kind === 'all') return problem('auto_graded', '个人全员答 questions are graded from the phones at the reveal; there is nothing to judge.');
      if (q.phase === 'shown') return problem('not_open', 'Open the question before judging it.');
      if (q.phase === 'revealed') return problem('revealed', 'The answer has been revealed. Undo the reveal, or adjust the score with a reason.');
      if (!judgedTeam(q)) return problem('no_buzz', 'Nobody has buzzed in yet, so there is no answer to judge.');
      if (typeof a.correct !== 'boolean') return problem('bad_verdict', 'Say whether the answer is right or wrong.');
      return null;
    }
    case 'reveal': {
      if (!q) return problem('no_question', 'There is no question to reveal.');
      if (q.phase === 'shown') return problem('not_open', 'Open the question before revealing its answer.');
      if (q.phase === 'revealed') return problem('revealed', 'The answer is already revealed.');
      if (effectivePhase(q, now, false) === 'open' || effectivePhase(q, now, false) === 'buzzed') {
        return problem('still_open', 'Lock the question (or let the countdown run out) before revealing the answer.');
      }
      return null;
    }
    case 'pause':
      return state.paused ? problem('paused', 'The contest is already paused.') : null;
    case 'resume':
      return state.paused ? null : problem('not_paused', 'The contest is not paused.');
    case 'adjust': {
      if (!a.teamId || !setup.teams.some((t) => t.id === a.teamId)) return problem('unknown_team', 'Choose a team of this contest.');
      if (typeof a.delta !== 'number' || !Number.isFinite(a.delta) || a.delta === 0) return problem('bad_delta', 'Give the points to add or take away (not 0).');
      if (!a.reason || !a.reason.trim()) return problem('no_reason', 'Give a reason for the adjustment; it is recorded in the audit log.');
      return null;
    }
    case 'undo':
      return state.hostStack.length ? null : problem('nothing_to_undo', 'There is no host action left to undo.');
    case 'finish':
      if (q && q.phase !== 'revealed' && q.phase !== 'shown') return problem('not_revealed', 'Reveal the answer to the current question before finishing.');
      return null;
  }
}

export interface PlayerAction {
  kind: PlayerActionKind;
  memberId: string;
  device: string;
  /** The run-sheet question the phone meant (a stale request names an old one). */
  ref: string;
  response?: unknown;
  stake?: number;
}

/** What a player's action would do now: refused (problem), a foul, or accepted. */
export type PlayerOutcome = { ok: false; problem: LiveProblem } | { ok: true; foul: boolean };

export function checkPlayerAction(setup: LiveSetup, state: LiveState, a: PlayerAction, at: number): PlayerOutcome {
  const refuse = (code: string, message: string): PlayerOutcome => ({ ok: false, problem: problem(code, message) });
  const seat = state.seats[a.memberId];
  if (!seat) return refuse('not_seated', 'Join the contest first: you have no seat yet.');
  if (seat.device !== a.device) return refuse('seat_taken_over', 'Your seat is now used on another device. Continue there, or join again here to take it back.');
  if (state.finished) return refuse('finished', 'The contest has finished.');
  if (state.paused) return refuse('paused', 'The contest is paused; wait for the host.');
  const q = state.current;
  if (!q || q.ref !== a.ref) return refuse('not_current', 'This question is no longer being asked; your screen will update.');
  const team = seat.teamId;
  const phase = effectivePhase(q, at, false);
  switch (a.kind) {
    case 'buzz': {
      if (!BUZZ_KINDS.includes(q.kind)) return refuse('not_buzz_round', 'This round has no buzzer.');
      if (q.eligibleTeamIds && !q.eligibleTeamIds.includes(team)) return refuse('not_eligible', 'Only the tied teams buzz on this sudden-death question.');
      if (q.fouls.some((f) => f.teamId === team)) return refuse('fouled', 'Your team buzzed too early on this question and may not buzz again.');
      if (q.buzzes.some((b) => b.teamId === team)) return refuse('already_buzzed', 'Your team has already buzzed on this question.');
      if (q.phase === 'shown') return { ok: true, foul: true };
      if (phase !== 'open' && phase !== 'buzzed') return refuse('closed', 'Buzzing is closed for this question.');
      if (q.phase === 'buzzed' && q.winner && q.winner.at <= at) {
        // Recorded as a later buzz (shown as 2nd, 3rd …); the earliest receive time keeps the win.
        return { ok: true, foul: false };
      }
      return { ok: true, foul: false };
    }
    case 'stake': {
      if (q.kind !== 'risk') return refuse('not_risk', 'Stakes are chosen only for a 风险题 question.');
      if (q.turnTeamId !== team) return refuse('not_your_turn', 'Only the team whose turn it is chooses the stake.');
      if (q.phase !== 'shown') return refuse('stake_closed', 'The stake is chosen before the question opens.');
      if (a.stake === undefined || !setup.rules.stakes.includes(a.stake)) return refuse('bad_stake', `Choose one of the stakes ${setup.rules.stakes.join(' / ')}.`);
      return { ok: true, foul: false };
    }
    case 'answer': {
      if (q.kind === 'all') {
        if (phase === 'shown') return refuse('not_open', 'The question is not open yet; wait for the countdown.');
        if (phase !== 'open') return refuse('closed', 'Time is up: answers for this question are closed.');
        if (q.answers[a.memberId]) return refuse('already_answered', 'You have already answered this question; the first answer counts.');
        return { ok: true, foul: false };
      }
      if (TURN_KINDS.includes(q.kind)) {
        if (q.turnTeamId !== team) return refuse('not_your_turn', 'This question belongs to another team.');
        if (phase === 'shown') return refuse('not_open', 'The question is not open yet; wait for the countdown.');
        if (phase !== 'open') return refuse('closed', 'Time is up: answers for this question are closed.');
      } else {
        if (!q.winner || q.winner.teamId !== team) return refuse('not_your_turn', 'Only the team that buzzed first answers this question.');
        if (phase !== 'buzzed') return refuse('closed', 'Time is up: answers for this question are closed.');
      }
      if (q.verdict) return refuse('closed', 'The host has already judged this question.');
      if (q.teamAnswer) return refuse('already_answered', 'Your team has already answered this question; the first answer counts.');
      return { ok: true, foul: false };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The reducer

/** Applies one event to `state` (in place) and returns it. Refused or stale events change nothing. */
export function applyEvent(setup: LiveSetup, state: LiveState, ev: LiveEvent): LiveState {
  state.log.push(ev);
  state.version = Math.max(state.version, ev.seq);
  if (ev.kind === 'undo') {
    if (!state.hostStack.length) return state;
    const undone = [...state.undone, state.hostStack[state.hostStack.length - 1]!];
    return rederive(setup, state.log, undone);
  }
  if (ev.host) {
    const a = ev.data as unknown as HostAction;
    if (checkHostAction(setup, state, { ...a, kind: ev.kind as HostActionKind }, ev.at)) return state;
    state.hostStack.push(ev.seq);
    applyHost(setup, state, ev);
    return state;
  }
  if (ev.kind === 'join') {
    const d = ev.data as { memberId: string; teamId: string; name: string; device: string };
    if (setup.teams.some((t) => t.id === d.teamId)) {
      state.seats[d.memberId] = { memberId: d.memberId, teamId: d.teamId, name: d.name, device: d.device, seq: ev.seq };
    }
    return state;
  }
  applyPlayer(setup, state, ev);
  return state;
}

function rederive(setup: LiveSetup, log: LiveEvent[], undone: number[]): LiveState {
  const skip = new Set(undone);
  const state = emptyState();
  for (const ev of log) {
    if (ev.kind === 'undo' || skip.has(ev.seq)) {
      state.log.push(ev);
      state.version = Math.max(state.version, ev.seq);
      continue;
    }
    applyEvent(setup, state, ev);
  }
  state.undone = undone;
  return state;
}

/** The state after `events` (any order; applied by seq). */
export function deriveState(setup: LiveSetup, events: readonly LiveEvent[]): LiveState {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  let state = emptyState();
  for (const ev of sorted) state = applyEvent(setup, state, ev);
  return state;
}

function applyHost(setup: LiveSetup, state: LiveState, ev: LiveEvent): void {
  const a = ev.data as unknown as HostAction;
  const q = state.current;
  switch (ev.kind as HostActionKind) {
    case 'next': {
      if (q) state.history.push(q);
      const pos = nextPosition(setup, q)!;
      const round = setup.rounds[pos.roundIndex]!;
      const sq = round.questions[pos.questionIndex]!;
      state.started = true;
      state.current = {
        roundIndex: pos.roundIndex, questionIndex: pos.questionIndex, ref: sq.id, kind: round.kind, type: sq.type,
        points: questionPoints(setup, round, sq), turnTeamId: TURN_KINDS.includes(round.kind) ? (sq.teamId ?? null) : null,
        phase: 'shown', shownAt: ev.at, openSeq: null, openedAt: null, closesAt: null, remainingMs: null, stake: null,
        eligibleTeamIds: round.kind === 'sudden_death' ? tiedLeaders(setup, state) : null,
        buzzes: [], winner: null, answerClosesAt: null, fouls: [], teamAnswer: null, answers: {}, verdict: null, memberPoints: {},
      };
      return;
    }
    case 'stake':
      q!.stake = a.stake!;
      q!.points = a.stake!;
      return;
    case 'open': {
      const round = setup.rounds[q!.roundIndex]!;
      q!.phase = 'open';
      q!.openSeq = ev.seq;
      q!.openedAt = ev.at;
      q!.closesAt = ev.at + countdownOf(setup, round);
      return;
    }
    case 'lock':
      q!.phase = 'locked';
      return;
    case 'judge': {
      const teamId = judgedTeam(q!)!;
      setVerdict(setup, state, q!, teamId, a.correct!, false, ev.seq);
      q!.phase = 'locked';
      return;
    }
    case 'reveal':
      reveal(setup, state, q!, ev.seq);
      return;
    case 'pause':
      state.paused = true;
      if (q && (q.phase === 'open' || q.phase === 'buzzed')) {
        const closes = q.phase === 'buzzed' ? q.answerClosesAt! : q.closesAt!;
        q.remainingMs = Math.max(0, closes - ev.at);
      }
      return;
    case 'resume':
      state.paused = false;
      if (q && q.remainingMs !== null) {
        if (q.phase === 'buzzed') q.answerClosesAt = ev.at + q.remainingMs;
        else q.closesAt = ev.at + q.remainingMs;
        q.remainingMs = null;
      }
      return;
    case 'adjust':
      state.scores.push({ seq: ev.seq, teamId: a.teamId!, delta: a.delta!, why: 'adjust', ref: q?.ref ?? null, reason: a.reason! });
      return;
    case 'finish':
      state.finished = true;
      return;
    case 'undo':
      return;
  }
}

function setVerdict(setup: LiveSetup, state: LiveState, q: QuestionRun, teamId: string, correct: boolean, auto: boolean, seq: number): void {
  // A second judgement replaces the first (the host corrected a slip before the reveal).
  state.scores = state.scores.filter((s) => !(s.ref === q.ref && s.why === 'judge'));
  q.verdict = { teamId, correct, auto };
  const delta = verdictDelta(setup.rules, q, correct);
  if (delta !== 0) state.scores.push({ seq, teamId, delta, why: 'judge', ref: q.ref });
}

function reveal(setup: LiveSetup, state: LiveState, q: QuestionRun, seq: number): void {
  q.phase = 'revealed';
  if (q.kind === 'all') {
    const countdown = (q.closesAt ?? 0) - (q.openedAt ?? 0);
    const perTeam: Record<string, number> = {};
    for (const [memberId, ans] of Object.entries(q.answers)) {
      const pts = ans.correct ? round2(q.points + speedBonus(setup.rules, ans.at - (q.openedAt ?? ans.at), countdown)) : 0;
      q.memberPoints[memberId] = pts;
      state.memberTotals[memberId] = round2((state.memberTotals[memberId] ?? 0) + pts);
      perTeam[ans.teamId] = (perTeam[ans.teamId] ?? 0) + pts;
    }
    // The team's share: the average over its seated players (an empty seat counts 0), as in Kahoot.
    for (const team of setup.teams) {
      const seated = Object.values(state.seats).filter((s) => s.teamId === team.id).length;
      const sum = perTeam[team.id] ?? 0;
      if (seated > 0 && sum > 0) state.scores.push({ seq, teamId: team.id, delta: round2(sum / seated), why: 'reveal', ref: q.ref });
    }
    return;
  }
  if (q.verdict) return;
  const teamId = judgedTeam(q);
  if (!teamId) return;
  // Not judged by the host: the phone answer decides; no answer counts as wrong (风险: the stake is lost).
  const correct = q.teamAnswer ? q.teamAnswer.correct === true : false;
  if (!q.teamAnswer && q.kind === 'required') return;
  setVerdict(setup, state, q, teamId, correct, true, seq);
}

function applyPlayer(setup: LiveSetup, state: LiveState, ev: LiveEvent): void {
  const d = ev.data as { memberId: string; device: string; ref: string; openSeq: number | null; response?: unknown; correct?: boolean | null; stake?: number };
  const q = state.current;
  // An action taken while an open that was later undone: void, neither counted nor a foul.
  if (q && d.openSeq !== null && d.openSeq !== undefined && d.openSeq !== q.openSeq) return;
  const outcome = checkPlayerAction(setup, state, { kind: ev.kind as PlayerActionKind, memberId: d.memberId, device: d.device, ref: d.ref, response: d.response, stake: d.stake }, ev.at);
  if (!outcome.ok || !q) return;
  const teamId = state.seats[d.memberId]!.teamId;
  switch (ev.kind) {
    case 'buzz': {
      if (outcome.foul) {
        q.fouls.push({ teamId, memberId: d.memberId, at: ev.at });
        if (setup.rules.foulPenalty > 0) state.scores.push({ seq: ev.seq, teamId, delta: -setup.rules.foulPenalty, why: 'foul', ref: q.ref });
        return;
      }
      q.buzzes.push({ teamId, memberId: d.memberId, at: ev.at, seq: ev.seq });
      q.buzzes.sort((x, y) => x.at - y.at || x.seq - y.seq);
      const first = q.buzzes[0]!;
      if (!q.winner || first.at < q.winner.at) {
        q.winner = { teamId: first.teamId, memberId: first.memberId, at: first.at };
        q.answerClosesAt = first.at + setup.rules.buzzAnswerSec * 1000;
      }
      q.phase = 'buzzed';
      return;
    }
    case 'stake':
      q.stake = d.stake!;
      q.points = d.stake!;
      return;
    case 'answer': {
      const ans: TeamAnswer = { memberId: d.memberId, teamId, response: d.response ?? null, correct: d.correct ?? null, at: ev.at };
      if (q.kind === 'all') q.answers[d.memberId] = ans;
      else q.teamAnswer = ans;
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Projections: what the public (screen, every phone) and one player may see.

export interface PublicQuestionContent {
  type: LiveQuestionType;
  stem: string;
  options: { id: string; text: string }[];
  blankCount?: number;
}

export interface RevealContent {
  answer: unknown;
  explanation: string;
  source: { instrument: string; title: string; article: string | null } | null;
}

export interface PublicTeam {
  id: string;
  name: string;
  score: number;
  rank: number;
  seated: number;
}

export interface PublicState {
  version: number;
  status: 'lobby' | 'running' | 'paused' | 'finished';
  teams: PublicTeam[];
  round: { index: number; kind: LiveRoundKind; title: string; questions: number } | null;
  question: null | {
    ref: string;
    number: number;
    phase: LivePhase;
    points: number;
    turnTeamId: string | null;
    stake: number | null;
    eligibleTeamIds: string[] | null;
    openedAt: number | null;
    closesAt: number | null;
    answerClosesAt: number | null;
    remainingMs: number | null;
    content: PublicQuestionContent;
    buzzes: { teamId: string; name: string; at: number }[];
    winner: { teamId: string; name: string; at: number } | null;
    fouls: { teamId: string; name: string }[];
    answered: number;
    verdict: { teamId: string; correct: boolean } | null;
    /** Only after the reveal. */
    reveal: RevealContent | null;
    /** 全员答, after the reveal: how many got it right. */
    correctCount: number | null;
  };
  recent: { seq: number; teamId: string; delta: number; why: string }[];
}

export function publicState(
  setup: LiveSetup,
  state: LiveState,
  content: (ref: string) => PublicQuestionContent,
  revealOf: (ref: string) => RevealContent,
): PublicState {
  const ranked = rankTeams(setup, state);
  const seated: Record<string, number> = {};
  for (const s of Object.values(state.seats)) seated[s.teamId] = (seated[s.teamId] ?? 0) + 1;
  const q = state.current;
  const nameOf = (memberId: string) => state.seats[memberId]?.name ?? '';
  const round = q ? setup.rounds[q.roundIndex]! : null;
  return {
    version: state.version,
    status: state.finished ? 'finished' : state.paused ? 'paused' : state.started ? 'running' : 'lobby',
    teams: ranked.map((r) => ({ id: r.id, name: r.name, score: r.score, rank: r.rank, seated: seated[r.id] ?? 0 })),
    round: q && round ? { index: q.roundIndex, kind: round.kind, title: round.title, questions: round.questions.length } : null,
    question: q
      ? {
          ref: q.ref,
          number: q.questionIndex + 1,
          phase: q.phase,
          points: q.points,
          turnTeamId: q.turnTeamId,
          stake: q.stake,
          eligibleTeamIds: q.eligibleTeamIds,
          openedAt: q.openedAt,
          closesAt: q.closesAt,
          answerClosesAt: q.answerClosesAt,
          remainingMs: q.remainingMs,
          content: content(q.ref),
          buzzes: q.buzzes.map((b) => ({ teamId: b.teamId, name: nameOf(b.memberId), at: b.at })),
          winner: q.winner ? { teamId: q.winner.teamId, name: nameOf(q.winner.memberId), at: q.winner.at } : null,
          fouls: q.fouls.map((f) => ({ teamId: f.teamId, name: nameOf(f.memberId) })),
          answered: q.kind === 'all' ? Object.keys(q.answers).length : q.teamAnswer ? 1 : 0,
          // A host's verdict is announced on stage anyway; an automatic one waits for the reveal.
          verdict: q.verdict && (!q.verdict.auto || q.phase === 'revealed') ? { teamId: q.verdict.teamId, correct: q.verdict.correct } : null,
          reveal: q.phase === 'revealed' ? revealOf(q.ref) : null,
          correctCount: q.kind === 'all' && q.phase === 'revealed' ? Object.values(q.answers).filter((x) => x.correct).length : null,
        }
      : null,
    recent: state.scores.slice(-8).map((s) => ({ seq: s.seq, teamId: s.teamId, delta: s.delta, why: s.why })),
  };
}

export interface PersonalState {
  version: number;
  seat: { teamId: string; teamName: string; thisDevice: boolean } | null;
  /** For the current question. */
  mine: {
    ref: string;
    answered: boolean;
    /** My own response, echoed back (never anyone else's). */
    response: unknown;
    /** Only after the reveal. */
    correct: boolean | null;
    points: number | null;
    buzz: 'won' | 'later' | 'foul' | null;
    teamAnswered: boolean;
  } | null;
  /** 全员答 points over the contest. */
  myPoints: number;
}

export function personalState(setup: LiveSetup, state: LiveState, memberId: string, device: string | null): PersonalState {
  const seat = state.seats[memberId];
  const q = state.current;
  let mine: PersonalState['mine'] = null;
  if (q && seat) {
    const own = q.kind === 'all' ? q.answers[memberId] : q.teamAnswer?.teamId === seat.teamId ? q.teamAnswer : undefined;
    const revealed = q.phase === 'revealed';
    const buzz = q.fouls.some((f) => f.memberId === memberId)
      ? 'foul'
      : q.winner?.memberId === memberId
        ? 'won'
        : q.buzzes.some((b) => b.memberId === memberId) ? 'later' : null;
    mine = {
      ref: q.ref,
      answered: q.kind === 'all' ? Boolean(q.answers[memberId]) : own?.memberId === memberId,
      response: own && own.memberId === memberId ? own.response : null,
      correct: revealed && own ? own.correct === true : null,
      points: revealed && q.kind === 'all' ? (q.memberPoints[memberId] ?? 0) : null,
      buzz,
      teamAnswered: q.kind !== 'all' && Boolean(own),
    };
  }
  const team = seat ? setup.teams.find((t) => t.id === seat.teamId) : undefined;
  return {
    version: state.version,
    seat: seat ? { teamId: seat.teamId, teamName: team?.name ?? '', thisDevice: device !== null && seat.device === device } : null,
    mine,
    myPoints: state.memberTotals[memberId] ?? 0,
  };
}
