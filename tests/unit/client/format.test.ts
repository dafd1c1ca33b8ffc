import { describe, expect, it } from 'vitest';
import { isBlankResponse, type QuestionPublic, type QuestionResponse } from '../../../src/core/questions.ts';
import { remainingMs } from '../../../src/core/attempt.ts';
import { describeResponse, formatClock, isAnswered, remainingOnServer, sourceHref, sourceLabel } from '../../../src/client/format.ts';

describe('isAnswered', () => {
  const cases: QuestionResponse[] = [null, '', '  ', 'B', [], ['A'], ['', ' '], ['', 'x'], true, false, '\u3000', 'text'];
  it.each(cases.map((c) => [c]))('agrees with core isBlankResponse for %j', (r) => {
    expect(isAnswered(r)).toBe(!isBlankResponse(r));
  });
});

describe('remainingOnServer', () => {
  it('agrees with core remainingMs, using the server clock offset', () => {
    const deadline = '2026-11-22T10:00:00.000Z';
    const serverNow = Date.parse('2026-11-22T09:55:00.000Z');
    const local = serverNow - 30_000; // the phone's clock is 30 s slow
    const offset = serverNow - local;
    expect(remainingOnServer(deadline, offset, local)).toBe(remainingMs({ state: 'in_progress', deadline }, serverNow));
    expect(remainingOnServer(deadline, offset, local + 10 * 60_000)).toBe(0);
    expect(remainingOnServer(null, 0, local)).toBeNull();
  });
});

describe('formatClock', () => {
  it('shows mm:ss under an hour and h:mm:ss above, rounding up', () => {
    expect(formatClock(0)).toBe('00:00');
    expect(formatClock(59_001)).toBe('01:00');
    expect(formatClock(5 * 60_000)).toBe('05:00');
    expect(formatClock(3_723_000)).toBe('1:02:03');
  });
});

describe('describeResponse', () => {
  const q: QuestionPublic = { id: 'q', type: 'multiple', stem: 's', options: [{ id: 'C', text: 'c' }, { id: 'A', text: 'a' }, { id: 'B', text: 'b' }] };
  it('uses display letters in display order, not option ids', () => {
    expect(describeResponse(q, ['A', 'C'], 'zh-cn')).toBe('A、B');
  });
  it('reads true/false and blanks', () => {
    expect(describeResponse({ ...q, type: 'truefalse', options: [] }, false, 'zh-cn')).toBe('错误');
    expect(describeResponse({ ...q, type: 'fill', options: [], blankCount: 2 }, [['15日', '十五日'], ['30日']], 'zh-cn')).toBe('15日；30日');
  });
});

describe('sources', () => {
  it('links to the article anchor in the locale', () => {
    expect(sourceHref({ instrument: 'consumer-rights-law', article: 16 }, 'zh-cn')).toBe('/regulations/consumer-rights-law/#article-16');
    expect(sourceHref({ instrument: 'x' }, 'en')).toBe('/en/regulations/x/');
    expect(sourceHref({ lesson: 'complaint-handling', anchor: 'organisation' }, 'zh-cn')).toBe('/lessons/complaint-handling/#organisation');
  });
  it('labels with the short title', () => {
    expect(sourceLabel({ instrument: 'x', article: 7 }, 'zh-cn', { instruments: { x: '消保法' } })).toBe('《消保法》 第7条');
  });
});
