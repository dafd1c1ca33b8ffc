// The content bank keeps key fields at the top level of each YAML question (answer, blanks, …);
// the exam engine (src/core) keeps them in a nested `key`. This is the one place that maps between
// the two, used by the content sync and by pages that render bank questions.
import { QuestionVersionSchema, type QuestionVersion } from '../core/questions.ts';
import type { Question } from './schemas.ts';

export function toQuestionVersion(q: Question): QuestionVersion {
  const base = { id: q.id, stem: q.stem, explanation: q.explanation, source: q.source, difficulty: q.difficulty, topic: q.topic };
  switch (q.type) {
    case 'single':
      return QuestionVersionSchema.parse({ ...base, type: 'single', options: q.options, key: { answer: q.answer } });
    case 'multiple':
      return QuestionVersionSchema.parse({ ...base, type: 'multiple', options: q.options, key: { answer: q.answer } });
    case 'truefalse':
      return QuestionVersionSchema.parse({ ...base, type: 'truefalse', key: { answer: q.answer } });
    case 'fill':
      return QuestionVersionSchema.parse({ ...base, type: 'fill', key: { blanks: q.blanks, orderInsensitive: q.orderInsensitive ?? false } });
    case 'short':
      return QuestionVersionSchema.parse({ ...base, type: 'short', key: { modelAnswer: q.modelAnswer, rubric: q.rubric ?? [] } });
  }
}
