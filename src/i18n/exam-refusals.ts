// Why the exam runner or practice refused something (the `code` of a problem from the attempt and
// practice functions), in both languages. Kept apart from zh-cn.ts/en.ts (the shell's) like the
// other area modules; en is typed against the Chinese keys. src/client/problem-text.ts renders
// them; `{open}`/`{close}` are filled by the island from the problem's `window`, in the reader's time.
import type { Locale } from './index.ts';

export const examRefusalsZh = {
  'err.exam_not_found': '找不到这场考试，或它没有发给您。',
  'err.not_offered': '这场考试没有发给您（不在您所在机构的安排中）。如有疑问，请联系培训管理员。',
  'err.attempt_not_found': '找不到这次作答。',
  'err.not_your_attempt': '这是别人的作答，您不能作答或交卷。',
  'err.attempt_closed': '这次作答已经交卷，不能再修改。',
  'err.past_deadline': '作答时间已到：截止前保存的答案已保留，并将评分。',
  'err.not_open': '考试尚未开放，开放时间：{open}。',
  'err.closed': '考试已于 {close} 结束。如仍需参加，请联系培训管理员延长您的时间。',
  'err.no_attempts_left': '您已用完这场考试的全部作答次数。如需再考，请联系培训管理员增加次数。',
  'err.paper_unavailable': '题库有变动，暂时无法组卷。请告诉培训管理员；您已有的作答不受影响。',
  'err.in_live_attempt': '这道题在您正在进行的考试中。请先交卷，再来练习。',
  'err.too_many_events': '记录的操作太频繁，请稍后再试。',
  'err.wrong_shape': '答案的格式与题型不符，请刷新页面后重新作答。',
  'err.unknown_option': '所选选项不属于这道题，请刷新页面后重新作答。',
  'err.duplicate_option': '同一个选项选了两次，请刷新页面后重新作答。',
  'err.too_long': '答案太长，请缩短后再保存。',
} as const;
export type ExamRefusalKey = keyof typeof examRefusalsZh;

export const examRefusalsEn: Record<ExamRefusalKey, string> = {
  'err.exam_not_found': 'There is no exam with this id, or it is not offered to you.',
  'err.not_offered': 'This exam is not offered to you: it is not assigned to your unit. If you think it should be, ask your trainer.',
  'err.attempt_not_found': 'There is no attempt with this id among yours.',
  'err.not_your_attempt': 'This attempt belongs to someone else.',
  'err.attempt_closed': 'This attempt has already been submitted; answers can no longer be changed.',
  'err.past_deadline': 'Time is up for this attempt; answers saved before the deadline have been kept and will be graded.',
  'err.not_open': 'This exam opens at {open}; come back then.',
  'err.closed': 'This exam closed at {close}. If you still need to take it, ask your trainer to extend your window.',
  'err.no_attempts_left': 'You have used all attempts allowed for this exam. If you need another, ask your trainer to grant an extra attempt.',
  'err.paper_unavailable': 'A paper cannot be put together for this exam right now because the question bank has changed. Tell your trainer; your attempts are not affected.',
  'err.in_live_attempt': 'This question is in an exam you are taking now. Submit the exam first; then practise it here.',
  'err.too_many_events': 'Too many events recorded; try again in a moment.',
  'err.wrong_shape': 'The answer does not fit this type of question; reload the page and answer again.',
  'err.unknown_option': 'That option is not part of this question; reload the page and answer again.',
  'err.duplicate_option': 'An option is selected twice; reload the page and answer again.',
  'err.too_long': 'The answer is too long; shorten it and save again.',
};

export function examRefusalsTr(locale: Locale) {
  const table: Record<ExamRefusalKey, string> = locale === 'en' ? examRefusalsEn : examRefusalsZh;
  return (key: ExamRefusalKey, vars?: Record<string, string | number>) =>
    table[key].replace(/\{(\w+)\}/g, (m, name: string) => (vars && name in vars ? String(vars[name]) : m));
}
