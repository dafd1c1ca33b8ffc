import { describe, expect, it } from 'vitest';
import {
  applyEvent, checkHostAction, checkPlayerAction, defaultLiveRules, deriveState, effectivePhase, emptyState, LiveRulesSchema,
  personalState, publicState, rankTeams, speedBonus, teamScores, type LiveEvent, type LiveSetup, type LiveState,
} from '../../../src/core/live-contest.ts';

const T = ['ta', 'tb', 'tc', 'td'];
const rules = defaultLiveRules();

function setup(rounds: LiveSetup['rounds'], overrides: Partial<LiveSetup['rules']> = {}): LiveSetup {
  return { rules: { ...rules, ...overrides }, teams: T.map((id, i) => ({ id, name: `队${i + 1}` })), rounds };
}

const required = (n = 4) => ({
  id: 'r1', kind: 'required' as const, title: '必答', questions: Array.from({ length: n }, (_, i) => ({ id: `r1q${i}`, type: 'single' as const, teamId: T[i % 4]! })),
});
const buzz = (n = 2) => ({ id: 'r2', kind: 'buzz' as const, title: '抢答', questions: Array.from({ length: n }, (_, i) => ({ id: `r2q${i}`, type: 'truefalse' as const })) });
const risk = (n = 2) => ({ id: 'r3', kind: 'risk' as const, title: '风险', questions: Array.from({ length: n }, (_, i) => ({ id: `r3q${i}`, type: 'single' as const, teamId: T[i % 4]! })) });
const all = (n = 1) => ({ id: 'r4', kind: 'all' as const, title: '全员答', questions: Array.from({ length: n }, (_, i) => ({ id: `r4q${i}`, type: 'single' as const })) });
const sudden = (n = 2) => ({ id: 'r5', kind: 'sudden_death' as const, title: '加赛', questions: Array.from({ length: n }, (_, i) => ({ id: `r5q${i}`, type: 'single' as const })) });

/** An event log builder: every event one second after the previous unless `at` is given. */
class Log {
  events: LiveEvent[] = [];
  t = 1_000_000;
  host(kind: string, data: Record<string, unknown> = {}, dt = 1000) {
    this.t += dt;
    this.events.push({ seq: this.events.length + 1, at: this.t, kind, host: true, actor: 'host', data });
    return this;
  }
  join(memberId: string, teamId: string, device = `dev-${memberId}`) {
    this.t += 10;
    this.events.push({ seq: this.events.length + 1, at: this.t, kind: 'join', host: false, actor: memberId, data: { memberId, teamId, name: memberId.toUpperCase(), device } });
    return this;
  }
  player(kind: string, memberId: string, ref: string, data: Record<string, unknown> = {}, dt = 100, openSeq: number | null = null) {
    this.t += dt;
    this.events.push({ seq: this.events.length + 1, at: this.t, kind, host: false, actor: memberId, data: { memberId, device: `dev-${memberId}`, ref, openSeq, ...data } });
    return this;
  }
  lastOpen(): number | null {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i]!.kind === 'open') return this.events[i]!.seq;
    return null;
  }
}

function seated(log: Log) {
  return log.join('a1', 'ta').join('a2', 'ta').join('b1', 'tb').join('c1', 'tc').join('d1', 'td');
}

const scores = (s: LiveSetup, st: LiveState) => teamScores(s, st);

describe('rules', () => {
  it('defaults: base 100, ±10 buzz, stakes 10/20/30', () => {
    expect(rules.baseScore).toBe(100);
    expect(rules.buzzCorrect).toBe(10);
    expect(rules.stakes).toEqual([10, 20, 30]);
  });
  it('refuses a speed bonus larger than a question', () => {
    const r = LiveRulesSchema.safeParse({ allPoints: 10, speedBonusMax: 11 });
    expect(r.success).toBe(false);
  });
  it('speed bonus never exceeds the maximum and falls to 0 at the end', () => {
    expect(speedBonus(rules, 0, 20_000)).toBe(5);
    expect(speedBonus(rules, 10_000, 20_000)).toBe(2.5);
    expect(speedBonus(rules, 25_000, 20_000)).toBe(0);
    expect(speedBonus(rules, -5, 20_000)).toBe(5);
  });
});

describe('必答', () => {
  const s = setup([required()]);
  it('the turn team scores the question’s points when right, nothing when wrong', () => {
    const log = seated(new Log()).host('next').host('open').host('judge', { correct: true }).host('reveal')
      .host('next').host('open').host('judge', { correct: false }).host('reveal');
    const st = deriveState(s, log.events);
    expect(scores(s, st)).toEqual({ ta: 110, tb: 100, tc: 100, td: 100 });
  });
  it('a phone answer of the turn team is judged automatically at the reveal', () => {
    const log = seated(new Log()).host('next').host('open');
    log.player('answer', 'a1', 'r1q0', { response: 'A', correct: true }, 100, log.lastOpen()).host('lock').host('reveal');
    const st = deriveState(s, log.events);
    expect(scores(s, st).ta).toBe(110);
    expect(st.history.length + 1).toBe(1 + st.history.length);
  });
  it('another team cannot answer, and a team answers once', () => {
    const log = seated(new Log()).host('next').host('open');
    const st = deriveState(s, log.events);
    const at = log.t + 100;
    expect(checkPlayerAction(s, st, { kind: 'answer', memberId: 'b1', device: 'dev-b1', ref: 'r1q0', response: 'A' }, at))
      .toMatchObject({ ok: false, problem: { code: 'not_your_turn' } });
    log.player('answer', 'a1', 'r1q0', { response: 'A', correct: false }, 100, log.lastOpen());
    const st2 = deriveState(s, log.events);
    expect(checkPlayerAction(s, st2, { kind: 'answer', memberId: 'a2', device: 'dev-a2', ref: 'r1q0', response: 'B' }, at + 200))
      .toMatchObject({ ok: false, problem: { code: 'already_answered' } });
  });
  it('answers after the countdown or after a lock are refused; a late event in the log changes nothing', () => {
    const log = seated(new Log()).host('next').host('open');
    const st = deriveState(s, log.events);
    const closes = st.current!.closesAt!;
    expect(checkPlayerAction(s, st, { kind: 'answer', memberId: 'a1', device: 'dev-a1', ref: 'r1q0' }, closes + 1))
      .toMatchObject({ ok: false, problem: { code: 'closed' } });
    expect(effectivePhase(st.current!, closes + 1, false)).toBe('locked');
    log.host('lock');
    log.player('answer', 'a1', 'r1q0', { response: 'A', correct: true }, 10, log.lastOpen());
    const st2 = deriveState(s, log.events);
    expect(st2.current!.teamAnswer).toBeNull();
  });
  it('an answer before the question opens is refused', () => {
    const st = deriveState(s, seated(new Log()).host('next').events);
    expect(checkPlayerAction(s, st, { kind: 'answer', memberId: 'a1', device: 'dev-a1', ref: 'r1q0' }, 2e6))
      .toMatchObject({ ok: false, problem: { code: 'not_open' } });
  });
  it('points by type from the rules', () => {
    const s2 = setup([{ id: 'r', kind: 'required', title: '', questions: [{ id: 'm', type: 'multiple', teamId: 'tb' }] }]);
    const st = deriveState(s2, seated(new Log()).host('next').host('open').host('judge', { correct: true }).events);
    expect(scores(s2, st).tb).toBe(120);
  });
});

describe('抢答', () => {
  const s = setup([buzz()]);
  it('the earliest buzz by receive time wins; correct +10', () => {
    const log = seated(new Log()).host('next').host('open');
    const open = log.lastOpen();
    log.player('buzz', 'b1', 'r2q0', {}, 300, open).player('buzz', 'c1', 'r2q0', {}, 5, open);
    const st = deriveState(s, log.events);
    expect(st.current!.winner).toMatchObject({ teamId: 'tb', memberId: 'b1' });
    expect(st.current!.buzzes.map((b) => b.teamId)).toEqual(['tb', 'tc']);
    log.host('judge', { correct: true }).host('reveal');
    expect(scores(s, deriveState(s, log.events))).toMatchObject({ tb: 110, tc: 100 });
  });
  it('a buzz received earlier but logged later still wins (server receive time decides)', () => {
    const log = seated(new Log()).host('next').host('open');
    const open = log.lastOpen();
    log.player('buzz', 'c1', 'r2q0', {}, 300, open);
    log.events.push({ seq: log.events.length + 1, at: log.t - 50, kind: 'buzz', host: false, actor: 'b1', data: { memberId: 'b1', device: 'dev-b1', ref: 'r2q0', openSeq: open } });
    const st = deriveState(s, log.events);
    expect(st.current!.winner!.teamId).toBe('tb');
  });
  it('wrong answer −10', () => {
    const log = seated(new Log()).host('next').host('open');
    log.player('buzz', 'd1', 'r2q0', {}, 100, log.lastOpen()).host('judge', { correct: false }).host('reveal');
    expect(scores(s, deriveState(s, log.events)).td).toBe(90);
  });
  it('a buzz before the question opens is a foul: −10 and no more buzzing on it', () => {
    const log = seated(new Log()).host('next');
    log.player('buzz', 'a1', 'r2q0', {}, 100, null);
    const st = deriveState(s, log.events);
    expect(st.current!.fouls).toHaveLength(1);
    expect(scores(s, st).ta).toBe(90);
    log.host('open');
    const st2 = deriveState(s, log.events);
    expect(checkPlayerAction(s, st2, { kind: 'buzz', memberId: 'a2', device: 'dev-a2', ref: 'r2q0' }, log.t + 10))
      .toMatchObject({ ok: false, problem: { code: 'fouled' } });
    expect(checkPlayerAction(s, st2, { kind: 'buzz', memberId: 'b1', device: 'dev-b1', ref: 'r2q0' }, log.t + 10)).toEqual({ ok: true, foul: false });
  });
  it('one buzz per team; the winner’s team answers on the phone until its answer time runs out', () => {
    const log = seated(new Log()).host('next').host('open');
    const open = log.lastOpen();
    log.player('buzz', 'a1', 'r2q0', {}, 100, open);
    const st = deriveState(s, log.events);
    expect(checkPlayerAction(s, st, { kind: 'buzz', memberId: 'a2', device: 'dev-a2', ref: 'r2q0' }, log.t + 1))
      .toMatchObject({ ok: false, problem: { code: 'already_buzzed' } });
    expect(checkPlayerAction(s, st, { kind: 'answer', memberId: 'b1', device: 'dev-b1', ref: 'r2q0', response: true }, log.t + 1))
      .toMatchObject({ ok: false, problem: { code: 'not_your_turn' } });
    expect(checkPlayerAction(s, st, { kind: 'answer', memberId: 'a2', device: 'dev-a2', ref: 'r2q0', response: true }, log.t + 1)).toEqual({ ok: true, foul: false });
    expect(checkPlayerAction(s, st, { kind: 'answer', memberId: 'a2', device: 'dev-a2', ref: 'r2q0', response: true }, st.current!.answerClosesAt! + 1))
      .toMatchObject({ ok: false, problem: { code: 'closed' } });
  });
  it('no buzz, nothing to judge; reveal changes no score', () => {
    const log = seated(new Log()).host('next').host('open');
    const st = deriveState(s, log.events);
    expect(checkHostAction(s, st, { kind: 'judge', correct: true }, log.t)).toMatchObject({ code: 'no_buzz' });
    log.host('lock').host('reveal');
    expect(Object.values(scores(s, deriveState(s, log.events)))).toEqual([100, 100, 100, 100]);
  });
  it('the winner’s phone answer decides at the reveal when the host does not judge', () => {
    const log = seated(new Log()).host('next').host('open');
    log.player('buzz', 'c1', 'r2q0', {}, 100, log.lastOpen()).player('answer', 'c1', 'r2q0', { response: true, correct: false }, 100, log.lastOpen());
    log.host('lock').host('reveal');
    expect(scores(s, deriveState(s, log.events)).tc).toBe(90);
  });
});

describe('风险', () => {
  const s = setup([risk()]);
  it('correct +stake, wrong −stake; the stake is one of the allowed ones and chosen before opening', () => {
    const log = seated(new Log()).host('next');
    let st = deriveState(s, log.events);
    expect(checkHostAction(s, st, { kind: 'open' }, log.t)).toMatchObject({ code: 'no_stake' });
    expect(checkHostAction(s, st, { kind: 'stake', stake: 25 }, log.t)).toMatchObject({ code: 'bad_stake' });
    expect(checkPlayerAction(s, st, { kind: 'stake', memberId: 'b1', device: 'dev-b1', ref: 'r3q0', stake: 20 }, log.t)).toMatchObject({ ok: false, problem: { code: 'not_your_turn' } });
    log.player('stake', 'a1', 'r3q0', { stake: 30 });
    log.host('open').host('judge', { correct: true }).host('reveal');
    log.host('next').host('stake', { stake: 20 }).host('open').host('judge', { correct: false }).host('reveal');
    st = deriveState(s, log.events);
    expect(scores(s, st)).toMatchObject({ ta: 130, tb: 80 });
    expect(checkHostAction(s, st, { kind: 'next' }, log.t)).toMatchObject({ code: 'no_more_questions' });
  });
  it('no answer at the reveal loses the stake', () => {
    const log = seated(new Log()).host('next').host('stake', { stake: 10 }).host('open').host('lock').host('reveal');
    expect(scores(s, deriveState(s, log.events)).ta).toBe(90);
  });
});

describe('个人全员答', () => {
  const s = setup([all()]);
  it('correct answers earn points plus a speed bonus; the team gets the average over its seated players', () => {
    const log = seated(new Log()).host('next').host('open');
    const open = log.lastOpen();
    const opened = log.t;
    log.player('answer', 'a1', 'r4q0', { response: 'A', correct: true }, 0, open); // instant: +5 bonus
    log.player('answer', 'a2', 'r4q0', { response: 'B', correct: false }, 1000, open);
    log.player('answer', 'b1', 'r4q0', { response: 'A', correct: true }, 9000, open); // 10 s of 20: +2.5
    const st0 = deriveState(s, log.events);
    expect(Object.values(scores(s, st0))).toEqual([100, 100, 100, 100]); // nothing before the reveal
    log.host('lock').host('reveal');
    const st = deriveState(s, log.events);
    expect(log.events.find((e) => e.actor === 'b1' && e.kind === 'answer')!.at - opened).toBe(10_000);
    expect(st.history.length).toBe(0);
    expect(st.current!.memberPoints).toEqual({ a1: 15, a2: 0, b1: 12.5 });
    expect(scores(s, st)).toEqual({ ta: 107.5, tb: 112.5, tc: 100, td: 100 });
    expect(personalState(s, st, 'a1', 'dev-a1')).toMatchObject({ myPoints: 15, mine: { correct: true, points: 15, answered: true } });
  });
  it('a fast wrong answer never beats a slow right one', () => {
    const r = defaultLiveRules();
    expect(r.allPoints + 0).toBeGreaterThan(0 + r.speedBonusMax);
  });
  it('one answer per person; answering for a seat on another device is refused', () => {
    const log = seated(new Log()).host('next').host('open');
    log.player('answer', 'a1', 'r4q0', { response: 'A', correct: true }, 10, log.lastOpen());
    const st = deriveState(s, log.events);
    expect(checkPlayerAction(s, st, { kind: 'answer', memberId: 'a1', device: 'dev-a1', ref: 'r4q0' }, log.t + 1)).toMatchObject({ ok: false, problem: { code: 'already_answered' } });
    expect(checkPlayerAction(s, st, { kind: 'answer', memberId: 'a2', device: 'other', ref: 'r4q0' }, log.t + 1)).toMatchObject({ ok: false, problem: { code: 'seat_taken_over' } });
    expect(checkPlayerAction(s, st, { kind: 'answer', memberId: 'zz', device: 'x', ref: 'r4q0' }, log.t + 1)).toMatchObject({ ok: false, problem: { code: 'not_seated' } });
  });
});

describe('seats', () => {
  const s = setup([all()]);
  it('a second device of the same person takes the seat over', () => {
    const log = new Log().join('a1', 'ta', 'phone-1').join('a1', 'ta', 'phone-2');
    const st = deriveState(s, log.events);
    expect(Object.keys(st.seats)).toEqual(['a1']);
    expect(st.seats.a1!.device).toBe('phone-2');
    expect(personalState(s, st, 'a1', 'phone-1').seat!.thisDevice).toBe(false);
    expect(personalState(s, st, 'a1', 'phone-2').seat!.thisDevice).toBe(true);
    expect(publicState(s, st, () => ({ type: 'single', stem: 'x', options: [] }), () => ({ answer: null, explanation: '', source: null })).teams.find((t) => t.id === 'ta')!.seated).toBe(1);
  });
  it('a seat in an unknown team is ignored', () => {
    expect(deriveState(s, new Log().join('x', 'nope').events).seats).toEqual({});
  });
});

describe('ties and sudden death', () => {
  const s = setup([buzz(1), sudden(2)]);
  it('ranks share places on ties (1, 1, 3, 3)', () => {
    const log = seated(new Log()).host('next').host('open');
    log.player('buzz', 'a1', 'r2q0', {}, 100, log.lastOpen()).host('judge', { correct: true }).host('reveal');
    log.host('adjust', { teamId: 'tb', delta: 10, reason: '补记' });
    const st = deriveState(s, log.events);
    expect(rankTeams(s, st).map((r) => [r.id, r.rank])).toEqual([['ta', 1], ['tb', 1], ['tc', 3], ['td', 3]]);
  });
  it('only the tied leaders buzz in sudden death, and a right answer breaks the tie', () => {
    const log = seated(new Log()).host('next').host('open');
    log.player('buzz', 'a1', 'r2q0', {}, 100, log.lastOpen()).host('judge', { correct: true }).host('reveal');
    log.host('adjust', { teamId: 'tb', delta: 10, reason: '补记' });
    log.host('next');
    let st = deriveState(s, log.events);
    expect(st.current!.eligibleTeamIds).toEqual(['ta', 'tb']);
    log.host('open');
    st = deriveState(s, log.events);
    expect(checkPlayerAction(s, st, { kind: 'buzz', memberId: 'c1', device: 'dev-c1', ref: 'r5q0' }, log.t + 1)).toMatchObject({ ok: false, problem: { code: 'not_eligible' } });
    log.player('buzz', 'b1', 'r5q0', {}, 100, log.lastOpen()).host('judge', { correct: true }).host('reveal');
    st = deriveState(s, log.events);
    expect(rankTeams(s, st)[0]).toMatchObject({ id: 'tb', rank: 1, score: 120 });
    expect(rankTeams(s, st)[1]).toMatchObject({ id: 'ta', rank: 2 });
    expect(checkHostAction(s, st, { kind: 'next' }, log.t)).toMatchObject({ code: 'no_tie' });
    log.host('finish');
    expect(deriveState(s, log.events).finished).toBe(true);
  });
  it('a sudden-death round without a tie is refused', () => {
    const log = seated(new Log()).host('next').host('open');
    log.player('buzz', 'a1', 'r2q0', {}, 100, log.lastOpen()).host('judge', { correct: true }).host('reveal');
    expect(checkHostAction(s, deriveState(s, log.events), { kind: 'next' }, log.t)).toMatchObject({ code: 'no_tie' });
  });
});

describe('host flow, pause, adjust, undo', () => {
  const s = setup([required(), buzz()]);
  it('next needs a revealed question; reveal needs a locked one', () => {
    const log = seated(new Log()).host('next').host('open');
    const st = deriveState(s, log.events);
    expect(checkHostAction(s, st, { kind: 'next' }, log.t)).toMatchObject({ code: 'not_revealed' });
    expect(checkHostAction(s, st, { kind: 'reveal' }, log.t)).toMatchObject({ code: 'still_open' });
    expect(checkHostAction(s, st, { kind: 'reveal' }, st.current!.closesAt! + 1)).toBeNull();
    expect(checkHostAction(s, st, { kind: 'open' }, log.t)).toMatchObject({ code: 'already_open' });
  });
  it('pause freezes the countdown and refuses answers; resume gives back the time left', () => {
    const log = seated(new Log()).host('next').host('open');
    const opened = deriveState(s, log.events).current!;
    log.host('pause', {}, 10_000);
    let st = deriveState(s, log.events);
    expect(st.paused).toBe(true);
    expect(st.current!.remainingMs).toBe(20_000);
    expect(checkPlayerAction(s, st, { kind: 'answer', memberId: 'a1', device: 'dev-a1', ref: 'r1q0' }, log.t + 1)).toMatchObject({ ok: false, problem: { code: 'paused' } });
    expect(checkHostAction(s, st, { kind: 'lock' }, log.t)).toMatchObject({ code: 'paused' });
    log.host('resume', {}, 60_000);
    st = deriveState(s, log.events);
    expect(st.current!.closesAt).toBe(log.t + 20_000);
    expect(st.current!.closesAt).toBeGreaterThan(opened.closesAt!);
  });
  it('adjust needs a reason and a team, and counts', () => {
    const st = deriveState(s, seated(new Log()).events);
    expect(checkHostAction(s, st, { kind: 'adjust', teamId: 'ta', delta: 5, reason: ' ' }, 0)).toMatchObject({ code: 'no_reason' });
    expect(checkHostAction(s, st, { kind: 'adjust', teamId: 'zz', delta: 5, reason: 'x' }, 0)).toMatchObject({ code: 'unknown_team' });
    expect(checkHostAction(s, st, { kind: 'adjust', teamId: 'ta', delta: 0, reason: 'x' }, 0)).toMatchObject({ code: 'bad_delta' });
    const st2 = deriveState(s, seated(new Log()).host('adjust', { teamId: 'tc', delta: -7.5, reason: '违规' }).events);
    expect(scores(s, st2).tc).toBe(92.5);
  });
  it('undo takes back the last host action, then the one before', () => {
    const log = seated(new Log()).host('next').host('open').host('judge', { correct: true }).host('reveal');
    expect(scores(s, deriveState(s, log.events)).ta).toBe(110);
    log.host('undo');
    let st = deriveState(s, log.events);
    expect(st.current!.phase).toBe('locked');
    expect(scores(s, st).ta).toBe(110); // the judgement stands
    log.host('undo');
    st = deriveState(s, log.events);
    expect(scores(s, st).ta).toBe(100);
    expect(st.current!.verdict).toBeNull();
    log.host('judge', { correct: false }).host('reveal');
    expect(scores(s, deriveState(s, log.events)).ta).toBe(100);
  });
  it('undoing an open voids the buzzes made while it was open (not fouls)', () => {
    const s2 = setup([buzz()]);
    const log = seated(new Log()).host('next').host('open');
    log.player('buzz', 'a1', 'r2q0', {}, 100, log.lastOpen());
    log.host('undo');
    const st = deriveState(s2, log.events);
    expect(st.current!.phase).toBe('shown');
    expect(st.current!.buzzes).toEqual([]);
    expect(st.current!.fouls).toEqual([]);
    expect(scores(s2, st).ta).toBe(100);
  });
  it('nothing to undo at the start; re-judging before the reveal replaces the verdict', () => {
    expect(checkHostAction(s, emptyState(), { kind: 'undo' }, 0)).toMatchObject({ code: 'nothing_to_undo' });
    const log = seated(new Log()).host('next').host('open').host('judge', { correct: true }).host('judge', { correct: false });
    expect(scores(s, deriveState(s, log.events)).ta).toBe(100);
  });
  it('refused host events in the log change nothing', () => {
    const log = seated(new Log()).host('open').host('reveal').host('judge', { correct: true });
    const st = deriveState(s, log.events);
    expect(st.current).toBeNull();
    expect(st.hostStack).toEqual([]);
  });
});

describe('re-derivation', () => {
  const s = setup([required(), buzz(), risk(), all(), sudden()]);
  function game(): Log {
    const log = seated(new Log());
    for (let i = 0; i < 4; i++) log.host('next').host('open').host('judge', { correct: i % 2 === 0 }).host('reveal');
    log.host('next');
    log.player('buzz', 'c1', 'r2q0', {}, 100, null); // foul
    log.host('open');
    log.player('buzz', 'd1', 'r2q0', {}, 100, log.lastOpen()).host('judge', { correct: true }).host('reveal');
    log.host('next').host('open').host('lock').host('reveal');
    log.host('next').host('stake', { stake: 30 }).host('open').host('judge', { correct: true }).host('reveal');
    log.host('next').host('stake', { stake: 10 }).host('open').host('undo').host('open').host('judge', { correct: false }).host('reveal');
    log.host('next').host('open');
    log.player('answer', 'a1', 'r4q0', { response: 'A', correct: true }, 100, log.lastOpen());
    log.player('answer', 'b1', 'r4q0', { response: 'A', correct: true }, 100, log.lastOpen());
    log.host('lock').host('reveal').host('adjust', { teamId: 'tc', delta: 3, reason: '纠错' });
    return log;
  }
  it('the same log always gives the same scores, incrementally or all at once, in any arrival order', () => {
    const log = game();
    const whole = deriveState(s, log.events);
    let inc = emptyState();
    for (const ev of log.events) inc = applyEvent(s, inc, ev);
    expect(teamScores(s, inc)).toEqual(teamScores(s, whole));
    const shuffled = [...log.events].reverse();
    expect(teamScores(s, deriveState(s, shuffled))).toEqual(teamScores(s, whole));
    expect(whole.version).toBe(log.events.length);
    // ta: +10 (必答) +30 (风险) + all; tb: −10 风险 …; computed by hand:
    const sc = teamScores(s, whole);
    expect(sc.tc).toBe(100 + 10 - 10 + 3); // 必答 q2 right, foul −10, adjust +3
    expect(sc.td).toBe(100 + 0 + 10); // 必答 q3 wrong (no deduction), 抢答 +10
    // ta: 必答 +10, 风险 +30, 全员答 a1 right 0.1 s in (10 + 4.98) over 2 seated players = 7.49
    expect(sc.ta).toBe(147.49);
    // tb: 必答 wrong 0, 风险 −10 (undo of the first open, then wrong), 全员答 b1 (10 + 4.95) alone
    expect(sc.tb).toBe(104.95);
  });
  it('public state hides keys and other players’ answers before the reveal', () => {
    const log = seated(new Log());
    for (let i = 0; i < 4; i++) log.host('next').host('open').host('judge', { correct: true }).host('reveal');
    log.host('next').host('open').host('lock').host('reveal');
    log.host('next').host('open').host('lock').host('reveal');
    log.host('next').host('stake', { stake: 10 }).host('open').host('lock').host('reveal');
    log.host('next').host('stake', { stake: 10 }).host('open').host('lock').host('reveal');
    log.host('next').host('open');
    expect(deriveState(s, log.events).current!.kind).toBe('all');
    log.player('answer', 'a1', 'r4q0', { response: 'SECRET-RESPONSE', correct: true }, 100, log.lastOpen());
    const st = deriveState(s, log.events);
    const reveal = () => ({ answer: 'KEY', explanation: 'EXPLAIN', source: null });
    const pub = publicState(s, st, () => ({ type: 'single', stem: '题干', options: [] }), reveal);
    const text = JSON.stringify(pub);
    expect(text).not.toContain('KEY');
    expect(text).not.toContain('EXPLAIN');
    expect(text).not.toContain('SECRET-RESPONSE');
    expect(pub.question!.answered).toBe(1);
    expect(JSON.stringify(personalState(s, st, 'a2', 'dev-a2'))).not.toContain('SECRET-RESPONSE');
    expect(personalState(s, st, 'a1', 'dev-a1').mine!.response).toBe('SECRET-RESPONSE');
    log.host('lock').host('reveal');
    const after = publicState(s, deriveState(s, log.events), () => ({ type: 'single', stem: '题干', options: [] }), reveal);
    expect(after.question!.reveal).toEqual({ answer: 'KEY', explanation: 'EXPLAIN', source: null });
    expect(after.question!.correctCount).toBe(1);
  });
  it('stale requests for an old question are refused', () => {
    const log = seated(new Log()).host('next').host('open').host('judge', { correct: true }).host('reveal').host('next').host('open');
    const st = deriveState(s, log.events);
    expect(checkPlayerAction(s, st, { kind: 'answer', memberId: 'a1', device: 'dev-a1', ref: 'r1q0' }, log.t)).toMatchObject({ ok: false, problem: { code: 'not_current' } });
  });
  it('after finish only undo and adjust are accepted', () => {
    const log = seated(new Log()).host('finish');
    const st = deriveState(s, log.events);
    expect(checkHostAction(s, st, { kind: 'next' }, 0)).toMatchObject({ code: 'finished' });
    expect(checkHostAction(s, st, { kind: 'undo' }, 0)).toBeNull();
    expect(publicState(s, st, () => ({ type: 'single', stem: '', options: [] }), () => ({ answer: null, explanation: '', source: null })).status).toBe('finished');
  });
});
