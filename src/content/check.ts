/**
 * Cross-reference check over everything under content/ (run by tests/unit/content-check.test.ts and
 * before the content sync). Pure: takes loaded content (load.ts), returns problems.
 *
 * Errors fail the check; warnings are printed but do not fail it.
 *
 * Decisions (see docs/content-format.md):
 * - A citation of a FULL-TEXT instrument must name an article; a summary-only instrument may be cited
 *   whole, and when an article is given it must be one the fact sheet confirms (register `articles`).
 * - <KnowledgeCheck> ids must exist and must not be `short` questions (error); ids from another topic are
 *   allowed with a warning; fewer than 3 or more than 5 ids is a warning.
 * - Every lesson needs at least one question in the bank (error); fewer than 40 is a warning (second-edition target).
 * - A topic's questions may be spread over several files: content/questions/<topic>.yaml and
 *   content/questions/<topic>-<anything>.yaml (e.g. aml-basics-more.yaml) are all fine; another name warns.
 * - Editorial rules (editorial.ts) run on everything that passed its schema; all are errors.
 */
import { checkEditorial } from './editorial.ts';
import type { EditorialCode } from './editorial.ts';
import { checkArticleSequence } from './law-text.ts';
import type { LawText } from './law-text.ts';
import type { LoadedContent, LoadedLesson } from './load.ts';
import {
  formatZodIssues,
  instrumentSchema,
  lessonFrontmatterSchema,
  questionSchema,
} from './schemas.ts';
import type { Citation, Instrument, LessonFrontmatter, Question } from './schemas.ts';

export type Severity = 'error' | 'warning';

export type ProblemCode =
  | 'load'
  | 'schema'
  | 'duplicate-id'
  | 'id-mismatch'
  | 'missing-text'
  | 'orphan-text'
  | 'text-structure'
  | 'unknown-instrument'
  | 'article-required'
  | 'unknown-article'
  | 'unknown-lesson'
  | 'unknown-anchor'
  | 'cite-syntax'
  | 'knowledge-check'
  | 'lesson-without-questions'
  | 'lesson-structure'
  | 'unknown-topic'
  | 'bank-file'
  | EditorialCode;

export interface Problem {
  severity: Severity;
  code: ProblemCode;
  /** Repo-relative file the problem is in. */
  file: string;
  /** Id of the entry (instrument, lesson, question), or null when there is none to name. */
  id: string | null;
  /** What is wrong and what to do, in words an author can act on. */
  message: string;
  /** 1-based line for MDX problems, when known. */
  line?: number;
}

export const LESSON_SECTIONS = ['要点', '规则与条文', '场景案例', '常见误区', '随堂测验'] as const;
export const MIN_QUESTIONS_PER_LESSON = 40;

interface InstrumentInfo {
  data: Instrument;
  file: string;
  text: LawText | null;
}

export function checkContent(content: LoadedContent): Problem[] {
  const problems: Problem[] = [];
  const err = (p: Omit<Problem, 'severity'>) => problems.push({ severity: 'error', ...p });
  const warn = (p: Omit<Problem, 'severity'>) => problems.push({ severity: 'warning', ...p });

  for (const e of content.loadErrors) err({ code: 'load', file: e.file, id: null, message: e.message });

  // ── instruments ──
  const instruments = new Map<string, InstrumentInfo>();
  const usedTexts = new Set<string>();
  for (const entry of content.instruments) {
    const label = entry.id ?? `#${entry.index + 1}`;
    const r = instrumentSchema.safeParse(entry.data);
    if (!r.success) {
      for (const line of formatZodIssues(r.error)) {
        err({ code: 'schema', file: entry.file, id: label, message: `instrument ${label}: ${line}` });
      }
      continue;
    }
    const inst = r.data;
    if (instruments.has(inst.id)) {
      err({ code: 'duplicate-id', file: entry.file, id: inst.id, message: `instrument id ${inst.id} is used twice in the register` });
      continue;
    }
    let text: LawText | null = null;
    if (inst.text) {
      const textId = inst.text.replace(/\.md$/, '');
      usedTexts.add(textId);
      const loaded = content.texts[textId];
      if (!loaded) {
        err({
          code: 'missing-text',
          file: entry.file,
          id: inst.id,
          message: `instrument ${inst.id} names text ${inst.text}, but content/instruments/texts/${inst.text} does not exist`,
        });
      } else {
        text = loaded.parsed;
        if (text.articles.length === 0) {
          err({ code: 'text-structure', file: loaded.file, id: inst.id, message: `no articles (第X条) found in ${loaded.file}` });
        } else {
          const seq = checkArticleSequence(text);
          if (!seq.consecutive) {
            warn({
              code: 'text-structure',
              file: loaded.file,
              id: inst.id,
              message:
                `article numbers are not 1..${seq.max} in order` +
                (seq.missing.length ? `; missing ${seq.missing.join(', ')}` : '') +
                (seq.duplicates.length ? `; repeated ${seq.duplicates.join(', ')}` : ''),
            });
          }
        }
        if (text.title && text.title !== inst.title) {
          warn({
            code: 'text-structure',
            file: entry.file,
            id: inst.id,
            message: `register title "${inst.title}" differs from the full text's title "${text.title}"`,
          });
        }
      }
    }
    instruments.set(inst.id, { data: inst, file: entry.file, text });
  }
  for (const t of Object.values(content.texts)) {
    if (!usedTexts.has(t.id)) {
      warn({ code: 'orphan-text', file: t.file, id: t.id, message: `full text ${t.file} is not referenced by any register entry (text: ${t.id}.md)` });
    }
  }

  // ── lessons (frontmatter) ──
  const lessons = new Map<string, { lesson: LoadedLesson; data: LessonFrontmatter }>();
  for (const lesson of content.lessons) {
    if (lesson.frontmatterError) {
      err({ code: 'schema', file: lesson.file, id: lesson.fileId, message: lesson.frontmatterError });
      continue;
    }
    const r = lessonFrontmatterSchema.safeParse(lesson.frontmatter);
    if (!r.success) {
      for (const line of formatZodIssues(r.error)) {
        err({ code: 'schema', file: lesson.file, id: lesson.fileId, message: `frontmatter ${line}` });
      }
      continue;
    }
    const data = r.data;
    if (data.id !== lesson.fileId) {
      err({
        code: 'id-mismatch',
        file: lesson.file,
        id: data.id,
        message: `frontmatter id "${data.id}" must equal the file name "${lesson.fileId}" (rename the file or fix the id)`,
      });
    }
    const existing = lessons.get(data.id);
    if (existing) {
      err({ code: 'duplicate-id', file: lesson.file, id: data.id, message: `lesson id ${data.id} is also used by ${existing.lesson.file}` });
      continue;
    }
    lessons.set(data.id, { lesson, data });
  }
  // Lessons whose frontmatter failed still count as existing for topic/anchor lookups, so one schema
  // error does not cascade into dozens of "unknown topic" errors.
  const lessonAnchors = new Map<string, Set<string>>();
  for (const lesson of content.lessons) lessonAnchors.set(lesson.fileId, new Set(lesson.anchors));
  for (const { data, lesson } of lessons.values()) lessonAnchors.set(data.id, new Set(lesson.anchors));

  // ── questions (schema, duplicates, topic) ──
  const questions = new Map<string, { q: Question; file: string }>();
  const seenIds = new Map<string, string>();
  const perTopic = new Map<string, number>();
  for (const entry of content.questions) {
    const label = entry.id ?? `#${entry.index + 1}`;
    if (entry.id) {
      const other = seenIds.get(entry.id);
      if (other) {
        err({
          code: 'duplicate-id',
          file: entry.file,
          id: entry.id,
          message: `question id ${entry.id} is used twice (${other === entry.file ? 'in this file' : `also in ${other}`}); give one of them the next free number`,
        });
        continue;
      }
      seenIds.set(entry.id, entry.file);
    }
    const r = questionSchema.safeParse(entry.data);
    if (!r.success) {
      for (const line of formatZodIssues(r.error)) {
        err({ code: 'schema', file: entry.file, id: label, message: `question ${label}: ${line}` });
      }
      continue;
    }
    const q = r.data;
    questions.set(q.id, { q, file: entry.file });
    perTopic.set(q.topic, (perTopic.get(q.topic) ?? 0) + 1);
    if (!lessonAnchors.has(q.topic)) {
      err({
        code: 'unknown-topic',
        file: entry.file,
        id: q.id,
        message: `topic "${q.topic}" is not a lesson (no content/lessons/${q.topic}.mdx)`,
      });
    }
    const fileName = entry.file.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
    if (fileName !== q.topic && !fileName.startsWith(`${q.topic}-`)) {
      warn({
        code: 'bank-file',
        file: entry.file,
        id: q.id,
        message: `question of topic "${q.topic}" is in ${entry.file}; keep it in content/questions/${q.topic}.yaml or ${q.topic}-<name>.yaml`,
      });
    }
    for (const m of checkCitation(q.source, instruments, lessonAnchors)) {
      err({ code: m.code, file: entry.file, id: q.id, message: `source: ${m.message}` });
    }
  }

  // ── lessons (body) ──
  for (const { data, lesson } of lessons.values()) {
    for (const cite of lesson.cites) {
      if (cite.syntaxError) {
        err({ code: 'cite-syntax', file: lesson.file, id: data.id, line: cite.line, message: `${cite.syntaxError}: ${cite.raw}` });
      }
      if (cite.law === null) continue;
      const citation: Citation = cite.article === null ? { instrument: cite.law } : { instrument: cite.law, article: cite.article };
      for (const m of checkCitation(citation, instruments, lessonAnchors)) {
        err({ code: m.code, file: lesson.file, id: data.id, line: cite.line, message: `${m.message}: ${cite.raw}` });
      }
    }

    if (lesson.knowledgeChecks.length === 0) {
      warn({
        code: 'knowledge-check',
        file: lesson.file,
        id: data.id,
        message: 'no <KnowledgeCheck questions={[…]} /> in ## 随堂测验',
      });
    }
    for (const kc of lesson.knowledgeChecks) {
      if (kc.syntaxError) err({ code: 'knowledge-check', file: lesson.file, id: data.id, line: kc.line, message: kc.syntaxError });
      if (kc.ids.length < 3 || kc.ids.length > 5) {
        warn({ code: 'knowledge-check', file: lesson.file, id: data.id, line: kc.line, message: `a knowledge check should have 3–5 questions (has ${kc.ids.length})` });
      }
      const seen = new Set<string>();
      for (const qid of kc.ids) {
        if (seen.has(qid)) {
          err({ code: 'knowledge-check', file: lesson.file, id: data.id, line: kc.line, message: `question ${qid} is listed twice` });
        }
        seen.add(qid);
        const found = questions.get(qid);
        if (!found) {
          const invalid = seenIds.has(qid);
          err({
            code: 'knowledge-check',
            file: lesson.file,
            id: data.id,
            line: kc.line,
            message: invalid
              ? `question ${qid} exists but fails its schema (fix it in ${seenIds.get(qid)})`
              : `question ${qid} does not exist in content/questions/`,
          });
          continue;
        }
        if (found.q.type === 'short') {
          err({
            code: 'knowledge-check',
            file: lesson.file,
            id: data.id,
            line: kc.line,
            message: `question ${qid} is a short-answer question (graded by hand); use single, multiple, truefalse or fill`,
          });
        }
        if (found.q.topic !== data.id) {
          warn({
            code: 'knowledge-check',
            file: lesson.file,
            id: data.id,
            line: kc.line,
            message: `question ${qid} belongs to topic ${found.q.topic}, not this lesson`,
          });
        }
      }
    }

    // Section order (## 要点 … ## 随堂测验).
    const positions = LESSON_SECTIONS.map((s) => lesson.h2.indexOf(s));
    const missing = LESSON_SECTIONS.filter((_, i) => positions[i] === -1);
    if (missing.length) {
      warn({ code: 'lesson-structure', file: lesson.file, id: data.id, message: `missing section(s): ${missing.map((s) => `## ${s}`).join(', ')}` });
    } else if (positions.some((p, i) => i > 0 && p < (positions[i - 1] as number))) {
      warn({ code: 'lesson-structure', file: lesson.file, id: data.id, message: `sections must come in the order ${LESSON_SECTIONS.join(' → ')}` });
    }

    const count = perTopic.get(data.id) ?? 0;
    if (count === 0) {
      err({
        code: 'lesson-without-questions',
        file: lesson.file,
        id: data.id,
        message: `lesson ${data.id} has no questions: add content/questions/${data.id}.yaml with questions whose topic is ${data.id}`,
      });
    } else if (count < MIN_QUESTIONS_PER_LESSON) {
      warn({
        code: 'lesson-without-questions',
        file: lesson.file,
        id: data.id,
        message: `lesson ${data.id} has ${count} valid question(s); the contract asks for at least ${MIN_QUESTIONS_PER_LESSON}`,
      });
    }
  }

  for (const p of checkEditorial({
    instruments: [...instruments.values()],
    questions: [...questions.values()],
    lessons: [...lessons.values()],
  })) {
    err(p);
  }

  return problems;
}

interface CitationProblem {
  code: ProblemCode;
  message: string;
}

/** Checks one citation against the register, the full texts and the lessons' anchors. */
export function checkCitation(
  c: Citation,
  instruments: ReadonlyMap<string, InstrumentInfo>,
  lessonAnchors: ReadonlyMap<string, ReadonlySet<string>>,
): CitationProblem[] {
  if ('lesson' in c) {
    const anchors = lessonAnchors.get(c.lesson);
    if (!anchors) return [{ code: 'unknown-lesson', message: `lesson ${c.lesson} does not exist (no content/lessons/${c.lesson}.mdx)` }];
    if (!anchors.has(c.anchor)) {
      return [
        {
          code: 'unknown-anchor',
          message: `lesson ${c.lesson} has no heading with id "${c.anchor}" (add <h3 id="${c.anchor}">…</h3>${anchors.size ? `; it has: ${[...anchors].join(', ')}` : ''})`,
        },
      ];
    }
    return [];
  }
  const inst = instruments.get(c.instrument);
  if (!inst) return [{ code: 'unknown-instrument', message: `instrument ${c.instrument} is not in content/instruments/register.yaml` }];
  const name = `《${inst.data.short}》`;
  if (inst.data.text !== null) {
    if (c.article === undefined) {
      return [{ code: 'article-required', message: `${name} has a full text: name the article (e.g. article: 26 / article={26})` }];
    }
    if (inst.text && !inst.text.articles.some((a) => a.number === c.article)) {
      const max = inst.text.articles.at(-1)?.number ?? 0;
      return [{ code: 'unknown-article', message: `${name} has no article ${c.article} (its articles run 1–${max})` }];
    }
    return [];
  }
  if (c.article !== undefined) {
    const confirmed = inst.data.articles ?? [];
    if (!confirmed.some((a) => a.number === c.article)) {
      return [
        {
          code: 'unknown-article',
          message:
            `article ${c.article} of ${name} is not confirmed by the fact sheet` +
            (confirmed.length
              ? ` (confirmed: ${confirmed.map((a) => a.number).join(', ')}); cite one of those or the instrument without an article`
              : '; cite the instrument without an article'),
        },
      ];
    }
  }
  return [];
}

/** Problems of severity error only. */
export function errorsOnly(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => p.severity === 'error');
}

/** One line per problem, for logs and test failure output. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems
    .map((p) => `${p.severity === 'error' ? 'ERROR' : 'warn '} ${p.file}${p.line ? `:${p.line}` : ''} [${p.id ?? '-'}] ${p.message}`)
    .join('\n');
}
