import { describe, expect, it } from 'vitest';
import { blankMatches, markBlanks, normaliseBlank } from '../../../src/core/index.ts';

describe('normaliseBlank', () => {
  it('folds full-width letters and digits to half-width (NFKC)', () => {
    expect(normaliseBlank('１５日')).toBe('15日');
    expect(normaliseBlank('ＡＢＣ')).toBe('abc');
    expect(normaliseBlank('５％')).toBe('5%');
  });

  it('removes every kind of whitespace, including ideographic and zero-width spaces', () => {
    expect(normaliseBlank('  1 5\t日\n')).toBe('15日');
    expect(normaliseBlank('十\u3000五\u00a0日')).toBe('十五日');
    expect(normaliseBlank('首问\u200b负责制\ufeff')).toBe('首问负责制');
  });

  it('case-folds', () => {
    expect(normaliseBlank('PBOC')).toBe(normaliseBlank('pboc'));
    expect(normaliseBlank('Ｐｂｏｃ')).toBe('pboc');
  });

  it('unifies Chinese and ASCII punctuation', () => {
    expect(normaliseBlank('国办发〔2015〕81号')).toBe(normaliseBlank('国办发[2015]81号'));
    expect(normaliseBlank('国办发（2015）81号')).toBe(normaliseBlank('国办发(2015)81号'));
    expect(normaliseBlank('国办发【2015】81号')).toBe('国办发(2015)81号');
    expect(normaliseBlank('知情权、选择权')).toBe('知情权,选择权');
    expect(normaliseBlank('知情权，选择权')).toBe('知情权,选择权');
    expect(normaliseBlank('甲——乙')).toBe('甲-乙');
    expect(normaliseBlank('甲：乙；丙')).toBe('甲:乙;丙');
  });

  it('drops quotation and book-title marks', () => {
    expect(normaliseBlank('《消费者权益保护法》')).toBe('消费者权益保护法');
    expect(normaliseBlank('“首问负责制”')).toBe('首问负责制');
    expect(normaliseBlank('「双录」')).toBe('双录');
    expect(normaliseBlank('"双录"')).toBe('双录');
  });

  it('drops trailing sentence punctuation typed out of habit', () => {
    expect(normaliseBlank('15日。')).toBe('15日');
    expect(normaliseBlank('15日.')).toBe('15日');
    expect(normaliseBlank('15日！')).toBe('15日');
    expect(normaliseBlank('1.5')).toBe('1.5'); // only at the end
  });

  it('keeps meaning-level differences: alternatives are the bank’s job', () => {
    expect(normaliseBlank('十五日')).not.toBe(normaliseBlank('15日'));
  });

  it('can produce an empty string', () => {
    expect(normaliseBlank('  。 ')).toBe('');
  });
});

describe('blankMatches', () => {
  it('matches any listed alternative after normalisation', () => {
    const alts = ['15日', '十五日', '15天'];
    expect(blankMatches('１５ 日', alts)).toBe(true);
    expect(blankMatches('十五日', alts)).toBe(true);
    expect(blankMatches('15天。', alts)).toBe(true);
    expect(blankMatches('16日', alts)).toBe(false);
  });

  it('never matches an empty response', () => {
    expect(blankMatches('', ['x'])).toBe(false);
    expect(blankMatches('   ', ['x'])).toBe(false);
  });
});

describe('markBlanks', () => {
  const blanks = [
    ['15日', '十五日'],
    ['30日', '三十日'],
  ];

  it('compares position by position when order matters', () => {
    expect(markBlanks(['15日', '30日'], blanks, false)).toEqual({ correct: [true, true], count: 2 });
    expect(markBlanks(['30日', '15日'], blanks, false)).toEqual({ correct: [false, false], count: 0 });
    expect(markBlanks(['１５日', '40日'], blanks, false)).toEqual({ correct: [true, false], count: 1 });
  });

  it('treats missing responses as empty and ignores extras', () => {
    expect(markBlanks(['15日'], blanks, false)).toEqual({ correct: [true, false], count: 1 });
    expect(markBlanks(['15日', '30日', '30日'], blanks, false)).toEqual({ correct: [true, true], count: 2 });
  });

  it('accepts any order when order-insensitive', () => {
    expect(markBlanks(['30日', '15日'], blanks, true)).toEqual({ correct: [true, true], count: 2 });
  });

  it('credits a repeated answer only once when order-insensitive', () => {
    const same = [
      ['知情权', '选择权'],
      ['知情权', '选择权'],
    ];
    expect(markBlanks(['知情权', '知情权'], blanks, true).count).toBe(0);
    // "Name two of the rights": both blanks accept 知情权, yet writing it twice names only one right.
    expect(markBlanks(['知情权', '知情权'], same, true)).toEqual({ correct: [true, false], count: 1 });
    // Repeats are detected after normalisation.
    expect(markBlanks(['知情权', ' 知情权。'], same, true).count).toBe(1);
    expect(markBlanks(['选择权', '知情权'], same, true).count).toBe(2);
    const distinct = [['知情权'], ['选择权']];
    expect(markBlanks(['知情权', '知情权'], distinct, true)).toEqual({ correct: [true, false], count: 1 });
    expect(markBlanks(['选择权', '知情权'], distinct, true)).toEqual({ correct: [true, true], count: 2 });
  });

  it('finds the best assignment where greedy first-fit would not', () => {
    // Response X fits both blanks, Y only the first: greedy gives X→blank 1 and leaves Y nowhere.
    const overlapping = [['X', 'Y'], ['X']];
    expect(markBlanks(['X', 'Y'], overlapping, true)).toEqual({ correct: [true, true], count: 2 });
    expect(markBlanks(['Y', 'X'], overlapping, true)).toEqual({ correct: [true, true], count: 2 });
  });

  it('normalises full-width and spaces in order-insensitive mode too', () => {
    expect(markBlanks([' ３０ 日', '十五日。'], blanks, true).count).toBe(2);
  });

  it('does not credit empty responses', () => {
    expect(markBlanks(['', ''], blanks, true)).toEqual({ correct: [false, false], count: 0 });
  });
});
