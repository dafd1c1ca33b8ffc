// The bank's draft ↔ stored mapping: sanitising to plain text, the content hash that decides
// "unchanged", the stem key for duplicates, and the round trip stored → draft → stored.
import { describe, expect, it } from 'vitest';
import { draftFromStored, plainText, prepareDraft, sanitiseDraft, stemKeyOf, type QuestionDraft } from '../../functions/_lib/banks/drafts.ts';
import { validateDraft } from '../../src/interop/question-draft.ts';

const single: QuestionDraft = {
  type: 'single', stem: '投诉处理时限是多少日？', options: [{ id: 'A', text: '7日' }, { id: 'B', text: '15日', feedback: '正确' }],
  key: { answer: 'B' }, explanation: '十五日。', difficulty: 2, topic: '投诉处理', tags: ['重点'], source: { instrument: 'pipl', article: 10 },
};

describe('plainText', () => {
  it.each([
    ['<b>银行</b>应当<em>告知</em>', '银行应当告知'],
    ['第一行<br>第二行<br/>第三行', '第一行\n第二行\n第三行'],
    ['<p>段一</p><p>段二</p>', '段一\n段二'],
    ['前<script>alert(1)</script>后', '前后'],
    ['<img src=x onerror=alert(1)>图', '图'],
    ['a < b &amp; c > d', 'a < b & c > d'],
    ['&lt;script&gt;', '<script>'],
    ['  没有标记的文本\r\n第二行  ', '没有标记的文本\n第二行'],
  ])('%j → %j', (input, out) => {
    expect(plainText(input)).toBe(out);
  });
  it('sanitises every text field of a draft, keys included', () => {
    const d = sanitiseDraft({ ...single, stem: '<i>题干</i>', options: [{ id: 'A', text: '<u>甲</u>' }, { id: 'B', text: '乙', feedback: '<b>对</b>' }], explanation: '<div>解析</div>' });
    expect([d.stem, d.options[0]!.text, d.options[1]!.feedback, d.explanation]).toEqual(['题干', '甲', '对', '解析']);
    const s = sanitiseDraft({ ...single, type: 'short', options: [], key: { modelAnswer: '<b>答</b>', rubric: ['<i>要点</i>'] } });
    expect(s.key).toEqual({ modelAnswer: '答', rubric: ['要点'] });
    expect(validateDraft(s)).toEqual([]);
  });
});

describe('prepareDraft', () => {
  it('hashes content, not id or tags; any content change changes the hash', () => {
    const a = prepareDraft(single);
    expect(prepareDraft({ ...single, id: 'other', tags: [] }).hash).toBe(a.hash);
    expect(prepareDraft({ ...single, explanation: '十五日!' }).hash).not.toBe(a.hash);
    expect(prepareDraft({ ...single, options: [single.options[0]!, { id: 'B', text: '15日' }] }).hash).not.toBe(a.hash); // feedback is content
    expect(a.d).toMatchObject({ options: [{ id: 'A', text: '7日' }, { id: 'B', text: '15日' }], feedback: { options: { B: '正确' } }, source: { instrument: 'pipl', article: 10 }, blankCount: 0 });
  });
  it('stem keys ignore width, spaces and punctuation', () => {
    expect(stemKeyOf('投诉处理时限是多少日？')).toBe(stemKeyOf('投诉处理 时限是多少日?'));
    expect(stemKeyOf('下列说法正确的是（  ）。')).toBe(stemKeyOf('下列说法正确的是()'));
    expect(stemKeyOf('投诉处理时限是多少日？')).not.toBe(stemKeyOf('投诉处理时限是多少天？'));
  });
  it('stored → draft → stored is the identity for every type', () => {
    const drafts: QuestionDraft[] = [
      single,
      { ...single, type: 'multiple', key: { answer: ['A', 'B'] }, partialFractions: { A: 0.5, B: 0.5 } },
      { ...single, type: 'truefalse', options: [], key: { answer: false }, source: { text: '内部制度' } },
      { ...single, type: 'fill', stem: '期限为____日。', options: [], key: { blanks: [['15', '十五']], orderInsensitive: false }, source: null },
      { ...single, type: 'short', options: [], key: { modelAnswer: '答案', rubric: ['一', '二'] } },
    ];
    for (const d of drafts) {
      const p = prepareDraft(d);
      const back = draftFromStored({ question_id: 'q-1', ...p.d, blank_count: p.d.blankCount, tags: p.tags });
      expect(prepareDraft(back).hash).toBe(p.hash);
    }
  });
});
