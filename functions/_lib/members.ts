import type { Tx } from './db.ts';

export interface Me {
  memberId: string;
  employeeNo: string;
  name: string;
  roles: string[];
  orgUnit: { id: string; code: string; name: string; kind: string };
  /** From the root to the member's own unit: 总行 › 青岛分行 › 市南支行. */
  orgPath: { id: string; code: string; name: string }[];
  scope: { id: string; code: string; name: string } | null;
}

/** The caller's own member record. Runs under RLS: it can only ever see the caller's row. */
export async function loadMe(tx: Tx): Promise<Me | null> {
  const [m] = await tx`
    select m.id, m.employee_no, m.name, to_jsonb(m.roles) as roles, o.id as org_id, o.code as org_code, o.name as org_name,
           o.kind as org_kind, o.path, s.id as scope_id, s.code as scope_code, s.name as scope_name
    from app.members m
    join app.org_units o on o.id = m.org_unit_id
    left join app.org_units s on s.id = m.scope_org_id
    where m.user_id = (select auth.uid()) and m.active`;
  if (!m) return null;
  const ancestors = await tx`
    select id, code, name from app.org_units
    where ${m.path as string} like path || '%'
    order by length(path)`;
  const roles = m.roles as string[];
  const manages = roles.some((r) => r !== 'employee');
  return {
    memberId: m.id as string,
    employeeNo: m.employee_no as string,
    name: m.name as string,
    roles,
    orgUnit: { id: m.org_id as string, code: m.org_code as string, name: m.org_name as string, kind: m.org_kind as string },
    orgPath: ancestors.map((a) => ({ id: a.id as string, code: a.code as string, name: a.name as string })),
    scope: manages
      ? m.scope_id
        ? { id: m.scope_id as string, code: m.scope_code as string, name: m.scope_name as string }
        : { id: m.org_id as string, code: m.org_code as string, name: m.org_name as string }
      : null,
  };
}
