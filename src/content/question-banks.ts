/**
 * Reading the question-bank files content/questions/*.yaml (each a YAML list of questions).
 * Shared by the Astro collection loader (src/content.config.ts) and the node-side loader (load.ts).
 * Pure apart from the YAML parser: callers do the file I/O.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';

export const QUESTION_FILE_RE = /\.ya?ml$/;

export interface RawQuestionEntry {
  /** Position in the file's list (0-based). */
  index: number;
  /** The `id` field when it is a non-empty string, else null. */
  id: string | null;
  data: unknown;
}

export interface ParsedQuestionBank {
  entries: RawQuestionEntry[];
  /** File-level problems: YAML syntax, not a list. Empty when fine. */
  errors: string[];
}

/** Parses the text of one question-bank file into raw (unvalidated) entries. */
export function parseQuestionBank(text: string): ParsedQuestionBank {
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true });
  } catch (e) {
    const msg = e instanceof YAMLParseError ? e.message : String(e);
    return { entries: [], errors: [`YAML syntax error: ${msg}`] };
  }
  if (doc === null || doc === undefined) return { entries: [], errors: [] };
  if (!Array.isArray(doc)) {
    return { entries: [], errors: ['a question-bank file must be a YAML list (each question starts with "- id: …")'] };
  }
  return {
    entries: doc.map((data: unknown, index) => {
      const id =
        data && typeof data === 'object' && typeof (data as { id?: unknown }).id === 'string'
          ? ((data as { id: string }).id.trim() || null)
          : null;
      return { index, id, data };
    }),
    errors: [],
  };
}
