import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkContent, errorsOnly, formatProblems } from '../../src/content/check.ts';
import type { Problem, ProblemCode } from '../../src/content/check.ts';
import { parseLawText } from '../../src/content/law-text.ts';
import {
  cloneContent,
  loadContent,
  parseLessonSource,
  REGISTER_FILE,
  validContent,
} from '../../src/content/load.ts';
import type { LoadedContent, RawQuestionEntry } from '../../src/content/load.ts';
import { askedCount, attributedQuotations, quoteOccursIn, stemSimilarity } from '../../src/content/quality.ts';
import { parseQuestionBank } from '../../src/content/question-banks.ts';

// ───────────────────────────── the real content ─────────────────────────────

describe('content/ (real content)', () => {
  const content = loadContent();

  it('loads the register, the full texts, lessons and question banks', () => {
    expect(content.instruments.length).toBeGreaterThanOrEqual(28);
    expect(Object.keys(content.texts).length).toBe(21);
    expect(content.loadErrors).toEqual([]);
  });

  it('passes the content check with no errors', () => {
    const problems = checkContent(content);
    const warnings = problems.filter((p) => p.severity === 'warning');
    if (warnings.length) console.warn(`content check warnings (${warnings.length}):\n${formatProblems(warnings)}`);
    const errors = errorsOnly(problems);
    expect(errors, `content check found ${errors.length} error(s):\n${formatProblems(errors)}\n`).toEqual([]);
  });

  it('every register entry and every question that passes its schema is typed by validContent', () => {
    const valid = validContent(content);
    expect(valid.instruments.map((i) => i.id)).toEqual(content.instruments.map((i) => i.id));
    for (const i of valid.instruments) {
      if (i.text) expect(valid.texts[i.id]?.articles.length, i.id).toBeGreaterThan(0);
      else expect(valid.texts[i.id]).toBeUndefined();
    }
  });

  it('detects a duplicated question id in the real banks', () => {
    const c = cloneContent(content);
    const first = c.questions[0];
    if (!first) return; // no banks yet
    c.questions.push({ ...structuredClone(first), file: 'content/questions/zz-copy.yaml', index: 0 });
    expect(problemsWith(checkContent(c), 'duplicate-id', first.id ?? '')).toHaveLength(1);
  });
});

// ───────────────────────────── in-memory fixture ─────────────────────────────

const LAW_TEXT = [
  '# 中华人民共和国示例法',
  '',
  '2020年1月1日 第十三届全国人民代表大会常务委员会第一次会议通过',
  '',
  '<!-- INFO END -->',
  '',
  '## 第一章 总 则',
  '',
  '第一条 为了示例，制定本法。',
  '',
  '第二条 经营者应当如实告知。',
  '',
  '## 第二章 附 则',
  '',
  '第三条 本法自2020年1月1日起施行。',
  '',
].join('\n');

const LESSON = `---
id: demo
title: 示例课
module: rights
order: 1
summary: 用于测试内容检查。
objectives: [甲, 乙, 丙]
reviewedBy: 测试
reviewedOn: 2026-11-22
---

## 要点

- 要点一。

## 规则与条文

<h3 id="disclosure">如实告知</h3>

经营者应当如实告知。<Cite law="demo-law" article={2} />
董事会承担最终责任。<Cite law="demo-measures" article={8} />
整份文件。<Cite law="demo-measures" />
{/* <Cite law="commented-out" article={1} /> is ignored */}

## 场景案例

### 案例一：示例

内容。

## 常见误区

- 误区。

## 随堂测验

<KnowledgeCheck questions={["demo-001", "demo-002", "demo-003"]} />
`;

function question(n: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const id = `demo-${String(n).padStart(3, '0')}`;
  // Distinct wording per question, so the bank-wide near-duplicate rule has nothing to say about the fixture.
  const words = [...'甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳云腾致雨露结为霜金生丽水玉出昆冈剑号巨阙珠称夜光果珍李柰菜重芥姜海咸河淡鳞潜羽翔龙师火帝鸟官人皇始制文字乃服衣裳推位让国有虞陶唐吊民伐罪周发殷汤坐朝问道垂拱平章爱育黎首臣伏戎羌遐迩一体率宾归王鸣凤在竹白驹食场化被草木赖及万方盖此身发四大五常恭惟鞠养岂敢毁伤女慕贞洁男效才良知过必改得能莫忘罔谈彼短靡恃己长信使可覆器欲难量墨悲丝染诗赞羔羊景行维贤克念作圣德建名立形端表正空谷传声虚堂习听'].slice(n * 6, n * 6 + 6).join('');
  const base = { id, topic: 'demo', difficulty: 2, explanation: '因为法律这样规定。', source: { instrument: 'demo-law', article: 2 } };
  const kinds = [
    {
      type: 'single',
      stem: `单选题${words}？`,
      options: [
        { id: 'A', text: '甲' },
        { id: 'B', text: '乙' },
        { id: 'C', text: '丙' },
        { id: 'D', text: '丁' },
      ],
      answer: 'B',
    },
    {
      type: 'multiple',
      stem: `多选题${words}？`,
      options: [
        { id: 'A', text: '甲' },
        { id: 'B', text: '乙' },
        { id: 'C', text: '丙' },
        { id: 'D', text: '丁' },
        { id: 'E', text: '戊' },
      ],
      answer: ['A', 'C'],
    },
    { type: 'truefalse', stem: `判断题${words}。`, answer: true },
    { type: 'fill', stem: `填空题${words}：____日内，____。`, blanks: [['15日', '十五日'], ['答复']] },
  ];
  const kind = n === 25 ? { type: 'short', stem: '简答题。', modelAnswer: '要点一。要点二。', rubric: ['要点一', '要点二'] } : kinds[(n - 1) % kinds.length];
  return { ...base, ...kind, ...overrides };
}

function fixture(): LoadedContent {
  const questions: RawQuestionEntry[] = [];
  for (let n = 1; n <= 40; n++) {
    const data = question(n);
    questions.push({ file: 'content/questions/demo.yaml', index: n - 1, id: data.id as string, data });
  }
  return {
    root: '/fixture',
    instruments: [
      {
        file: REGISTER_FILE,
        index: 0,
        id: 'demo-law',
        data: {
          id: 'demo-law',
          title: '中华人民共和国示例法',
          short: '示例法',
          gloss: 'Demo Law',
          issuer: '全国人民代表大会常务委员会',
          docNumber: null,
          issued: '2020-01-01',
          effective: '2020-01-01',
          status: 'in_force',
          text: 'demo-law.md',
          source: 'fixture',
          facts: [{ text: '第三条：本法自2020年1月1日起施行。', label: 'PRIMARY' }],
        },
      },
      {
        file: REGISTER_FILE,
        index: 1,
        id: 'demo-measures',
        data: {
          id: 'demo-measures',
          title: '示例管理办法',
          short: '示例管理办法',
          gloss: 'Demo Measures',
          issuer: '原银保监会',
          docNumber: null,
          issued: null,
          effective: null,
          status: 'unknown',
          text: null,
          source: 'fixture',
          facts: [],
          articles: [{ number: 8, summary: '董事会承担最终责任。', label: 'SECONDARY' }],
        },
      },
    ],
    texts: {
      'demo-law': { id: 'demo-law', file: 'content/instruments/texts/demo-law.md', markdown: LAW_TEXT, parsed: parseLawText(LAW_TEXT) },
    },
    lessons: [parseLessonSource(LESSON, 'content/lessons/demo.mdx')],
    questions,
    loadErrors: [],
  };
}

function problemsWith(problems: Problem[], code: ProblemCode, id: string): Problem[] {
  return problems.filter((p) => p.code === code && p.id === id);
}

function q(c: LoadedContent, id: string): Record<string, unknown> {
  const e = c.questions.find((x) => x.id === id);
  if (!e) throw new Error(`fixture has no ${id}`);
  return e.data as Record<string, unknown>;
}

/** Runs the check and asserts exactly one error with this code and id; returns it. */
function expectOneError(c: LoadedContent, code: ProblemCode, id: string, message: RegExp): Problem {
  const problems = checkContent(c);
  const hits = problemsWith(problems, code, id).filter((p) => p.severity === 'error');
  expect(hits, formatProblems(problems)).toHaveLength(1);
  const hit = hits[0] as Problem;
  expect(hit.message).toMatch(message);
  expect(hit.file).not.toBe('');
  return hit;
}

describe('checkContent on the fixture', () => {
  it('finds nothing wrong with the clean fixture', () => {
    const problems = checkContent(fixture());
    expect(problems, formatProblems(problems)).toEqual([]);
  });

  it('reads Cite, KnowledgeCheck and heading ids from MDX (ignoring comments)', () => {
    const lesson = fixture().lessons[0];
    expect(lesson?.cites.map((c) => [c.law, c.article])).toEqual([
      ['demo-law', 2],
      ['demo-measures', 8],
      ['demo-measures', null],
    ]);
    expect(lesson?.cites[0]?.line).toBe(20);
    expect(lesson?.knowledgeChecks[0]?.ids).toEqual(['demo-001', 'demo-002', 'demo-003']);
    expect(lesson?.anchors).toEqual(['disclosure']);
  });

  // — citations —

  it('detects a question citing an article that does not exist in the full text', () => {
    const c = fixture();
    q(c, 'demo-001').source = { instrument: 'demo-law', article: 99 };
    const p = expectOneError(c, 'unknown-article', 'demo-001', /示例法.*no article 99.*1–3/);
    expect(p.file).toBe('content/questions/demo.yaml');
  });

  it('detects a <Cite> of an article that does not exist, with its line', () => {
    const c = fixture();
    c.lessons = [parseLessonSource(LESSON.replace('article={2}', 'article={42}'), 'content/lessons/demo.mdx')];
    const p = expectOneError(c, 'unknown-article', 'demo', /no article 42/);
    expect(p.file).toBe('content/lessons/demo.mdx');
    expect(p.line).toBe(20);
  });

  it('detects a citation to an unknown instrument', () => {
    const c = fixture();
    q(c, 'demo-002').source = { instrument: 'no-such-law', article: 1 };
    expectOneError(c, 'unknown-instrument', 'demo-002', /no-such-law is not in content\/instruments\/register.yaml/);
  });

  it('requires an article when citing a full-text instrument', () => {
    const c = fixture();
    q(c, 'demo-003').source = { instrument: 'demo-law' };
    expectOneError(c, 'article-required', 'demo-003', /name the article/);
  });

  it('only accepts confirmed articles of summary-only instruments', () => {
    const c = fixture();
    q(c, 'demo-004').source = { instrument: 'demo-measures', article: 9 };
    expectOneError(c, 'unknown-article', 'demo-004', /article 9 .*not confirmed.*confirmed: 8/);
    q(c, 'demo-004').source = { instrument: 'demo-measures' };
    expect(checkContent(c)).toEqual([]);
  });

  it('detects a lesson-anchor citation to a missing anchor or lesson', () => {
    const c = fixture();
    q(c, 'demo-005').source = { lesson: 'demo', anchor: 'nowhere' };
    expectOneError(c, 'unknown-anchor', 'demo-005', /no heading with id "nowhere".*disclosure/);
    q(c, 'demo-005').source = { lesson: 'no-lesson', anchor: 'disclosure' };
    expectOneError(c, 'unknown-lesson', 'demo-005', /no-lesson does not exist/);
    q(c, 'demo-005').source = { lesson: 'demo', anchor: 'disclosure' };
    expect(checkContent(c)).toEqual([]);
  });

  // — duplicates —

  it('detects a duplicate question id across files', () => {
    const c = fixture();
    c.questions.push({ file: 'content/questions/other.yaml', index: 0, id: 'demo-001', data: question(1) });
    const p = expectOneError(c, 'duplicate-id', 'demo-001', /used twice.*also in content\/questions\/demo.yaml/);
    expect(p.file).toBe('content/questions/other.yaml');
  });

  it('detects duplicate instrument and lesson ids', () => {
    const c = fixture();
    c.instruments.push(structuredClone(c.instruments[0]!));
    expectOneError(c, 'duplicate-id', 'demo-law', /instrument id demo-law is used twice/);
    const d = fixture();
    d.lessons.push(parseLessonSource(LESSON, 'content/lessons/sub/demo.mdx'));
    expectOneError(d, 'duplicate-id', 'demo', /lesson id demo is also used by content\/lessons\/demo.mdx/);
  });

  // — question schema —

  it('detects a key that is not among the options', () => {
    const c = fixture();
    q(c, 'demo-001').answer = 'E';
    expectOneError(c, 'schema', 'demo-001', /answer: answer E is not one of the options \(A, B, C, D\)/);
    const d = fixture();
    q(d, 'demo-002').options = (q(d, 'demo-002').options as unknown[]).slice(0, 4);
    q(d, 'demo-002').answer = ['A', 'E'];
    expectOneError(d, 'schema', 'demo-002', /answer E is not one of the options/);
  });

  it('detects a missing or empty explanation and a missing source', () => {
    const c = fixture();
    delete q(c, 'demo-003').explanation;
    expectOneError(c, 'schema', 'demo-003', /explanation is required/);
    q(c, 'demo-003').explanation = '   ';
    expectOneError(c, 'schema', 'demo-003', /explanation must not be empty/);
    const d = fixture();
    delete q(d, 'demo-004').source;
    expectOneError(d, 'schema', 'demo-004', /source is required/);
  });

  it('enforces the per-type rules', () => {
    const cases: Array<[string, (x: Record<string, unknown>) => void, RegExp]> = [
      ['demo-001', (x) => (x.options = [{ id: 'A', text: '甲' }, { id: 'A', text: '乙' }, { id: 'C', text: '丙' }, { id: 'D', text: '丁' }]), /option id A is used twice/],
      ['demo-001', (x) => (x.options = [{ id: 'A', text: '甲' }, { id: 'B', text: '乙' }]), /give 4–5 options/],
      ['demo-002', (x) => (x.answer = ['A']), /at least two correct options/],
      ['demo-003', (x) => (x.answer = 'yes'), /true or false/],
      ['demo-004', (x) => (x.blanks = [['15日']]), /stem has 2 blank\(s\).*lists 1/],
      ['demo-004', (x) => (x.blanks = [['15日'], []]), /at least one accepted answer/],
      ['demo-025', (x) => delete x.rubric, /rubric/],
      ['demo-025', (x) => delete x.modelAnswer, /modelAnswer is required/],
      ['demo-001', (x) => (x.difficulty = 6), /difficulty is 1–5/],
      ['demo-001', (x) => (x.id = 'demo-1'), /<lesson id>-NNN/],
      ['demo-001', (x) => (x.type = 'essay'), /type must be one of/],
      ['demo-003', (x) => (x.options = []), /unknown field\(s\): options/],
    ];
    for (const [id, mutate, message] of cases) {
      const c = fixture();
      const entry = c.questions.find((e) => e.id === id)!;
      mutate(entry.data as Record<string, unknown>);
      const problems = checkContent(c).filter((p) => p.code === 'schema');
      expect(problems.map((p) => p.message).join('\n'), `${id} ${message}`).toMatch(message);
    }
  });

  it('detects a question whose id does not start with its topic, and a topic that is not a lesson', () => {
    const c = fixture();
    q(c, 'demo-006').topic = 'other';
    expectOneError(c, 'schema', 'demo-006', /must start with its topic "other-"/);
    const d = fixture();
    const data = question(26, { id: 'ghost-001', topic: 'ghost' });
    d.questions.push({ file: 'content/questions/ghost.yaml', index: 0, id: 'ghost-001', data });
    expectOneError(d, 'unknown-topic', 'ghost-001', /topic "ghost" is not a lesson/);
  });

  // — lessons —

  it('detects a lesson without questions in the bank', () => {
    const c = fixture();
    c.lessons.push(parseLessonSource(LESSON.replace('id: demo', 'id: empty').replace(/<KnowledgeCheck[^\n]*/, ''), 'content/lessons/empty.mdx'));
    expectOneError(c, 'lesson-without-questions', 'empty', /has no questions: add content\/questions\/empty.yaml/);
  });

  it('warns when a lesson has fewer than 40 questions', () => {
    const c = fixture();
    c.questions = c.questions.slice(0, 10);
    const p = checkContent(c).filter((x) => x.code === 'lesson-without-questions');
    expect(p).toHaveLength(1);
    expect(p[0]?.severity).toBe('warning');
  });

  it('detects a KnowledgeCheck pointing to a missing id or a short question; warns on another topic', () => {
    const missing = fixture();
    missing.lessons = [parseLessonSource(LESSON.replace('"demo-003"', '"demo-999"'), 'content/lessons/demo.mdx')];
    const p = expectOneError(missing, 'knowledge-check', 'demo', /demo-999 does not exist/);
    expect(p.line).toBe(37);

    const short = fixture();
    short.lessons = [parseLessonSource(LESSON.replace('"demo-003"', '"demo-025"'), 'content/lessons/demo.mdx')];
    expectOneError(short, 'knowledge-check', 'demo', /demo-025 is a short-answer question/);

    const other = fixture();
    other.questions.push({ file: 'content/questions/demo.yaml', index: 25, id: 'demo-026', data: question(26, { topic: 'demo' }) });
    other.lessons.push(parseLessonSource(LESSON.replace('id: demo', 'id: second').replace('"demo-003"', '"demo-026"'), 'content/lessons/second.mdx'));
    const problems = checkContent(other).filter((x) => x.id === 'second' && x.code === 'knowledge-check');
    expect(problems.some((x) => x.severity === 'warning' && /belongs to topic demo/.test(x.message))).toBe(true);
  });

  it('detects lesson frontmatter errors and an id that differs from the file name', () => {
    const c = fixture();
    c.lessons = [parseLessonSource(LESSON.replace('module: rights', 'module: bogus'), 'content/lessons/demo.mdx')];
    expectOneError(c, 'schema', 'demo', /frontmatter module/);
    const d = fixture();
    d.lessons = [parseLessonSource(LESSON, 'content/lessons/renamed.mdx')];
    expectOneError(d, 'id-mismatch', 'demo', /must equal the file name "renamed"/);
  });

  it('reports a Cite written with a string article', () => {
    const c = fixture();
    c.lessons = [parseLessonSource(LESSON.replace('article={2}', 'article="2"'), 'content/lessons/demo.mdx')];
    expectOneError(c, 'cite-syntax', 'demo', /article=\{2\}/);
  });

  // — instruments —

  it('detects register schema errors and a missing full-text file', () => {
    const c = fixture();
    (c.instruments[0]!.data as Record<string, unknown>).issued = '2020-02-30';
    expectOneError(c, 'schema', 'demo-law', /issued: is not a real calendar date/);
    const d = fixture();
    d.texts = {};
    expectOneError(d, 'missing-text', 'demo-law', /texts\/demo-law.md does not exist/);
  });
});

// ───────────────────────────── editorial rules (fixtures on disk) ─────────────────────────────

const FIXTURES = fileURLToPath(new URL('../fixtures/content/', import.meta.url));

function baseFixture(): LoadedContent {
  return loadContent({ root: path.join(FIXTURES, 'base') });
}

/** Loads base/ plus one defect file: a question list is added as content/questions/demo-defect.yaml, a lesson replaces demo.mdx. */
function withDefect(name: string): { content: LoadedContent; code: ProblemCode; id: string } {
  const source = readFileSync(path.join(FIXTURES, 'defects', name), 'utf8');
  const expect = /expect: ([a-z-]+) ([a-z0-9-]+)/.exec(source);
  if (!expect) throw new Error(`${name} has no "expect: <code> <id>" line`);
  const content = baseFixture();
  if (name.endsWith('.mdx')) {
    content.lessons = [parseLessonSource(source, 'content/lessons/demo.mdx')];
  } else {
    const bank = parseQuestionBank(source);
    for (const e of bank.entries) content.questions.push({ file: 'content/questions/demo-defect.yaml', index: e.index, id: e.id, data: e.data });
  }
  return { content, code: expect[1] as ProblemCode, id: expect[2] as string };
}

describe('editorial rules', () => {
  it('the base fixture is clean (and a second file for a topic, demo-defect.yaml, is accepted)', () => {
    const c = baseFixture();
    expect(c.loadErrors).toEqual([]);
    expect(errorsOnly(checkContent(c))).toEqual([]);
  });

  const defects = readdirSync(path.join(FIXTURES, 'defects')).sort();
  it('has a defect fixture for every editorial rule', () => {
    const codes = new Set(defects.map((d) => withDefect(d).code));
    for (const code of ['authoring-term', 'stem-needs-law', 'same-fact', 'near-duplicate', 'rubric-count', 'quote-mismatch', 'variant']) {
      expect(codes.has(code as ProblemCode), code).toBe(true);
    }
  });

  for (const name of defects) {
    it(`fails on defects/${name}`, () => {
      const { content, code, id } = withDefect(name);
      const errors = errorsOnly(checkContent(content));
      expect(errors.map((e) => `${e.code} ${e.id}`), formatProblems(errors)).toEqual([`${code} ${id}`]);
      // A defect file adds questions only in the multi-file layout the bank allows (no bank-file warning).
      expect(checkContent(content).filter((p) => p.code === 'bank-file')).toEqual([]);
    });
  }

  it('accepts an intended variant marked with variantOf', () => {
    const { content } = withDefect('near-duplicate.yaml');
    (content.questions.at(-1)!.data as Record<string, unknown>).variantOf = 'demo-001';
    expect(errorsOnly(checkContent(content))).toEqual([]);
  });

  it('warns about a question file whose name does not start with its topic', () => {
    const c = baseFixture();
    c.questions = c.questions.map((q) => ({ ...q, file: 'content/questions/misc.yaml' }));
    const p = checkContent(c).filter((x) => x.code === 'bank-file');
    expect(p.length).toBe(6);
    expect(p.every((x) => x.severity === 'warning')).toBe(true);
  });

  it('reports the line of an authoring term in a lesson', () => {
    const { content } = withDefect('authoring-lesson.mdx');
    const [p] = problemsWith(checkContent(content), 'authoring-term', 'demo');
    expect(p?.line).toBe(27);
    expect(p?.message).toMatch(/原始材料/);
  });

  it('finds authoring terms in register facts, but allows an honest 未核实 there', () => {
    const c = baseFixture();
    const data = c.instruments[0]!.data as { facts: Array<{ text: string; label: string }> };
    data.facts.push({ text: '公布日期未核实。', label: 'UNVERIFIED' });
    expect(errorsOnly(checkContent(c))).toEqual([]);
    data.facts.push({ text: '参考资料未载明施行日期（事实表 §1）。', label: 'PRIMARY' });
    expectOneError(c, 'authoring-term', 'demo-law', /facts\[2\] says "事实表"|facts\[2\] says "参考资料"/);
  });
});

describe('editorial helpers', () => {
  it('similarity: identical stems 1, unrelated stems near 0, punctuation and blanks ignored', () => {
    expect(stemSimilarity('经营者应当在15日内答复。', '经营者应当在15日内答复')).toBe(1);
    expect(stemSimilarity('经营者应当在____日内答复', '经营者应当在日内答复')).toBe(1);
    expect(stemSimilarity('反洗钱义务', '格式条款的提示')).toBe(0);
  });

  it('askedCount reads what the stem asks for, not ordinals, floors or per-item asks', () => {
    expect(askedCount('请从四个方面说明投诉处理的要求。')).toBe(4);
    expect(askedCount('列出三点做法。')).toBe(3);
    expect(askedCount('至少列出三点做法。')).toBeNull();
    expect(askedCount('说明第三点的含义。')).toBeNull();
    expect(askedCount('说明两项权利的区别，并分别举出一项具体行为。')).toBe(2);
    expect(askedCount('结合案例说明银行的做法。')).toBeNull();
  });

  it('attributedQuotations picks quotes attributed to a rule, skips customer words and negations', () => {
    const qs = attributedQuotations('第三条规定：“经营者应当自收到投诉之日起十五日内作出处理决定。”客户说“稳赚不赔吗”。法律没有规定“收取风险保证金”之类的做法。');
    expect(qs).toEqual([{ text: '经营者应当自收到投诉之日起十五日内作出处理决定。', article: 3, title: null }]);
    expect(quoteOccursIn('经营者应当……十五日内作出处理决定', '经营者应当自收到投诉之日起十五日内作出处理决定，并告知消费者。')).toBe(true);
    expect(quoteOccursIn('十五日内……经营者应当', '经营者应当自收到投诉之日起十五日内作出处理决定')).toBe(false);
  });

  // Not timed here: speed belongs in bench/, and a wall-clock limit is flaky on a shared machine.
  it('the real bank passes the editorial pass', () => {
    const content = loadContent();
    expect(errorsOnly(checkContent(content))).toEqual([]);
  });
});
