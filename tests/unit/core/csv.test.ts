import { describe, expect, it } from 'vitest';
import { csvField, neutraliseFormula, toCsv } from '../../../src/core/csv.ts';

describe('neutraliseFormula', () => {
  it.each(['=1+1', '+86 138', '-2', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://evil","点我")'])('prefixes %j with a quote', (s) => {
    expect(neutraliseFormula(s)).toBe(`'${s}`);
  });
  it.each(['张三', '', 'A=1', ' =1', "'already", '100%'])('leaves %j alone', (s) => {
    expect(neutraliseFormula(s)).toBe(s);
  });
});

describe('csvField', () => {
  it('writes numbers as numbers, including negative ones', () => {
    expect(csvField(85.5)).toBe('85.5');
    expect(csvField(-3)).toBe('-3');
    expect(csvField(Number.NaN)).toBe('');
  });
  it('writes empty for null and undefined, and booleans as words', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(true)).toBe('true');
  });
  it('writes dates as ISO strings', () => {
    expect(csvField(new Date('2026-11-22T01:02:03Z'))).toBe('2026-11-22T01:02:03.000Z');
  });
  it('quotes fields with commas, quotes or line breaks (RFC 4180)', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
  });
  it('neutralises before quoting, so the quote stays inside the field', () => {
    expect(csvField('=A1,B1')).toBe(`"'=A1,B1"`);
    expect(csvField('\r=1')).toBe(`"'\r=1"`);
    expect(csvField('-1"')).toBe(`"'-1"""`);
  });
});

describe('toCsv', () => {
  it('joins rows with CRLF, ends with CRLF and starts with a BOM by default', () => {
    const out = toCsv(['姓名', '得分'], [['张三', 90], ['=cmd', null]]);
    expect(out).toBe('\uFEFF姓名,得分\r\n张三,90\r\n\'=cmd,\r\n');
  });
  it('can omit the BOM', () => {
    expect(toCsv(['a'], [], { bom: false })).toBe('a\r\n');
  });
  it('guards header cells too', () => {
    expect(toCsv(['=x'], [], { bom: false })).toBe("'=x\r\n");
  });
});
