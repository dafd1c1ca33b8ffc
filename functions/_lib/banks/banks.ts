// Banks as the trainer's workspace shows them. Everything runs in the caller's transaction: RLS on
// app.banks decides which banks exist for them (open banks, and closed banks of their subtree), and
// app_private.manages_bank decides which they may change.
import type { Tx } from '../db.ts';
import { HttpProblem, forbidden } from '../http.ts';
import { requireRole } from '../manage.ts';
import type { Me } from '../members.ts';

export interface BankView {
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

export const TRAINERS = ['trainer', 'admin'] as const;

/** Trainers and administrators only: HR and employees have nothing editable here. */
export function requireTrainer(tx: Tx): Promise<Me> {
  return requireRole(tx, TRAINERS, 'trainers and administrators');
}

export const bankProblem = (status: number, code: string, detail: string, extra: Record<string, unknown> = {}) =>
  new HttpProblem(status, status === 404 ? 'Not Found' : status === 403 ? 'Forbidden' : status === 409 ? 'Conflict' : 'Bad Request', detail, { code, ...extra });

function bankFromRow(r: Record<string, unknown>): BankView {
  return {
    id: r.id as string,
    name: r.name as string,
    description: (r.description as string) ?? '',
    visibility: r.visibility as 'open' | 'closed',
    readOnly: Boolean(r.read_only),
    orgUnit: r.org_unit_id ? { id: r.org_unit_id as string, code: r.org_code as string, name: r.org_name as string } : null,
    canEdit: Boolean(r.can_edit),
    counts: { active: Number(r.active ?? 0), retired: Number(r.retired ?? 0), needsReview: Number(r.needs_review ?? 0) },
    updatedAt: (r.updated_at as Date).toISOString(),
  };
}

const BANK_SELECT = (tx: Tx) => tx`
  select b.id, b.name, b.description, b.visibility, b.read_only, b.org_unit_id, b.updated_at,
         o.code as org_code, o.name as org_name, app_private.manages_bank(b.id) as can_edit,
         c.active, c.retired, c.needs_review
  from app.banks b
  left join app.org_units o on o.id = b.org_unit_id
  left join lateral (
    select count(*) filter (where q.retired_at is null) as active,
           count(*) filter (where q.retired_at is not null) as retired,
           count(*) filter (where q.retired_at is null and q.review_flagged_at is not null) as needs_review
    from app.questions q where q.bank = b.id) c on true`;

export async function listBanks(tx: Tx): Promise<BankView[]> {
  const rows = await tx`${BANK_SELECT(tx)} order by b.read_only desc, o.path nulls first, b.name, b.id`;
  return rows.map(bankFromRow);
}

/** A bank the caller can see (RLS), or a 404 that says so. */
export async function loadBank(tx: Tx, bankId: string): Promise<BankView> {
  const [row] = await tx`${BANK_SELECT(tx)} where b.id = ${bankId}`;
  if (!row) throw bankProblem(404, 'bank_not_found', `There is no question bank "${bankId}" that you can see.`);
  return bankFromRow(row);
}

/** A bank the caller may change: a closed/open bank of their subtree, never the read-only official bank. */
export async function loadEditableBank(tx: Tx, bankId: string): Promise<BankView> {
  const bank = await loadBank(tx, bankId);
  if (bank.readOnly) throw bankProblem(403, 'bank_read_only', `"${bank.name}" is read-only: copy its questions into one of your banks to change them.`);
  if (!bank.canEdit) throw bankProblem(403, 'not_bank_manager', `"${bank.name}" belongs to ${bank.orgUnit?.name ?? 'another unit'}, outside the units you manage.`);
  return bank;
}

/** Units the caller may create banks for (their managed subtree). */
export async function manageableUnits(tx: Tx): Promise<{ id: string; code: string; name: string; depth: number }[]> {
  const rows = await tx`
    select id, code, name, path from app.org_units
    where app_private.in_scope(id) order by path`;
  return rows.map((r) => ({ id: r.id as string, code: r.code as string, name: r.name as string, depth: (r.path as string).split('/').length - 3 }));
}

export async function createBank(tx: Tx, input: { name: string; description: string; orgUnitId: string; visibility: 'open' | 'closed' }): Promise<BankView> {
  const [unit] = await tx`select app_private.in_scope(${input.orgUnitId}::uuid) as ok, exists (select 1 from app.org_units where id = ${input.orgUnitId}::uuid) as found`;
  if (!unit?.found || !unit.ok) {
    throw bankProblem(403, 'unit_out_of_scope', 'You can create banks only for units you manage.',
      { errors: { orgUnitId: 'Choose one of the units you manage.' }, fieldCodes: { orgUnitId: { code: 'bank_unit_out_of_scope', params: {} } } });
  }
  const [row] = await tx`
    insert into app.banks (id, name, description, org_unit_id, visibility, read_only, created_by)
    values ('bank-' || replace(gen_random_uuid()::text, '-', ''), ${input.name}, ${input.description}, ${input.orgUnitId}::uuid,
            ${input.visibility}, false, app_private.current_member_id())
    returning id`;
  return loadBank(tx, row!.id as string);
}

export async function updateBank(tx: Tx, bankId: string, patch: { name?: string | undefined; description?: string | undefined; visibility?: 'open' | 'closed' | undefined; reason?: string | undefined }): Promise<BankView> {
  const before = await loadEditableBank(tx, bankId);
  if (patch.reason) await tx`select set_config('app.audit_reason', ${patch.reason}, true)`;
  const res = await tx`
    update app.banks set
      name = coalesce(${patch.name ?? null}::text, name),
      description = coalesce(${patch.description ?? null}::text, description),
      visibility = coalesce(${patch.visibility ?? null}::text, visibility),
      updated_at = now()
    where id = ${bankId}`;
  if (res.count !== 1) throw forbidden('You are not allowed to change this bank.', { code: 'not_bank_manager' });
  void before;
  return loadBank(tx, bankId);
}
