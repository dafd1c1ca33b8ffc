import { describe, expect, it } from 'vitest';
import {
  assignmentStatus, isAtRisk, STATUS_CASES, periodBounds, nextQuarter, shiftMonthsCst, nextOccurrence, examCompletion,
  countingAttempts, lessonsCompletion, rates, emptyCounts, addCounts, childKey, scoreHistogram, formatCst, PeriodSchema,
  type CountedAttempt,
} from '../../../src/core/completion.ts';

const due = '2026-12-15T15:59:59Z';

describe('assignmentStatus', () => {
  it('exempt wins over everything', () => {
    expect(assignmentStatus({ dueAt: due, startedAt: '2026-12-01T00:00:00Z', completedAt: '2026-12-02T00:00:00Z', exempt: true }, '2026-12-03T00:00:00Z')).toBe('exempt');
  });
  it('completed on time includes the due instant itself; after it is late', () => {
    expect(assignmentStatus({ dueAt: due, startedAt: null, completedAt: due, exempt: false }, '2027-01-01T00:00:00Z')).toBe('completed');
    expect(assignmentStatus({ dueAt: due, startedAt: null, completedAt: '2026-12-15T16:00:00Z', exempt: false }, '2027-01-01T00:00:00Z')).toBe('completed_late');
  });
  it('not completed: overdue after the due instant, else in progress when started, else not started', () => {
    expect(assignmentStatus({ dueAt: due, startedAt: '2026-12-01T00:00:00Z', completedAt: null, exempt: false }, '2026-12-16T00:00:00Z')).toBe('overdue');
    expect(assignmentStatus({ dueAt: due, startedAt: null, completedAt: null, exempt: false }, '2026-12-16T00:00:00Z')).toBe('overdue');
    expect(assignmentStatus({ dueAt: due, startedAt: '2026-12-01T00:00:00Z', completedAt: null, exempt: false }, '2026-12-10T00:00:00Z')).toBe('in_progress');
    expect(assignmentStatus({ dueAt: due, startedAt: null, completedAt: null, exempt: false }, '2026-12-10T00:00:00Z')).toBe('not_started');
  });
  it('at risk: open and due within 7 days; never when done, exempt or already overdue', () => {
    const open = { dueAt: due, startedAt: null, completedAt: null, exempt: false };
    expect(isAtRisk(open, '2026-12-08T15:59:59Z')).toBe(true);
    expect(isAtRisk(open, '2026-12-08T15:59:58Z')).toBe(false);
    expect(isAtRisk(open, '2026-12-16T00:00:00Z')).toBe(false);
    expect(isAtRisk({ ...open, exempt: true }, '2026-12-10T00:00:00Z')).toBe(false);
    expect(isAtRisk({ ...open, completedAt: '2026-12-09T00:00:00Z' }, '2026-12-10T00:00:00Z')).toBe(false);
  });
  it('the parity cases cover every status', () => {
    expect(new Set(STATUS_CASES.map((c) => c.status))).toEqual(new Set(['not_started', 'in_progress', 'completed', 'completed_late', 'overdue', 'exempt']));
    expect(STATUS_CASES.some((c) => c.atRisk)).toBe(true);
  });
});

describe('periods', () => {
  it('bounds in China Standard Time', () => {
    expect(periodBounds('2026Q4')).toEqual({ start: new Date('2026-09-30T16:00:00Z'), end: new Date('2026-12-31T16:00:00Z') });
    expect(periodBounds('2026H1').end).toEqual(new Date('2026-06-30T16:00:00Z'));
    expect(periodBounds('2026-02')).toEqual({ start: new Date('2026-01-31T16:00:00Z'), end: new Date('2026-02-28T16:00:00Z') });
    expect(periodBounds('2026').end).toEqual(new Date('2026-12-31T16:00:00Z'));
    expect(() => periodBounds('2026Q5')).toThrow(RangeError);
    expect(PeriodSchema.safeParse('2026-Q4').success).toBe(false);
    expect(PeriodSchema.safeParse(' 2026Q4 ').data).toBe('2026Q4');
  });
  it('next quarter and month shifts keep the day (clamped) and the time of day', () => {
    expect(nextQuarter('2026Q4')).toBe('2027Q1');
    expect(nextQuarter('2026Q1')).toBe('2026Q2');
    expect(shiftMonthsCst('2026-11-30T10:00:00+08:00', 3)).toEqual(new Date('2027-02-28T10:00:00+08:00'));
    expect(shiftMonthsCst('2026-12-31T23:59:59+08:00', 3)).toEqual(new Date('2027-03-31T23:59:59+08:00'));
    expect(nextOccurrence({ period: '2026Q4', startsAt: '2026-10-01T00:00:00+08:00', dueAt: '2026-12-15T18:00:00+08:00' })).toEqual({
      period: '2027Q1', startsAt: new Date('2027-01-01T00:00:00+08:00'), dueAt: new Date('2027-03-15T18:00:00+08:00'), periodEnd: new Date('2027-04-01T00:00:00+08:00'),
    });
  });
  it('formats instants as CST wall-clock', () => {
    expect(formatCst('2026-12-15T15:59:59Z')).toBe('2026-12-15 23:59');
    expect(formatCst(null)).toBe('');
  });
});

const att = (day: number, percent: number | null, state: CountedAttempt['state'] = 'submitted'): CountedAttempt => ({
  state, startedAt: `2026-11-${String(day).padStart(2, '0')}T01:00:00Z`, finishedAt: state === 'in_progress' ? null : `2026-11-${String(day).padStart(2, '0')}T01:10:00Z`, percent,
});

describe('examCompletion', () => {
  it('highest: passed at the first passing attempt, stays passed', () => {
    const r = examCompletion([att(1, 50), att(2, 80), att(3, 30)], 'highest', 60);
    expect(r).toEqual({ score: 80, passed: true, passedAt: new Date('2026-11-02T01:10:00Z'), counted: 3 });
  });
  it('first: a failed first attempt is never passed', () => {
    expect(examCompletion([att(1, 50), att(2, 90)], 'first', 60)).toMatchObject({ score: 50, passed: false, passedAt: null });
  });
  it('latest: a later fail undoes a pass; a later pass passes from then', () => {
    expect(examCompletion([att(1, 80), att(2, 40)], 'latest', 60)).toMatchObject({ score: 40, passed: false, passedAt: null });
    expect(examCompletion([att(1, 40), att(2, 75)], 'latest', 60)).toMatchObject({ score: 75, passedAt: new Date('2026-11-02T01:10:00Z') });
  });
  it('average: the final passing run begins where the running average last crossed the mark', () => {
    const r = examCompletion([att(1, 50), att(2, 80), att(3, 30), att(4, 90)], 'average', 60);
    expect(r).toEqual({ score: 62.5, passed: true, passedAt: new Date('2026-11-04T01:10:00Z'), counted: 4 });
  });
  it('only finished, graded attempts since the start count; exactly the pass mark passes', () => {
    const list = [att(1, 95), att(5, null), att(6, 60, 'in_progress'), att(7, 60, 'abandoned'), att(8, 60, 'auto_submitted')];
    expect(examCompletion(list, 'highest', 60, '2026-11-03T00:00:00Z')).toMatchObject({ score: 60, passed: true, counted: 1 });
    expect(examCompletion([], 'highest', 60)).toEqual({ score: null, passed: null, passedAt: null, counted: 0 });
  });
  it('countingAttempts names the attempt(s) the method uses', () => {
    const list = [att(3, 70), att(1, 80), att(2, 80)];
    expect(countingAttempts(list, 'highest')).toEqual([1]);   // earliest of the tied best
    expect(countingAttempts(list, 'first')).toEqual([1]);
    expect(countingAttempts(list, 'latest')).toEqual([0]);
    expect(countingAttempts(list, 'average').sort()).toEqual([0, 1, 2]);
    expect(countingAttempts(list, 'first', '2026-11-02T00:00:00Z')).toEqual([2]);
  });
});

describe('lessons and report arithmetic', () => {
  it('lessons: done at the last first-read of every assigned lesson', () => {
    const reads = [{ lessonId: 'a', readAt: '2026-11-02T00:00:00Z' }, { lessonId: 'b', readAt: '2026-11-05T00:00:00Z' }, { lessonId: 'x', readAt: '2026-11-09T00:00:00Z' }];
    expect(lessonsCompletion(['a', 'b'], reads)).toEqual({ read: 2, doneAt: new Date('2026-11-05T00:00:00Z'), firstReadAt: new Date('2026-11-02T00:00:00Z') });
    expect(lessonsCompletion(['a', 'c'], reads).doneAt).toBeNull();
  });
  it('rates leave exempt people out of every denominator; none required → null', () => {
    const c = { ...emptyCounts(), assigned: 9, completed: 3, completedLate: 1, overdue: 4, exempt: 1, scoreSum: 350, scoreCount: 5 };
    expect(rates(c, 5)).toEqual({ completionRate: 50, onTimeRate: 37.5, participationRate: 62.5, averageScore: 70 });
    expect(rates({ ...emptyCounts(), assigned: 1, exempt: 1 }, 0)).toEqual({ completionRate: null, onTimeRate: null, participationRate: null, averageScore: null });
  });
  it('addCounts sums and keeps the best score', () => {
    const a = addCounts({ ...emptyCounts(), assigned: 2, bestScore: 70 }, { ...emptyCounts(), assigned: 3, bestScore: 90 });
    expect(a).toMatchObject({ assigned: 5, bestScore: 90 });
    expect(addCounts(emptyCounts(), emptyCounts()).bestScore).toBeNull();
  });
  it('childKey finds the drill-down child', () => {
    expect(childKey('/HQ/QD/QD-SN/', '/HQ/')).toBe('QD');
    expect(childKey('/HQ/', '/HQ/')).toBe('');
    expect(childKey('/JN/', '/HQ/')).toBeNull();
  });
  it('histogram bins, 100 in the last', () => {
    expect(scoreHistogram([0, 9.99, 10, 59.99, 60, 100])).toEqual([2, 1, 0, 0, 0, 1, 1, 0, 0, 1]);
  });
});
