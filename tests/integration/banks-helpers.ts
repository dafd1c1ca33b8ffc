// Shared helpers for the bank workspace integration tests: call the bank functions as a demo person,
// build template-layout workbooks with good and broken rows, upload them as the browser does.
import type { Harness } from './harness.ts';
import { writeWorkbook } from '../../src/interop/spreadsheet.ts';
import manageBanks from '../../functions/manage-banks.ts';
import manageQuestions from '../../functions/manage-questions.ts';
import manageImports from '../../functions/manage-imports.ts';

export const HEADERS = ['题型', '题干', '选项A', '选项B', '选项C', '选项D', '答案', '解析', '难度', '知识点/分类', '出处', '条款', '标签', '评分要点', '题号'] as const;
export type Row = Partial<Record<(typeof HEADERS)[number], string>>;

/** An xlsx in the import template's layout. */
export function workbook(rows: Row[]): Promise<Uint8Array> {
  return writeWorkbook({
    sheets: [{ name: '题目', columns: HEADERS.map((h) => ({ header: h, width: 12 })), rows: rows.map((r) => HEADERS.map((h) => r[h] ?? '')) }],
  });
}

export async function createBank(h: Harness, who: string, body: Record<string, unknown>) {
  return h.call(manageBanks, { method: 'POST', path: '/api/manage/banks', token: await h.tokenFor(who), body });
}

export async function unitId(h: Harness, code: string): Promise<string> {
  const [o] = await h.sql`select id from app.org_units where code = ${code}`;
  return o!.id as string;
}

export function single(stem: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'single', stem, options: [{ id: 'A', text: '七日' }, { id: 'B', text: '十五日' }, { id: 'C', text: '三十日' }],
    key: { answer: 'B' }, explanation: '按规定为十五日。', difficulty: 2, topic: '测试知识点', tags: [], source: null, ...extra,
  };
}

export async function createQuestion(h: Harness, who: string, bankId: string, draft: unknown, confirmDuplicate = false) {
  return h.call(manageQuestions, { method: 'POST', path: '/api/manage/questions', token: await h.tokenFor(who), body: { bankId, draft, confirmDuplicate } });
}

export async function getQuestion(h: Harness, who: string, id: string) {
  return h.call(manageQuestions, { method: 'GET', path: `/api/manage/questions/${id}`, token: await h.tokenFor(who), params: { questionId: id } });
}

export async function listQuestions(h: Harness, who: string, query: Record<string, string>) {
  return h.call(manageQuestions, { method: 'GET', path: `/api/manage/questions?${new URLSearchParams(query)}`, token: await h.tokenFor(who) });
}

/** Uploads raw bytes as the import page does (octet-stream body, bank/format/name in the query). */
export async function upload(h: Harness, who: string, bankId: string, bytes: Uint8Array, name = 'bank.xlsx', format?: string) {
  const token = await h.tokenFor(who);
  const q = new URLSearchParams({ bank: bankId, name, ...(format ? { format } : {}) });
  const req = new Request(`http://127.0.0.1/api/manage/imports?${q}`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: bytes as BodyInit,
  });
  const res = await manageImports(req, { params: {} });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

export async function commit(h: Harness, who: string, importId: string) {
  return h.call(manageImports, { method: 'POST', path: `/api/manage/imports/${importId}/commit`, token: await h.tokenFor(who), params: { importId } });
}

export async function counts(h: Harness, bankId: string) {
  const [r] = await h.sql`
    select (select count(*)::int from app.questions where bank = ${bankId}) as questions,
           (select count(*)::int from app.question_versions v join app.questions q on q.id = v.question_id where q.bank = ${bankId}) as versions`;
  return r as { questions: number; versions: number };
}
