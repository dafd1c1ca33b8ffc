// Exports of a bank or a filtered selection (xlsx in the import template's layout, GIFT, Moodle XML)
// and the template download. Keys leave the server here, so only for banks the caller manages or
// open banks (app.questions_with_keys decides); the writers are src/interop's (formula-safe xlsx).
import type { Tx } from '../db.ts';
import { bankProblem, loadBank } from './banks.ts';
import { draftFromStored } from './drafts.ts';
import { filteredIds, type QuestionFilter } from './questions.ts';

export const EXPORT_FORMATS = ['xlsx', 'gift', 'moodle-xml'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const TYPES: Record<ExportFormat, { mime: string; ext: string }> = {
  xlsx: { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx' },
  gift: { mime: 'text/plain; charset=utf-8', ext: 'gift.txt' },
  'moodle-xml': { mime: 'application/xml; charset=utf-8', ext: 'xml' },
};

export async function exportQuestions(tx: Tx, filter: QuestionFilter, ids: string[] | null, format: ExportFormat) {
  const bank = await loadBank(tx, filter.bank);
  const wanted = ids ?? await filteredIds(tx, filter);
  const rows = wanted.length
    ? await tx`select * from app.questions_with_keys(array(select jsonb_array_elements_text(${tx.json(wanted)})), false) where bank = ${bank.id}`
    : [];
  if (rows.length < wanted.length && !ids) {
    throw bankProblem(403, 'not_bank_manager', `"${bank.name}" is a closed bank you do not manage; its answer keys cannot be exported.`);
  }
  const drafts = rows.map(draftFromStored);
  let body: Uint8Array | string;
  if (format === 'xlsx') body = await (await import('../../../src/interop/question-xlsx.ts')).questionsToWorkbook(drafts);
  else if (format === 'gift') body = (await import('../../../src/interop/gift.ts')).toGift(drafts);
  else body = (await import('../../../src/interop/moodle-xml.ts')).toMoodleXml(drafts);
  const safeName = bank.name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').slice(0, 60) || 'bank';
  return { body, count: drafts.length, mime: TYPES[format].mime, fileName: `${safeName}.${TYPES[format].ext}` };
}

export async function templateWorkbook(): Promise<Uint8Array> {
  return (await import('../../../src/interop/question-xlsx.ts')).questionTemplate();
}

/** Content-Disposition for a UTF-8 file name (RFC 6266 / 5987) with an ASCII fallback. */
export function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
