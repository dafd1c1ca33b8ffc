// Browser side of the bank workspace API (functions/manage-banks.ts, manage-questions.ts,
// manage-question-actions.ts, manage-imports.ts, manage-question-export.ts, manage-review.ts):
// response types, file download with the bearer token, and an upload with a progress callback
// (fetch cannot report upload progress; XMLHttpRequest can).
import { ApiError } from './api.ts';
import { currentSession } from './supabase.ts';
import type { QuestionDraft, RowProblem } from '../interop/question-draft.ts';

export type { QuestionDraft, RowProblem };

export interface Bank {
  id: string;
  name: string;
  description: string;
  visibility: 'open' | 'closed';
  readOnly: boolean;
  orgUnit: { id: string; code: string; name: string } | null;
  canEdit: boolean;
  counts: { active: number; retired: number; needsReview: number };
  updatedAt: string;
}
export interface Unit { id: string; code: string; name: string; depth: number }

export interface QuestionRow {
  id: string;
  versionId: string;
  version: number;
  type: QuestionDraft['type'];
  stem: string;
  topic: string;
  difficulty: number;
  source: { instrument?: string; article?: number; text?: string };
  tags: string[];
  status: 'active' | 'retired';
  needsReview: boolean;
  reviewReason: ReviewReason | null;
  updatedAt: string;
  timesUsed: number;
  facility: number | null;
}
export interface ReviewReason { ruleChangeId: number; instrument: string; article: number | null; change: string; note?: string }

export interface QuestionPage {
  bank: Bank;
  rows: QuestionRow[];
  total: number;
  nextCursor: string | null;
  facets: { topics: string[]; tags: string[] };
}

export interface Duplicate { id: string; bankId: string; bankName: string; stem: string }

export interface QuestionDetail {
  id: string;
  bank: Bank;
  canEdit: boolean;
  status: 'active' | 'retired';
  needsReview: boolean;
  reviewReason: ReviewReason | null;
  timesUsed: number;
  draft: QuestionDraft;
  versionId: string;
  version: number;
  duplicates: Duplicate[];
  versions: { versionId: string; version: number; current: boolean; createdAt: string; draft: QuestionDraft }[];
  outcome?: 'add' | 'update' | 'same';
}

export interface PreviewRow {
  row: number;
  outcome: 'add' | 'update' | 'same' | 'problem';
  type: string | null;
  stem: string | null;
  questionId: string | null;
  duplicateOf: { id: string; bankName: string } | null;
  problems: RowProblem[];
  normalisations: { column: string; from: string; to: string }[];
  warnings: RowProblem[];
}
export interface ImportPreview {
  import: {
    id: string; bankId: string; bankName: string; fileName: string; format: string; status: 'previewed' | 'committed';
    createdAt: string; committedAt: string | null; fileWarnings: RowProblem[];
    result: { added: number; updated: number; unchanged: number; skippedProblems: number; alreadyCommitted?: boolean } | null;
    counts: { rows: number; add: number; update: number; same: number; problem: number };
  };
  rows: PreviewRow[];
  result?: { added: number; updated: number; unchanged: number; skippedProblems: number; alreadyCommitted?: boolean };
}

export interface ReviewData {
  questions: { id: string; bankId: string; bankName: string; official: boolean; type: string; stem: string; source: QuestionRow['source']; flaggedAt: string; reason: ReviewReason | null; canReview: boolean; canRetire: boolean }[];
  lessons: { id: string; title: string; module: string; flaggedAt: string; reason: ReviewReason | null }[];
  ruleChanges: { id: number; instrumentId: string; instrumentTitle: string; article: number | null; change: string; note: string; effectiveOn: string | null; origin: string; createdAt: string; createdBy: string | null; flaggedQuestions: number; flaggedLessons: number }[];
  instruments: { id: string; title: string; short: string; status: string }[];
}

export const MAX_UPLOAD_BYTES = 6 * 1024 * 1024;

/** GETs a file with the bearer token and hands it to the browser as a download. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const session = await currentSession();
  const res = await fetch(path, { headers: session ? { authorization: `Bearer ${session.access_token}` } : {} });
  if (!res.ok) {
    let detail = '';
    try { detail = String(((await res.json()) as { detail?: string }).detail ?? ''); } catch { /* not JSON */ }
    throw new ApiError(res.status, res.statusText, detail);
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const name = star ? decodeURIComponent(star[1]!) : fallbackName;
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** POSTs a file's bytes; `onProgress(0…1)` while it uploads. Resolves with the parsed JSON or rejects with an ApiError. */
export async function uploadFile<T>(path: string, file: Blob, onProgress: (fraction: number) => void): Promise<T> {
  const session = await currentSession();
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    if (session) xhr.setRequestHeader('authorization', `Bearer ${session.access_token}`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onerror = () => reject(new ApiError(0, 'Network Error', 'The server could not be reached. Check your connection and try again.'));
    xhr.onload = () => {
      let doc: Record<string, unknown> = {};
      try { doc = JSON.parse(xhr.responseText) as Record<string, unknown>; } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(doc as T);
      else reject(new ApiError(xhr.status, String(doc.title ?? xhr.statusText), String(doc.detail ?? ''), doc.errors as Record<string, string> | undefined, doc));
    };
    xhr.send(file);
  });
}

/** A register citation or free-text source as one line. */
export function sourceLabel(source: QuestionRow['source'] | null | undefined, instruments: Map<string, string>): string {
  if (!source) return '';
  if (source.instrument) return `${instruments.get(source.instrument) ?? source.instrument}${source.article ? ` 第${source.article}条` : ''}`;
  return source.text ?? '';
}
