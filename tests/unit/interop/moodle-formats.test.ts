import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parseGift, toGift } from '../../../src/interop/gift.ts';
import { parseMoodleXml, toMoodleXml } from '../../../src/interop/moodle-xml.ts';
import { parseAiken } from '../../../src/interop/aiken.ts';
import { InteropFileError, type QuestionDraft, type RowOutcome } from '../../../src/interop/question-draft.ts';
import { equalShare, formatPercent, fromGraderText, htmlToText, snapFraction, toGraderText, topicFromCategory } from '../../../src/interop/moodle-common.ts';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const REGISTER = [{ id: 'cbirc-complaint-measures', title: '银行业保险业消费投诉处理管理办法', short: '投诉处理管理办法' }, { id: 'pipl', title: '中华人民共和国个人信息保护法', short: '个人信息保护法' }];

/** Every supported field, with the characters the formats must escape. */
const DRAFTS: QuestionDraft[] = [
  {
    id: 'cp-001', type: 'single', stem: '投诉处理时限？特殊字符 ~ = # { } : \\ 和 <5万元 & "引号" -- 结束\n第二行',
    options: [{ id: 'A', text: '7日', feedback: '这是行政部门的时限 = 7 个工作日' }, { id: 'B', text: '15日' }, { id: 'C', text: '30日 {复杂}' }],
    key: { answer: 'B' }, explanation: '15日内处理；复杂的可延长至30日。\n见第十五条。', difficulty: 2, topic: '消保/投诉处理',
    tags: ['投诉', '时限'], source: { instrument: 'cbirc-complaint-measures', article: 15 },
  },
  {
    id: 'cp-002', type: 'multiple', stem: '哪些属于法定权利？', options: [{ id: 'A', text: '知情权' }, { id: 'B', text: '自主选择权' }, { id: 'C', text: '保本' }, { id: 'D', text: '公平交易权' }],
    key: { answer: ['A', 'B', 'D'] }, explanation: '', difficulty: 3, topic: '消保/投诉处理', tags: [], source: { text: '内部培训手册 第3章' },
  },
  {
    id: 'cp-003', type: 'multiple', stem: '部分得分的多选题', options: [{ id: 'A', text: '主要' }, { id: 'B', text: '次要' }, { id: 'C', text: '更次要' }, { id: 'D', text: '错误' }],
    key: { answer: ['A', 'B', 'C'] }, explanation: '', difficulty: 4, topic: '权利', tags: ['部分得分'], source: null, partialFractions: { A: 0.5, B: 0.3, C: 0.2 },
  },
  { id: 'cp-004', type: 'truefalse', stem: '银行可以收集与业务无关的个人信息。', options: [], key: { answer: false }, explanation: '必要原则。', difficulty: 1, topic: '权利', tags: [], source: { instrument: 'pipl' } },
  { id: 'cp-005', type: 'truefalse', stem: '应告知救济途径。', options: [], key: { answer: true }, explanation: '', difficulty: 3, topic: '权利', tags: [], source: null },
  { id: 'cp-006', type: 'fill', stem: '个人信息保护法自____起施行。', options: [], key: { blanks: [['2021年11月1日', '2021-11-01']], orderInsensitive: false }, explanation: '', difficulty: 3, topic: '权利', tags: [], source: null },
  { id: 'cp-007', type: 'fill', stem: '消费者享有____和____等权利。', options: [], key: { blanks: [['知情权'], ['自主选择权', '选择权']], orderInsensitive: true }, explanation: '任意顺序。', difficulty: 3, topic: '权利', tags: [], source: null },
  { id: 'cp-008', type: 'short', stem: '简述首问负责制。', options: [], key: { modelAnswer: '首位接待的员工负责到底。\n不得推诿。', rubric: ['首位接待人负责', '跟进到底：直至解决'] }, explanation: '见制度。', difficulty: 5, topic: '综合', tags: ['简答'], source: null },
  { type: 'single', stem: '没有题号的题', options: [{ id: 'A', text: '甲' }, { id: 'B', text: '乙' }], key: { answer: 'A' }, explanation: '', difficulty: 3, topic: '综合', tags: [], source: null },
];

const drafts = (out: RowOutcome[]): (QuestionDraft | undefined)[] => out.map((o) => o.draft);
const problemsOf = (out: RowOutcome[]): unknown[] => out.flatMap((o) => o.problems.map((p) => [o.row, p.column, p.message_en]));

describe('Moodle helpers', () => {
  it('snaps fractions to the allowed list', () => {
    expect(snapFraction(0.35)).toEqual({ value: 0.3333333, snapped: true });
    expect(snapFraction(0.3333333)).toEqual({ value: 0.3333333, snapped: false });
    expect(snapFraction(0.333333)).toEqual({ value: 0.3333333, snapped: false });
    expect(snapFraction(-0.45)).toEqual({ value: -0.4, snapped: true });
    expect(snapFraction(1.5)).toEqual({ value: 1, snapped: true });
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => formatPercent(equalShare(n)))).toEqual(['100', '50', '33.33333', '25', '20', '16.66667', '14.28571', '12.5', '11.11111', '10']);
  });
  it('categories, HTML and grader text', () => {
    expect(topicFromCategory('$course$/top/默认类别/投诉')).toBe('默认类别/投诉');
    expect(topicFromCategory('$system$/top')).toBe('');
    expect(topicFromCategory('top/a//b')).toBe('a/b');
    expect(htmlToText('<p>第一行<br>第二行 &amp; &lt;5</p><p><img src="x.png"></p><script>alert(1)</script>')).toEqual({ text: '第一行\n第二行 & <5', images: 1, scripts: 1 });
    const g = toGraderText('答案\n两行', ['一', '二']);
    expect(fromGraderText(g)).toEqual({ modelAnswer: '答案\n两行', rubric: ['一', '二'] });
    expect(fromGraderText('只有参考答案')).toEqual({ modelAnswer: '只有参考答案', rubric: [] });
  });
});

describe('round trips', () => {
  it('ours → Moodle XML → ours is identical', () => {
    const xml = toMoodleXml(DRAFTS);
    const back = parseMoodleXml(xml, { instruments: REGISTER });
    expect(problemsOf(back)).toEqual([]);
    expect(drafts(back)).toEqual(DRAFTS);
    expect(back.map((o) => o.warnings)).toEqual(DRAFTS.map(() => []));
  });

  it('ours → GIFT → ours is identical', () => {
    const gift = toGift(DRAFTS);
    const back = parseGift(gift, { instruments: REGISTER });
    expect(problemsOf(back)).toEqual([]);
    expect(drafts(back)).toEqual(DRAFTS);
    expect(back.map((o) => o.warnings)).toEqual(DRAFTS.map(() => []));
  });

  it('the XML export is what Moodle reads: categories, plain_text, fractions, idnumber, grader info', () => {
    const xml = toMoodleXml(DRAFTS);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, isArray: (n) => ['question', 'answer'].includes(n) }).parse(xml) as {
      quiz: { question: Record<string, unknown>[] };
    };
    const qs = doc.quiz.question;
    expect(qs.map((q) => q['@_type'])).toEqual(['category', 'multichoice', 'multichoice', 'category', 'multichoice', 'truefalse', 'truefalse', 'shortanswer', 'shortanswer', 'category', 'essay', 'multichoice']);
    expect((qs[0]?.category as { text: string }).text).toBe('$course$/top/消保/投诉处理');
    const multi = qs[2] as { single: string; answer: { '@_fraction': string }[] };
    expect(multi.single).toBe('false');
    expect(multi.answer.map((a) => a['@_fraction'])).toEqual(['33.33333', '33.33333', '-100', '33.33333']);
    expect((qs[4] as { answer: { '@_fraction': string }[] }).answer.map((a) => a['@_fraction'])).toEqual(['50', '30', '20', '-100']);
    expect((qs[1] as { idnumber: string }).idnumber).toBe('cp-001');
    expect(xml).not.toContain('<script');
    expect(xml).toContain('&lt;5万元 &amp;');
  });

  it('the GIFT export escapes reserved characters as Moodle does', () => {
    const gift = toGift([DRAFTS[0] as QuestionDraft]);
    expect(gift).toContain('::cp-001::投诉处理时限？特殊字符 \\~ \\= \\# \\{ \\} \\: \\\\ 和 <5万元 & "引号" -- 结束\\n第二行{');
    expect(gift).toContain('\t~7日#这是行政部门的时限 \\= 7 个工作日\n');
    expect(gift).toContain('\t####15日内处理；复杂的可延长至30日。\\n见第十五条。\n');
    expect(gift).toContain('$CATEGORY: $course$/top/消保/投诉处理');
  });
});

describe('importing files written by Moodle', () => {
  it('a Moodle XML export: CDATA, HTML, categories, images, fractions, feedback, unsupported types', () => {
    const out = parseMoodleXml(fixture('moodle-export.xml'), { instruments: REGISTER });
    expect(out.map((o) => [o.row, o.draft?.type ?? o.problems[0]?.message_en])).toEqual([
      [1, 'single'],
      [2, 'multiple'],
      [3, 'truefalse'],
      [4, 'fill'],
      [5, 'short'],
      [6, 'Unsupported question type: 数值题 numerical.'],
      [7, 'Unsupported question type: 说明文字 description.'],
      [8, 'single'],
    ]);
    // HTML is Moodle's text format: it is converted to text; a script is removed, and the row says so.
    expect(out[7]?.draft?.stem).toBe('哪项正确？');
    expect(out[7]?.draft?.options.map((o) => o.text)).toEqual(['甲', '乙']);
    expect(out[7]?.warnings.map((w) => w.message_en)).toContain('Scripts or styles were removed from the HTML; check the text.');
    const [q1, q2, q3, q4, q5] = out;
    expect(q1?.draft).toEqual({
      id: 'cp-101', type: 'single',
      stem: '对于事实清楚、争议情况简单的投诉，银行应当在多少日内作出处理决定？',
      options: [{ id: 'A', text: '7日', feedback: '7 个工作日是行政部门的时限。' }, { id: 'B', text: '15日' }, { id: 'C', text: '30日' }],
      key: { answer: 'B' }, explanation: '事实清楚、争议简单的投诉应在 15 日内作出处理决定 & 告知投诉人。',
      difficulty: 3, topic: '默认类别/消保知识/投诉处理', tags: ['投诉', '时限'], source: null,
    });
    expect(q1?.warnings.map((w) => w.message_en)).toEqual([
      '1 image(s) were dropped (questions are text only).',
      'True/false and combined (correct/incorrect) feedback have no place here and were dropped; the general feedback (explanation) was kept.',
    ]);
    expect(q2?.draft?.key).toEqual({ answer: ['A', 'B', 'C'] });
    expect(q2?.draft?.partialFractions).toBeUndefined(); // 35% snapped to 33.33333%, i.e. equal shares
    expect(q2?.warnings[0]?.message_en).toContain('35% is not one Moodle allows; snapped to 33.33333%');
    expect(q2?.normalisations).toContainEqual({ column: 'answer A', from: '35%', to: '33.33333%' });
    expect(q3?.draft?.key).toEqual({ answer: false });
    expect(q3?.warnings).toHaveLength(1);
    expect(q4?.draft?.key).toEqual({ blanks: [['30', '三十']], orderInsensitive: false });
    expect(q4?.warnings[0]?.message_en).toContain('less than 100%');
    expect(q5?.draft).toMatchObject({ topic: '默认类别/消保知识/综合', key: { modelAnswer: '首位接待的员工负责受理、跟进，直至问题解决或转交。', rubric: ['首位接待人负责', '跟进到底', '不得推诿'] } });
  });

  it('old true/false exports with localised answer texts (true first, then false), and missing formats', () => {
    const xml = `<quiz><question type="truefalse"><name><text>n</text></name><questiontext><text>&lt;p&gt;题&lt;/p&gt;</text></questiontext>
      <answer fraction="0"><text>正确</text></answer><answer fraction="100"><text>错误</text></answer></question></quiz>`;
    const out = parseMoodleXml(xml);
    expect(out[0]?.draft).toMatchObject({ type: 'truefalse', stem: '题', key: { answer: false } });
  });

  it('a GIFT file in Moodle\'s documented syntax', () => {
    const out = parseGift(fixture('moodle-gift.txt'));
    const rows = out.map((o) => [o.row, o.draft?.type ?? o.problems[0]?.message_en]);
    expect(rows).toEqual([
      [5, 'single'],
      [13, 'multiple'],
      [19, 'truefalse'],
      [21, 'fill'],
      [23, 'The essay question has no model answer.'],
      [25, 'Unsupported question type: 数值题 numerical.'],
      [27, 'Unsupported question type: 匹配题 matching.'],
      [29, 'single'],
      [31, 'The answer braces { } do not match (write \\{ or \\} for a literal brace).'],
    ]);
    const byRow = new Map(out.map((o) => [o.row, o]));
    expect(byRow.get(5)?.draft).toMatchObject({
      topic: '默认类别/消保知识', stem: '对于事实清楚的投诉，银行应在多少日内作出处理决定？', key: { answer: 'B' },
      options: [{ id: 'A', text: '7日', feedback: '7 个工作日是行政部门的时限' }, { id: 'B', text: '15日' }, { id: 'C', text: '30日' }],
      explanation: '事实清楚、争议简单的投诉应在 15 日内处理。',
    });
    expect(byRow.get(13)?.draft).toMatchObject({ stem: '下列哪些属于法定权利？', key: { answer: ['A', 'B'] } });
    expect(byRow.get(19)?.warnings).toHaveLength(1); // true/false feedback dropped
    expect(byRow.get(21)?.draft).toMatchObject({ stem: '个人信息保护法自 _____ 起施行。', key: { blanks: [['2021年11月1日', '2021-11-01']] } });
    expect(byRow.get(29)?.draft).toMatchObject({ stem: '比例 1:2 的{括号} 和 #号 = 与 ~ 波浪', key: { answer: 'A' }, options: [{ id: 'A', text: '对' }, { id: 'B', text: '错' }] });
  });

  it('Aiken, with Chinese variants', () => {
    const out = parseAiken(fixture('aiken.txt'));
    expect(out.map((o) => [o.row, o.draft?.type ?? o.problems[0]?.message_en])).toEqual([
      [1, 'single'],
      [7, 'multiple'],
      [13, 'The question has no ANSWER: line.'],
      [17, 'The option on line 19 is lettered C; B was expected.'],
    ]);
    expect(out[0]?.draft).toEqual({ type: 'single', stem: '投诉处理时限是多少日？', options: [{ id: 'A', text: '7日' }, { id: 'B', text: '15日' }, { id: 'C', text: '30日' }], key: { answer: 'B' }, explanation: '', difficulty: 3, topic: '未分类', tags: [], source: null });
    expect(out[1]?.draft?.options.map((o) => o.text)).toEqual(['知情权', '自主选择权', '保本保收益']);
    expect(out[1]?.normalisations).toEqual(expect.arrayContaining([{ column: '选项 options', from: 'Ａ', to: 'A' }, { column: 'ANSWER', from: 'ANSWER: A,B', to: '多选题 multiple' }]));
  });
});

describe('bad files', () => {
  const code = (f: () => unknown): string => {
    try {
      f();
      return 'no error';
    } catch (e) {
      expect(e).toBeInstanceOf(InteropFileError);
      expect((e as InteropFileError).message_zh).toMatch(/[\u4e00-\u9fff]/);
      return (e as InteropFileError).code;
    }
  };
  it('are refused with clear messages', () => {
    expect(code(() => parseMoodleXml(''))).toBe('empty_file');
    expect(code(() => parseMoodleXml('<quiz><question></quiz>'))).toBe('not_xml');
    expect(code(() => parseMoodleXml('<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaa">]><quiz>&a;</quiz>'))).toBe('xml_doctype');
    expect(code(() => parseMoodleXml('<html><body/></html>'))).toBe('not_moodle_xml');
    expect(code(() => parseMoodleXml('<quiz></quiz>'))).toBe('no_questions');
    expect(code(() => parseGift('// only a comment\n'))).toBe('no_questions');
    expect(code(() => parseGift('x'.repeat(11 * 1024 * 1024)))).toBe('too_large');
    expect(code(() => parseAiken('   \n'))).toBe('empty_file');
  });
  it('duplicates within one file are problems on the later question', () => {
    const out = parseGift('题目一{=对 ~错}\n\n题目 一。{=对 ~错}\n');
    expect(out[1]?.problems[0]?.message_en).toContain('same as the question at line 1');
  });
});

describe('hostile text-format input (review R1)', () => {
  const code = (f: () => unknown): string => {
    try {
      f();
      return 'parsed';
    } catch (e) {
      expect(e).toBeInstanceOf(InteropFileError);
      return (e as InteropFileError).code;
    }
  };
  it('a grader text with a long run of spaces is read in linear time (no regex backtracking)', () => {
    const t0 = performance.now();
    const out = fromGraderText(`参考答案：a${' '.repeat(200_000)}b\n评分要点：\n1. x`);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(out.rubric).toEqual(['x']);
    expect(fromGraderText(`a${' '.repeat(200_000)}b`).rubric).toEqual([]);
  });
  it('XML element names that are JavaScript object keys are a clear file error, not a crash', () => {
    for (const name of ['__proto__', 'constructor']) {
      const xml = `<quiz><question type="truefalse"><${name}>x</${name}><questiontext format="plain_text"><text>q</text></questiontext><answer fraction="100"><text>true</text></answer></question></quiz>`;
      expect(code(() => parseMoodleXml(xml))).toBe('not_xml');
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
  it('a text file with more questions than an import takes is refused before they are all built', () => {
    expect(code(() => parseGift('x {T}\n\n'.repeat(20_001)))).toBe('too_many_rows');
    expect(code(() => parseAiken('Q?\nA. a\nB. b\nANSWER: A\n\n'.repeat(20_001)))).toBe('too_many_rows');
    const q = '<question type="truefalse"><questiontext format="plain_text"><text>q</text></questiontext><answer fraction="100"><text>true</text></answer></question>';
    expect(code(() => parseMoodleXml(`<quiz>${q.repeat(20_001)}</quiz>`))).toBe('too_many_rows');
    expect(code(() => parseGift('x {T}\n\n'.repeat(3)))).toBe('parsed');
  }, 60_000);
});

describe('control characters in imported text (review R1; src/core/text.ts)', () => {
  it('a NUL or other control character makes the row a problem, located by column, instead of reaching the database', () => {
    const g = parseGift('题目\u0000一 {T}\n\n题目二 {=对\u0007 ~错}\n\n题目三 {T}');
    expect(g[0]?.draft).toBeUndefined();
    expect(g[0]?.problems[0]).toMatchObject({ column: expect.any(String), message_en: expect.stringMatching(/NUL/) });
    expect(g[1]?.draft).toBeUndefined();
    expect(g[1]?.problems[0]?.message_en).toMatch(/U\+0007/);
    expect(g[2]?.draft).toBeDefined();
    const a = parseAiken('Q\u0001?\nA. a\nB. b\nANSWER: A\n\nQ2?\nA. a\nB. b\nANSWER: B');
    expect(a[0]?.draft).toBeUndefined();
    expect(a[0]?.problems.some((p) => /U\+0001/.test(p.message_en))).toBe(true);
    expect(a[1]?.draft).toBeDefined();
  });
  it('line breaks and tabs in multi-line fields stay allowed', () => {
    const g = parseGift('第一行\\n第二行\t制表 {T####解析\\n第二行}');
    expect(g[0]?.draft?.stem).toContain('\n');
    expect(g[0]?.problems).toEqual([]);
  });
});

describe('HTML to text on hostile markup (review R1)', () => {
  it('thousands of unclosed <li take linear time', () => {
    const t0 = performance.now();
    htmlToText('<li'.repeat(100_000));
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(htmlToText('<ul><li class="a">一</li><li>二</li></ul>').text).toMatch(/^一\n+二$/);
  }, 120_000);
});
