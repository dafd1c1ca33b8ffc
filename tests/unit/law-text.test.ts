import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  articleAnchor,
  articleLabel,
  checkArticleSequence,
  chineseToNumber,
  findArticle,
  numberToChinese,
  parseLawText,
} from '../../src/content/law-text.ts';

const TEXTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../content/instruments/texts');

describe('chineseToNumber', () => {
  const cases: Array<[string, number]> = [
    ['一', 1],
    ['九', 9],
    ['十', 10],
    ['十一', 11],
    ['十九', 19],
    ['二十', 20],
    ['二十六', 26],
    ['九十九', 99],
    ['一百', 100],
    ['一百零一', 101],
    ['一百零五', 105],
    ['一百一十', 110],
    ['一百十', 110],
    ['一百一十一', 111],
    ['一百八十五', 185],
    ['一百九十九', 199],
    ['二百', 200],
    ['二百零一', 201],
    ['二百一十', 210],
    ['两百', 200],
    ['一千', 1000],
    ['一千零一', 1001],
    ['一千零一十', 1010],
    ['一千二百三十四', 1234],
    ['一〇五', 105],
    ['零', 0],
  ];
  it.each(cases)('%s → %i', (s, n) => {
    expect(chineseToNumber(s)).toBe(n);
  });

  it.each(['', 'abc', '十十', '一二十', '百', '一百五', '零零一', '一百零', '二十六条'])('rejects %j', (s) => {
    expect(() => chineseToNumber(s)).toThrow();
  });
});

describe('numberToChinese', () => {
  it.each([
    [1, '一'],
    [10, '十'],
    [11, '十一'],
    [20, '二十'],
    [26, '二十六'],
    [100, '一百'],
    [101, '一百零一'],
    [105, '一百零五'],
    [110, '一百一十'],
    [185, '一百八十五'],
    [200, '二百'],
    [201, '二百零一'],
    [1001, '一千零一'],
    [1010, '一千零一十'],
  ])('%i → %s', (n, s) => {
    expect(numberToChinese(n)).toBe(s);
  });

  it('round-trips 1..2500', () => {
    for (let n = 1; n <= 2500; n++) expect(chineseToNumber(numberToChinese(n))).toBe(n);
  });

  it('rejects non-integers and out-of-range numbers', () => {
    expect(() => numberToChinese(1.5)).toThrow();
    expect(() => numberToChinese(-1)).toThrow();
    expect(() => numberToChinese(10000)).toThrow();
  });

  it('builds labels and anchors', () => {
    expect(articleLabel(26)).toBe('第二十六条');
    expect(articleLabel(110)).toBe('第一百一十条');
    expect(articleAnchor(26)).toBe('article-26');
  });
});

describe('parseLawText', () => {
  const withChapters = [
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
    '第二条 本法适用于：',
    '',
    '（一）甲；',
    '',
    '（二）乙。',
    '',
    '第三方应当配合。',
    '',
    '## 第二章 具体规则',
    '',
    '### 第一节 一般规定',
    '',
    '第三条 第一款。',
    '',
    '第二款。',
    '',
    '### 第二节 特别规定',
    '',
    '第四条 特别规定。',
    '',
    '## 第十章 附  则',
    '',
    '第一百一十条 本法自公布之日起施行。',
    '',
  ].join('\n');

  const parsed = parseLawText(withChapters);

  it('reads title and preamble', () => {
    expect(parsed.title).toBe('中华人民共和国示例法');
    expect(parsed.preamble).toEqual(['2020年1月1日 第十三届全国人民代表大会常务委员会第一次会议通过']);
    expect(parsed.intro).toEqual([]);
  });

  it('reads chapters with spaced titles and sections', () => {
    expect(parsed.chapters.map((c) => [c.number, c.title, c.anchor])).toEqual([
      [1, '总则', 'chapter-1'],
      [2, '具体规则', 'chapter-2'],
      [10, '附则', 'chapter-10'],
    ]);
    expect(parsed.chapters[0]?.heading).toBe('第一章 总 则');
    expect(parsed.chapters[1]?.sections.map((s) => [s.number, s.title, s.anchor, s.articles])).toEqual([
      [1, '一般规定', 'chapter-2-section-1', [3]],
      [2, '特别规定', 'chapter-2-section-2', [4]],
    ]);
    expect(parsed.chapters.map((c) => c.articles)).toEqual([[1, 2], [3, 4], [110]]);
  });

  it('reads articles, attaching following paragraphs to the previous article', () => {
    expect(parsed.articles.map((a) => [a.number, a.label, a.anchor, a.chapter, a.section])).toEqual([
      [1, '第一条', 'article-1', 1, null],
      [2, '第二条', 'article-2', 1, null],
      [3, '第三条', 'article-3', 2, 1],
      [4, '第四条', 'article-4', 2, 2],
      [110, '第一百一十条', 'article-110', 10, null],
    ]);
    // 第三方… starts with 第 but is not an article heading.
    expect(findArticle(parsed, 2)?.paragraphs).toEqual(['本法适用于：', '（一）甲；', '（二）乙。', '第三方应当配合。']);
    expect(findArticle(parsed, 3)?.paragraphs).toEqual(['第一款。', '第二款。']);
  });

  it('handles texts without chapters and with an intro', () => {
    const t = parseLawText(
      ['# 某规定', '', '2021年5月25日 施行', '', '<!-- INFO END -->', '', '为正确审理……制定本规定。', '', '第一条 甲。', '', '第二条 乙。', ''].join('\n'),
    );
    expect(t.chapters).toEqual([]);
    expect(t.intro).toEqual(['为正确审理……制定本规定。']);
    expect(t.articles.map((a) => [a.number, a.chapter])).toEqual([
      [1, null],
      [2, null],
    ]);
  });

  it('handles a missing INFO END marker and CRLF line endings', () => {
    const t = parseLawText('# 标题\r\n\r\n第一条 甲。\r\n\r\n第二条 乙。\r\n');
    expect(t.title).toBe('标题');
    expect(t.preamble).toEqual([]);
    expect(t.articles.map((a) => a.number)).toEqual([1, 2]);
  });

  it('reports gaps and repeats in the numbering', () => {
    const t = parseLawText('# t\n<!-- INFO END -->\n第一条 a\n第三条 b\n第三条 c\n');
    const seq = checkArticleSequence(t);
    expect(seq.consecutive).toBe(false);
    expect(seq.missing).toEqual([2]);
    expect(seq.duplicates).toEqual([3]);
  });
});

describe('every full text in content/instruments/texts/', () => {
  const files = readdirSync(TEXTS_DIR).filter((f) => f.endsWith('.md')).sort();

  // Last article of each text, read from the files (第X条 本法自…起施行 etc.).
  const expectedCounts: Record<string, number> = {
    'advertising-law': 74,
    'aml-law': 65,
    'anti-telecom-fraud-law': 50,
    'banking-supervision-law': 52,
    'commercial-banking-law': 95,
    'consumer-infringement-penalties': 22,
    'consumer-rights-law': 63,
    'credit-reporting-regulation': 47,
    'cybersecurity-law': 79,
    'data-security-law': 55,
    'electronic-signature-law': 36,
    'illegal-fundraising-regulation': 40,
    'insurance-law': 185,
    'network-data-security-regulation': 64,
    'non-bank-payment-regulation': 60,
    'pboc-law': 53,
    pipl: 74,
    'price-law': 48,
    'samr-complaint-measures': 40,
    'spc-bank-card-disputes': 16,
    'spc-illegal-fundraising': 15,
  };

  it('holds the 21 expected texts', () => {
    expect(files.map((f) => f.replace(/\.md$/, ''))).toEqual(Object.keys(expectedCounts).sort());
  });

  it.each(files)('%s parses with articles numbered 1..N in order', (file) => {
    const t = parseLawText(readFileSync(path.join(TEXTS_DIR, file), 'utf8'));
    const id = file.replace(/\.md$/, '');
    expect(t.title).not.toBe('');
    const seq = checkArticleSequence(t);
    expect(seq, `${file}: ${JSON.stringify(seq)}`).toMatchObject({ consecutive: true, missing: [], duplicates: [], outOfOrder: [] });
    expect(t.articles.length).toBe(expectedCounts[id]);
    for (const a of t.articles) {
      expect(a.paragraphs.length, `${file} ${a.label} has no text`).toBeGreaterThan(0);
      expect(a.label).toBe(articleLabel(a.number));
    }
    const anchors = [...t.chapters.map((c) => c.anchor), ...t.articles.map((a) => a.anchor)];
    expect(new Set(anchors).size).toBe(anchors.length);
    if (t.chapters.length > 0) {
      // Chapters are numbered 1..M and together hold every article exactly once.
      expect(t.chapters.map((c) => c.number)).toEqual(t.chapters.map((_, i) => i + 1));
      expect(t.chapters.flatMap((c) => c.articles)).toEqual(t.articles.map((a) => a.number));
      for (const c of t.chapters) expect(c.title).not.toMatch(/\s/);
    }
  });

  it('keeps known structure: 消保法 第十八条 has two paragraphs, 第二十六条 is about 格式条款', () => {
    const t = parseLawText(readFileSync(path.join(TEXTS_DIR, 'consumer-rights-law.md'), 'utf8'));
    expect(findArticle(t, 18)?.paragraphs).toHaveLength(2);
    expect(findArticle(t, 18)?.paragraphs[1]).toContain('银行');
    expect(findArticle(t, 26)?.paragraphs[0]).toMatch(/^经营者在经营活动中使用格式条款/);
    expect(t.chapters.find((c) => c.number === 2)?.title).toBe('消费者的权利');
  });

  it('keeps sections: 个人信息保护法 第二章 has three 节', () => {
    const t = parseLawText(readFileSync(path.join(TEXTS_DIR, 'pipl.md'), 'utf8'));
    expect(t.chapters[0]?.heading).toBe('第一章 总 则');
    expect(t.chapters[0]?.title).toBe('总则');
    expect(t.chapters[1]?.sections.map((s) => s.title)).toEqual(['一般规定', '敏感个人信息的处理规则', '国家机关处理个人信息的特别规定']);
    expect(findArticle(t, 28)?.section).toBe(2);
  });

  it('keeps paragraphs that start with 第 but are not articles inside the previous article (反洗钱法 第三十二条)', () => {
    const t = parseLawText(readFileSync(path.join(TEXTS_DIR, 'aml-law.md'), 'utf8'));
    const a32 = findArticle(t, 32);
    expect(a32?.paragraphs.at(-1)).toMatch(/^第三方应当向金融机构提供/);
  });

  it('reads the intro of judicial interpretations without chapters', () => {
    const t = parseLawText(readFileSync(path.join(TEXTS_DIR, 'spc-bank-card-disputes.md'), 'utf8'));
    expect(t.chapters).toEqual([]);
    expect(t.intro[0]).toMatch(/^为正确审理银行卡民事纠纷案件/);
    expect(t.preamble).toContain('2021年5月25日 施行');
  });

  it('parses the 保险法 beyond 第一百条', () => {
    const t = parseLawText(readFileSync(path.join(TEXTS_DIR, 'insurance-law.md'), 'utf8'));
    expect(findArticle(t, 105)?.label).toBe('第一百零五条');
    expect(findArticle(t, 110)?.label).toBe('第一百一十条');
    expect(findArticle(t, 185)?.paragraphs[0]).toContain('本法自2009年10月1日起施行');
  });
});
