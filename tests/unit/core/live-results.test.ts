// A finished live contest as each seated person's result (src/core/live-results.ts): hand-computed
// from a small log with a 必答, a 抢答 and a 全员答 question.
import { describe, expect, it } from 'vitest';
import { defaultLiveRules, deriveState, type LiveEvent, type LiveSetup } from '../../../src/core/live-contest.ts';
import { liveFinishedAt, livePersonResults } from '../../../src/core/live-results.ts';

const setup: LiveSetup = {
  rules: defaultLiveRules(),
  teams: [{ id: 'ta', name: '甲队' }, { id: 'tb', name: '乙队' }],
  rounds: [
    { id: 'r1', kind: 'required', title: '必答', questions: [{ id: 'r1q0', type: 'single', teamId: 'ta' }, { id: 'r1q1', type: 'single', teamId: 'tb' }] },
    { id: 'r2', kind: 'buzz', title: '抢答', questions: [{ id: 'r2q0', type: 'truefalse' }] },
    { id: 'r4', kind: 'all', title: '全员答', questions: [{ id: 'r4q0', type: 'single' }] },
  ],
};

class Log {
  events: LiveEvent[] = [];
  t = 1_000_000;
  open: number | null = null;
  host(kind: string, data: Record<string, unknown> = {}, dt = 1000) {
    this.t += dt;
    this.events.push({ seq: this.events.length + 1, at: this.t, kind, host: true, actor: 'host', data });
    if (kind === 'open') this.open = this.events.length;
    return this;
  }
  join(memberId: string, teamId: string) {
    this.t += 10;
    this.events.push({ seq: this.events.length + 1, at: this.t, kind: 'join', host: false, actor: memberId, data: { memberId, teamId, name: memberId, device: `dev-${memberId}` } });
    return this;
  }
  player(kind: string, memberId: string, ref: string, data: Record<string, unknown> = {}, dt = 100) {
    this.t += dt;
    this.events.push({ seq: this.events.length + 1, at: this.t, kind, host: false, actor: memberId, data: { memberId, device: `dev-${memberId}`, ref, openSeq: this.open, ...data } });
    return this;
  }
}

/** a1, a2 sit in 甲队, b1 in 乙队 (b2 is listed but never joins: a spectator). */
function played(): Log {
  return new Log().join('a1', 'ta').join('a2', 'ta').join('b1', 'tb')
    // 必答 for 甲队: a1 answers right on the phone, the reveal judges it (+10).
    .host('next').host('open').player('answer', 'a1', 'r1q0', { response: 'A', correct: true }).host('lock').host('reveal')
    // 必答 for 乙队: b1's phone answer is wrong by the key, the host judges it right (+10).
    .host('next').host('open').player('answer', 'b1', 'r1q1', { response: 'B', correct: false }).host('lock').host('judge', { correct: true }).host('reveal')
    // 抢答: a2 buzzes first and answers wrong (−10 for 甲队).
    .host('next').host('open').player('buzz', 'a2', 'r2q0').player('answer', 'a2', 'r2q0', { response: true, correct: false }).host('judge', { correct: false }).host('reveal')
    // 全员答: a1 right after 2 s (10 + 4.5), b1 right 2 s later (10 + 4), a2 does not answer.
    .host('next').host('open').player('answer', 'a1', 'r4q0', { response: 'A', correct: true }, 2000)
    .player('answer', 'b1', 'r4q0', { response: 'A', correct: true }, 2000).host('lock').host('reveal');
}

describe('live results', () => {
  it('nothing is recorded before the finish', () => {
    const st = deriveState(setup, played().events);
    expect(liveFinishedAt(st)).toBeNull();
    expect(livePersonResults(setup, st)).toEqual([]);
  });

  it('every seated person gets team, place, answers, 全员答 points and a round score', () => {
    const log = played().host('finish');
    const st = deriveState(setup, log.events);
    expect(liveFinishedAt(st)).toBe(log.t);
    const rows = livePersonResults(setup, st);
    // 甲队 100 + 10 − 10 + (14.5 + 0) / 2 = 107.25; 乙队 100 + 10 + 14 = 124.
    expect(rows.map((r) => r.memberId)).toEqual(['b1', 'a1', 'a2']);
    const by = Object.fromEntries(rows.map((r) => [r.memberId, r]));
    expect(by.b1).toMatchObject({
      teamId: 'tb', teamName: '乙队', teamRank: 1, teamScore: 124, teamsCount: 2, answered: 2, correct: 2,
      personalPoints: 14, allQuestions: 1, teamPoints: 10, roundScore: 24, timeUsedSec: 4, finishedAtMs: log.t,
    });
    expect(by.a1).toMatchObject({ teamRank: 2, teamScore: 107.25, answered: 2, correct: 2, personalPoints: 14.5, teamPoints: 0, roundScore: 14.5, timeUsedSec: 2 });
    // a2 answered the 抢答 question (wrong) and missed the 全员答 one: its whole 20 s countdown counts.
    expect(by.a2).toMatchObject({ answered: 1, correct: 0, personalPoints: 0, teamPoints: 0, roundScore: 0, timeUsedSec: 20 });
    // Full marks: own 必答 10 + 抢答 10 + 全员答 10 + 5 bonus = 35 for either team.
    expect(rows.every((r) => r.roundMax === 35)).toBe(true);
    expect(rows.some((r) => r.memberId === 'b2')).toBe(false);
  });

  it('an adjustment after the end changes the team’s record; undoing the finish takes the records back', () => {
    const log = played().host('finish').host('adjust', { teamId: 'ta', delta: 20, reason: '复核' });
    const st = deriveState(setup, log.events);
    const a1 = livePersonResults(setup, st).find((r) => r.memberId === 'a1')!;
    expect(a1).toMatchObject({ teamScore: 127.25, teamRank: 1, teamPoints: 20, roundScore: 34.5 });
    // Undo the adjustment, then the finish.
    log.host('undo').host('undo');
    const back = deriveState(setup, log.events);
    expect(back.finished).toBe(false);
    expect(livePersonResults(setup, back)).toEqual([]);
    // Ending again records the same results, stamped with the new finish.
    log.host('finish');
    const again = livePersonResults(setup, deriveState(setup, log.events));
    const first = livePersonResults(setup, deriveState(setup, played().host('finish').events));
    expect(again.map(({ finishedAtMs, ...r }) => r)).toEqual(first.map(({ finishedAtMs, ...r }) => r));
    expect(again[0]!.finishedAtMs).toBe(log.t);
  });

  it('a question shown but not revealed at the finish does not count', () => {
    const s2: LiveSetup = { ...setup, rounds: [...setup.rounds, { id: 'r5', kind: 'all', title: '全员答二', questions: [{ id: 'r5q0', type: 'single' }] }] };
    const log = played().host('next').host('finish');
    const rows = livePersonResults(s2, deriveState(s2, log.events));
    expect(rows.find((r) => r.memberId === 'a2')).toMatchObject({ allQuestions: 1, timeUsedSec: 20, roundMax: 35 });
  });
});
