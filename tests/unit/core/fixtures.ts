import { QuestionVersionSchema, type QuestionVersion, type QuestionVersionInput } from '../../../src/core/index.ts';

/** Parses through the real schema so fixtures get the same defaults as stored versions. */
export function v(input: QuestionVersionInput): QuestionVersion {
  return QuestionVersionSchema.parse(input);
}

const base = { difficulty: 2, topic: 'complaint-handling', explanation: '解析。', source: { instrument: 'cbirc-complaint-measures', article: 13 } };

export const single = v({
  ...base,
  id: 'complaint-handling-001',
  versionId: 'ver-1',
  type: 'single',
  stem: '对于事实清楚、争议情况简单的消费投诉，应当在多少日内作出处理决定？',
  options: [
    { id: 'A', text: '7日' },
    { id: 'B', text: '15日' },
    { id: 'C', text: '30日' },
    { id: 'D', text: '60日' },
  ],
  key: { answer: 'B' },
});

export const multiple = v({
  ...base,
  id: 'complaint-handling-002',
  versionId: 'ver-2',
  type: 'multiple',
  stem: '以下哪些属于消费者的权利？',
  options: [
    { id: 'A', text: '知情权' },
    { id: 'B', text: '自主选择权' },
    { id: 'C', text: '公平交易权' },
    { id: 'D', text: '无限索赔权' },
    { id: 'E', text: '随意违约权' },
  ],
  key: { answer: ['A', 'B', 'C'] },
});

export const truefalse = v({
  ...base,
  id: 'complaint-handling-003',
  versionId: 'ver-3',
  type: 'truefalse',
  stem: '（测试用）判断题题干。',
  key: { answer: false },
});

export const fill = v({
  ...base,
  id: 'complaint-handling-004',
  versionId: 'ver-4',
  type: 'fill',
  stem: '简单投诉应在____内处理，复杂投诉可延长至____。',
  key: { blanks: [['15日', '十五日', '15天'], ['30日', '三十日', '30天']] },
});

export const fillAnyOrder = v({
  ...base,
  id: 'complaint-handling-005',
  versionId: 'ver-5',
  type: 'fill',
  stem: '写出金融消费者八项权利中的任意两项：____、____。',
  key: {
    blanks: [
      ['知情权', '财产安全权', '自主选择权'],
      ['知情权', '财产安全权', '自主选择权'],
    ],
    orderInsensitive: true,
  },
});

export const short = v({
  ...base,
  id: 'complaint-handling-006',
  versionId: 'ver-6',
  type: 'short',
  stem: '简述首问负责制的要求。',
  key: { modelAnswer: '首个接待的部门或人员负责到底。', rubric: ['首问负责', '不得推诿'] },
});

export const allVersions: QuestionVersion[] = [single, multiple, truefalse, fill, fillAnyOrder, short];
