// Import: parse → stored preview → commit (ARCHITECTURE §8b). The parsers are src/interop's (one
// per format, pure); this module decides each row's outcome against the bank, stores the rows with
// their normalised drafts (app.imports / app.import_rows), and commits through app.commit_import,
// which writes exactly the stored valid rows.
import { createHash } from 'node:crypto';
import type { Tx } from '../db.ts';
import { HttpProblem, badRequest } from '../http.ts';
import type { ParsedRows, RowProblem } from '../../../src/interop/question-draft.ts';
import { bankProblem, loadEditableBank } from './banks.ts';
import { prepareDraft, sourceProblems } from './drafts.ts';

export const IMPORT_FORMATS = ['xlsx', 'csv', 'gift', 'moodle-xml', 'aiken'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Netlify's synchronous function payload limit is 6 MB; we say so before the platform does. */
export const MAX_UPLOAD_BYTES = 6 * 1024 * 1024;

export function tooLarge(bytes: number | null): HttpProblem {
  const mb = bytes === null ? 'more than 6' : (bytes / 1024 / 1024).toFixed(1);
  return new HttpProblem(413, 'Payload Too Large', `The file is ${mb} MB; the limit is 6 MB. Split the bank into several files (for example by topic) and import them one after another.`, {
    code: 'file_too_large', limitBytes: MAX_UPLOAD_BYTES,
    message_zh: `文件大小为 ${mb} MB，超过 6 MB 上限。请按知识点等拆分成几个文件，分别导入。`,
  });
}

/** The format from an explicit choice or the file name. */
export function formatOf(explicit: string | null, fileName: string): ImportFormat {
  if (explicit && (IMPORT_FORMATS as readonly string[]).includes(explicit)) return explicit as ImportFormat;
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.xlsx')) return 'xlsx';
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.gift')) return 'gift';
  if (lower.endsWith('.xml')) return 'moodle-xml';
  if (lower.endsWith('.txt')) return 'aiken';
  throw badRequest('Choose the file format: Excel (.xlsx or .csv), GIFT (.gift or .txt), Moodle XML (.xml) or Aiken (.txt).', {
    code: 'unknown_format', errors: { format: 'Not one of xlsx, gift, moodle-xml, aiken.' },
    message_zh: '无法识别文件格式：请选择 Excel（.xlsx）、GIFT、Moodle XML（.xml）或 Aiken（.txt）。',
  });
}

interface Instrument { id: string; title: string; short: string }

/** Runs the format's parser (src/interop); a file it cannot read at all is a 400 with its message. */
async function parse(format: ImportFormat, bytes: Uint8Array, instruments: Instrument[], fileName: string): Promise<ParsedRows> {
  try {
    if (format === 'xlsx' || format === 'csv') {
      const m = await import('../../../src/interop/question-xlsx.ts');
      return await m.parseQuestionWorkbook(bytes, { instruments, fileName: format === 'csv' ? 'upload.csv' : fileName.replace(/\.csv$/i, '.xlsx') });
    }
    const text = decodeText(bytes);
    if (format === 'gift') return (await import('../../../src/interop/gift.ts')).parseGift(text, { instruments });
    if (format === 'moodle-xml') return (await import('../../../src/interop/moodle-xml.ts')).parseMoodleXml(text, { instruments });
    return (await import('../../../src/interop/aiken.ts')).parseAiken(text, { instruments });
  } catch (err) {
    const e = err as { code?: string; message?: string; message_zh?: string; message_en?: string };
    if (e && (e.message_zh || e.message_en)) {
      throw badRequest(e.message_en ?? e.message ?? 'The file cannot be read.', { code: `file_${e.code ?? 'unreadable'}`, message_zh: e.message_zh ?? null });
    }
    throw err;
  }
}

/** UTF-8 (BOM or not) or, when that is not valid, GBK — what Chinese Windows editors save. */
function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gbk').decode(bytes);
  }
}

const rowProblem = (row: number, column: string, zh: string, en: string, fixZh: string, fixEn: string): RowProblem =>
  ({ row, column, message_zh: zh, message_en: en, fix_zh: fixZh, fix_en: fixEn });

export interface PreviewRow {
  row: number;
  outcome: 'add' | 'update' | 'same' | 'problem';
  type: string | null;
  stem: string | null;
  questionId: string | null;
  duplicateOf: { id: string; bankName: string } | null;
  problems: RowProblem[];
  normalisations: unknown[];
  warnings: unknown[];
}

export async function createImport(tx: Tx, args: { bankId: string; fileName: string; format: ImportFormat; bytes: Uint8Array }) {
  const bank = await loadEditableBank(tx, args.bankId);
  if (args.bytes.byteLength === 0) {
    throw badRequest('The file is empty.', { code: 'file_empty', message_zh: '文件是空的。' });
  }
  const instruments = (await tx`select id, title, short_title from app.instruments where retired_at is null`)
    .map((r) => ({ id: r.id as string, title: r.title as string, short: r.short_title as string }));
  const outcomes = await parse(args.format, args.bytes, instruments, args.fileName);
  if (outcomes.length === 0) {
    throw badRequest('No questions were found in the file. Check that it uses the template (the first sheet, a header row, one question per row).', {
      code: 'file_no_rows', message_zh: '文件中没有找到题目。请使用模板：第一个工作表、首行为表头、每行一题。',
    });
  }
  const known = new Set(instruments.map((i) => i.id));

  // Validate sources against the register, prepare drafts, and catch duplicates inside the file.
  const firstRowOfStem = new Map<string, number>();
  const rows = outcomes.map((o) => {
    const problems = [...o.problems];
    let prepared: ReturnType<typeof prepareDraft> | null = null;
    if (o.draft && problems.length === 0) {
      problems.push(...sourceProblems(o.draft, known, o.row));
      if (problems.length === 0) {
        prepared = prepareDraft(o.draft);
        const earlier = firstRowOfStem.get(prepared.stemKey);
        if (earlier !== undefined) {
          problems.push(rowProblem(o.row, '题干', `与第 ${earlier} 行的题干相同（忽略全半角、空格和标点）。`, `Same stem as row ${earlier} (ignoring width, spaces and punctuation).`,
            '删除重复的一行，或修改题干。', 'Delete the repeated row, or change its stem.'));
          prepared = null;
        } else firstRowOfStem.set(prepared.stemKey, o.row);
      }
    }
    return { o, problems, prepared };
  });

  // Targets in this bank (same id, else same normalised stem) and duplicates in other visible banks.
  const valid = rows.filter((r) => r.prepared);
  const ids = valid.map((r) => r.o.draft?.id).filter((x): x is string => Boolean(x));
  const keys = valid.map((r) => r.prepared!.stemKey);
  const existing = await tx`
    select q.id, q.stem_key, q.retired_at, to_jsonb(q.tags) as tags, v.content_hash, q.bank = ${bank.id} as here, b.name as bank_name
    from app.questions q
    join app.banks b on b.id = q.bank
    join app.question_versions v on v.id = q.current_version_id
    where (q.bank = ${bank.id} and q.id in (select jsonb_array_elements_text(${tx.json(ids)})))
       or q.stem_key in (select jsonb_array_elements_text(${tx.json(keys)}))`;
  const byId = new Map<string, Record<string, unknown>>();
  const byStemHere = new Map<string, Record<string, unknown>>();
  const byStemElsewhere = new Map<string, Record<string, unknown>>();
  for (const e of existing) {
    if (e.here) {
      byId.set(e.id as string, e);
      const prior = byStemHere.get(e.stem_key as string);
      // The same preference as app_internal.write_questions: an active question first.
      if (e.stem_key && (!prior || (prior.retired_at && !e.retired_at))) byStemHere.set(e.stem_key as string, e);
    } else if (e.stem_key && !e.retired_at && !byStemElsewhere.has(e.stem_key as string)) byStemElsewhere.set(e.stem_key as string, e);
  }

  const stored = rows.map(({ o, problems, prepared }) => {
    let outcome: PreviewRow['outcome'] = 'problem';
    let target: Record<string, unknown> | undefined;
    let duplicateOf: PreviewRow['duplicateOf'] = null;
    if (prepared && problems.length === 0) {
      target = (o.draft?.id ? byId.get(o.draft.id) : undefined) ?? byStemHere.get(prepared.stemKey);
      const sameTags = target && JSON.stringify([...(target.tags as string[])].sort()) === JSON.stringify([...prepared.tags].sort());
      outcome = !target ? 'add' : target.content_hash === prepared.hash && !target.retired_at && sameTags ? 'same' : 'update';
      const elsewhere = byStemElsewhere.get(prepared.stemKey);
      if (elsewhere) duplicateOf = { id: elsewhere.id as string, bankName: elsewhere.bank_name as string };
      else if (target && target.id !== o.draft?.id) duplicateOf = { id: target.id as string, bankName: bank.name };
    }
    return {
      row_no: o.row,
      outcome,
      question_id: outcome === 'problem' ? null : (target?.id as string | undefined) ?? o.draft?.id ?? null,
      duplicate_of: duplicateOf ? JSON.stringify(duplicateOf) : null,
      draft: outcome === 'problem' ? null : prepared!.d,
      content_hash: prepared && outcome !== 'problem' ? prepared.hash : null,
      stem_key: prepared && outcome !== 'problem' ? prepared.stemKey : null,
      tags: prepared && outcome !== 'problem' ? prepared.tags : [],
      problems,
      normalisations: o.normalisations ?? [],
      warnings: o.warnings ?? [],
    };
  });

  const counts = { rows: stored.length, add: 0, update: 0, same: 0, problem: 0 };
  for (const s of stored) counts[s.outcome]++;
  const fileHash = createHash('sha256').update(args.bytes).digest('hex');
  const [imp] = await tx`
    insert into app.imports (bank_id, created_by, file_name, format, file_hash, row_count, valid_count, problem_count, file_warnings)
    values (${bank.id}, app_private.current_member_id(), ${args.fileName}, ${args.format}, ${fileHash},
            ${counts.rows}, ${counts.rows - counts.problem}, ${counts.problem}, ${tx.json((outcomes.fileWarnings ?? []) as never)})
    returning id`;
  const importId = imp!.id as string;
  await tx`
    insert into app.import_rows (import_id, row_no, outcome, question_id, duplicate_of, draft, content_hash, stem_key, tags, problems, normalisations, warnings)
    select ${importId}::uuid, r.row_no, r.outcome, r.question_id, r.duplicate_of, r.draft, r.content_hash, r.stem_key,
           coalesce(r.tags, '{}'), r.problems, r.normalisations, r.warnings
    from jsonb_to_recordset(${tx.json(stored as never)}) as r(row_no int, outcome text, question_id text, duplicate_of text, draft jsonb,
      content_hash text, stem_key text, tags text[], problems jsonb, normalisations jsonb, warnings jsonb)`;
  return loadImport(tx, importId);
}

export async function loadImport(tx: Tx, importId: string) {
  const [imp] = await tx`
    select i.*, b.name as bank_name from app.imports i join app.banks b on b.id = i.bank_id where i.id = ${importId}::uuid`;
  if (!imp) throw bankProblem(404, 'import_not_found', 'There is no import with this id for you.');
  const rows = await tx`
    select row_no, outcome, question_id, duplicate_of, draft ->> 'type' as type, left(draft ->> 'stem', 200) as stem,
           problems, normalisations, warnings
    from app.import_rows where import_id = ${importId}::uuid order by row_no`;
  const counts = { rows: rows.length, add: 0, update: 0, same: 0, problem: 0 };
  for (const r of rows) counts[r.outcome as keyof typeof counts]++;
  return {
    import: {
      id: imp.id as string,
      bankId: imp.bank_id as string,
      bankName: imp.bank_name as string,
      fileName: imp.file_name as string,
      format: imp.format as string,
      status: imp.status as string,
      createdAt: (imp.created_at as Date).toISOString(),
      committedAt: (imp.committed_at as Date | null)?.toISOString() ?? null,
      result: imp.result ?? null,
      fileWarnings: imp.file_warnings ?? [],
      counts,
    },
    rows: rows.map((r): PreviewRow => ({
      row: Number(r.row_no),
      outcome: r.outcome as PreviewRow['outcome'],
      type: (r.type as string | null) ?? null,
      stem: (r.stem as string | null) ?? null,
      questionId: (r.question_id as string | null) ?? null,
      duplicateOf: r.duplicate_of ? JSON.parse(r.duplicate_of as string) : null,
      problems: r.problems as RowProblem[],
      normalisations: r.normalisations as unknown[],
      warnings: r.warnings as unknown[],
    })),
  };
}

export async function commitImport(tx: Tx, importId: string) {
  await loadImport(tx, importId); // 404 unless it is the caller's import of a bank they manage
  const [r] = await tx`select app.commit_import(${importId}::uuid) as result`;
  return r!.result as { added: number; updated: number; unchanged: number; skippedProblems: number; alreadyCommitted?: boolean };
}
