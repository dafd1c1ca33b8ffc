// Question-type labels follow the page's locale (English pages used to show 单选题 in the exam
// builder's type select and preview, and 正确/错误 in item statistics).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pointsLabel, QUESTION_TYPES, questionTypeLabel, trueFalseLabel } from '../../../src/i18n/question-types.ts';

const CJK = /[\u4e00-\u9fff]/;

describe('questionTypeLabel', () => {
  it('gives every type in Chinese on Chinese pages and in English on English pages', () => {
    expect(QUESTION_TYPES.map((t) => questionTypeLabel('zh-cn', t))).toEqual(['单选题', '多选题', '判断题', '填空题', '简答题']);
    expect(QUESTION_TYPES.map((t) => questionTypeLabel('en', t))).toEqual(['Single choice', 'Multiple choice', 'True or false', 'Fill in the blank', 'Short answer']);
    for (const t of QUESTION_TYPES) expect(questionTypeLabel('en', t)).not.toMatch(CJK);
  });
  it('shows an unknown type as it is', () => {
    expect(questionTypeLabel('en', 'matching')).toBe('matching');
  });
  it('true/false and points follow the locale', () => {
    expect([trueFalseLabel('zh-cn', true), trueFalseLabel('zh-cn', 'false')]).toEqual(['正确', '错误']);
    expect([trueFalseLabel('en', 'true'), trueFalseLabel('en', false)]).toEqual(['True', 'False']);
    expect(pointsLabel('zh-cn', 2)).toBe('2 分');
    expect(pointsLabel('en', 2)).toBe('2 pt');
  });
});

describe('islands', () => {
  // A hard-coded Chinese type name in an island is shown on English pages too; islands take labels
  // from src/i18n (this helper, or their area's dictionary). Comments are not checked.
  const LABEL = /['"`](单选|多选|判断|填空|简答)(题)?['"`]/;
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = path.join(dir, f);
      return statSync(p).isDirectory() ? files(p) : /\.(tsx?|astro)$/.test(f) ? [p] : [];
    });
  it('carry no Chinese question-type labels of their own', () => {
    const root = path.resolve(import.meta.dirname, '../../..');
    const offenders = [...files(path.join(root, 'src/islands')), ...files(path.join(root, 'src/page-components'))].flatMap((f) =>
      readFileSync(f, 'utf8').split('\n').flatMap((line, i) =>
        LABEL.test(line.replace(/\/\/.*$/, '')) ? [`${path.relative(root, f)}:${i + 1}: ${line.trim().slice(0, 100)}`] : []));
    expect(offenders).toEqual([]);
  });
});
