// Question-type labels (单选题 / Single choice …), true/false option names and points, in the page's
// locale. Islands used to carry their own Chinese maps, so English pages showed 单选题; every
// trainer page now asks here, and the words come from the site dictionaries (src/i18n/zh-cn.ts and
// en.ts: question.type.*, question.true/false, question.points), the same ones the exam runner's
// review uses.
import type { QuestionType } from '../core/questions.ts';
import { t, type Locale, type UiKey } from './index.ts';

export const QUESTION_TYPES: readonly QuestionType[] = ['single', 'multiple', 'truefalse', 'fill', 'short'];

/** "单选题" / "Single choice". An unknown type (from an old export, say) is shown as it is. */
export function questionTypeLabel(locale: Locale, type: string): string {
  return (QUESTION_TYPES as readonly string[]).includes(type) ? t(locale, `question.type.${type}` as UiKey) : type;
}

/** The name of a true/false answer: "正确"/"错误", "True"/"False". */
export function trueFalseLabel(locale: Locale, value: boolean | 'true' | 'false'): string {
  return t(locale, value === true || value === 'true' ? 'question.true' : 'question.false');
}

/** "2 分" / "2 pt". */
export function pointsLabel(locale: Locale, n: number): string {
  return t(locale, 'question.points', { n });
}
