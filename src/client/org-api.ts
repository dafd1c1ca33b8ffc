// Browser calls for the org tree, people and roster import pages (functions/org-units.ts,
// functions/people.ts, functions/roster-imports.ts). JSON calls go through api(); the roster upload
// uses XMLHttpRequest for its upload progress (fetch has none).
import { api, ApiError, signInUrl } from './api.ts';
import { currentSession } from './supabase.ts';
import type { RosterProblem } from '../interop/roster.ts';

export interface OrgUnit {
  id: string;
  code: string;
  name: string;
  kind: 'head_office' | 'branch' | 'sub_branch' | 'outlet' | 'department';
  parentId: string | null;
  path: string;
  closedAt: string | null;
  people: number;
}

export interface Person {
  id: string;
  employeeNo: string;
  name: string;
  orgUnit: { id: string; code: string; name: string; path: string };
  position: string | null;
  email: string | null;
  mobile: string | null;
  roles: string[];
  scope: { id: string; code: string; name: string } | null;
  active: boolean;
  deactivatedAt: string | null;
  hasAccount: boolean;
}

export interface RosterImport {
  id: string;
  fileName: string;
  format: 'xlsx' | 'csv';
  encoding: string | null;
  fullRoster: boolean;
  /** 'expired': a preview left unconfirmed for more than a day (ROSTER_PREVIEW_TTL_HOURS); it can no longer be committed. */
  status: 'previewed' | 'committed' | 'cancelled' | 'expired';
  summary: {
    counts: { new: number; update: number; unchanged: number; problem: number; deactivate: number; total: number; problems: number };
    kept: { self: boolean; admins: number };
    scope: { id: string; code: string; name: string };
    sheetName: string;
  };
  createdAt: string;
  committedAt: string | null;
  result: { created: number; updated: number; deactivated: number } | null;
  createdBy: string | null;
}

export type Outcome = 'new' | 'update' | 'unchanged' | 'problem' | 'deactivate';

export interface RosterRowView {
  seq: number;
  row: number | null;
  outcome: Outcome;
  employeeNo: string | null;
  record: { name?: string; employeeNo?: string; orgText?: string; orgUnit: { code: string; name: string } | null; position?: string | null; email?: string | null; mobile?: string | null; roles?: string[] } | null;
  changes: Record<string, { from: unknown; to: unknown }> | null;
  problems: RosterProblem[];
}

export interface NewAccount { employeeNo: string; name: string; email: string | null; password: string }

export const getOrgUnits = () => api<{ units: OrgUnit[] }>('/api/org-units').then((r) => r.units);

/** Uploads a roster file; `onProgress` gets 0–1 for the upload, then 'processing' while the server parses. */
export async function uploadRoster(file: File, opts: { fullRoster: boolean; scope: string | null }, onProgress: (p: number | 'processing') => void): Promise<RosterImport> {
  const session = await currentSession();
  const qs = new URLSearchParams({ name: file.name, fullRoster: String(opts.fullRoster) });
  if (opts.scope) qs.set('scope', opts.scope);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/roster-imports?${qs}`);
    if (session) xhr.setRequestHeader('authorization', `Bearer ${session.access_token}`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.upload.onload = () => onProgress('processing');
    xhr.onerror = () => reject(new ApiError(0, 'Network Error', 'The server could not be reached. Check your connection and try again.'));
    xhr.onload = () => {
      let doc: Record<string, unknown> = {};
      try { doc = JSON.parse(xhr.responseText) as Record<string, unknown>; } catch { /* not JSON */ }
      if (xhr.status === 401) {
        location.assign(signInUrl());
        return;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(doc as unknown as RosterImport);
      else reject(new ApiError(xhr.status, String(doc.title ?? xhr.statusText), String(doc.detail ?? ''), doc.errors as Record<string, string> | undefined, doc));
    };
    xhr.send(file);
  });
}

export const getImportRows = (id: string, outcome: Outcome | null, offset: number, limit = 100) =>
  api<{ total: number; rows: RosterRowView[] }>(`/api/roster-imports/${id}/rows?${new URLSearchParams({
    ...(outcome ? { outcome } : {}), offset: String(offset), limit: String(limit),
  })}`);

export const commitImport = (id: string, confirmDeactivate: number | null) =>
  api<{ result: { created: number; updated: number; deactivated: number }; accounts: NewAccount[] }>(`/api/roster-imports/${id}/commit`, {
    method: 'POST', body: confirmDeactivate === null ? {} : { confirmDeactivate },
  });

export const cancelImport = (id: string) => api(`/api/roster-imports/${id}/cancel`, { method: 'POST', body: {} });
export const recentImports = () => api<{ imports: RosterImport[] }>('/api/roster-imports').then((r) => r.imports);

/**
 * Units as an indented list in tree order (each unit right after its parent, siblings by code), for
 * selects. The order is built from parentId here rather than taken from the server's `order by path`:
 * under a linguistic collation PostgreSQL sorts '/HQ/QD-X/' and '/HQ/QD/…' by letters only, which
 * would put a unit's children under the wrong neighbour.
 */
export function treeOptions(units: OrgUnit[], opts: { openOnly?: boolean } = {}): { id: string; label: string; depth: number; unit: OrgUnit }[] {
  const list = units.filter((u) => !opts.openOnly || !u.closedAt);
  const ids = new Set(list.map((u) => u.id));
  const children = new Map<string | null, OrgUnit[]>();
  for (const u of list) {
    // A unit whose parent is not in the list (outside the caller's scope) starts a tree of its own.
    const key = u.parentId && ids.has(u.parentId) ? u.parentId : null;
    children.set(key, [...(children.get(key) ?? []), u]);
  }
  const out: { id: string; label: string; depth: number; unit: OrgUnit }[] = [];
  const walk = (parent: string | null) => {
    for (const u of (children.get(parent) ?? []).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))) {
      const depth = u.path.split('/').filter(Boolean).length - 1;
      out.push({ id: u.id, label: `${'\u3000'.repeat(depth)}${u.name}（${u.code}）`, depth, unit: u });
      walk(u.id);
    }
  };
  walk(null);
  return out;
}
