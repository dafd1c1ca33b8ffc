// Demo organisation for the embedded default: 总行 → 2 分行 → 支行/部门, ~20 members, one account
// per role. Runs only on an empty roster, so a second start reuses the data.
import type { Sql } from './sql.ts';
import { hashPassword } from './local-auth.ts';

export const DEMO_PASSWORD = 'Xiaobao2026!';

interface Unit { code: string; name: string; kind: string; parent: string | null }
interface Person { no: string; name: string; unit: string; roles: string[]; scope?: string; email?: string }

export const demoUnits: Unit[] = [
  { code: 'HQ', name: '总行', kind: 'head_office', parent: null },
  { code: 'HQ-CP', name: '总行消费者权益保护部', kind: 'department', parent: 'HQ' },
  { code: 'HQ-HR', name: '总行人力资源部', kind: 'department', parent: 'HQ' },
  { code: 'QD', name: '青岛分行', kind: 'branch', parent: 'HQ' },
  { code: 'QD-OPS', name: '青岛分行营业部', kind: 'department', parent: 'QD' },
  { code: 'QD-SN', name: '市南支行', kind: 'sub_branch', parent: 'QD' },
  { code: 'QD-LS', name: '崂山支行', kind: 'sub_branch', parent: 'QD' },
  { code: 'JN', name: '济南分行', kind: 'branch', parent: 'HQ' },
  { code: 'JN-LX', name: '历下支行', kind: 'sub_branch', parent: 'JN' },
  { code: 'JN-HY', name: '槐荫支行', kind: 'sub_branch', parent: 'JN' },
];

export const demoPeople: Person[] = [
  { no: 'E1001', name: '张晓梅', unit: 'QD-SN', roles: ['employee'], email: 'employee@demo.xiaobao.local' },
  { no: 'T2001', name: '李建国', unit: 'HQ-CP', roles: ['employee', 'trainer'], scope: 'HQ', email: 'trainer@demo.xiaobao.local' },
  { no: 'H3001', name: '王芳', unit: 'HQ-HR', roles: ['employee', 'hr'], scope: 'HQ', email: 'hr@demo.xiaobao.local' },
  { no: 'A4001', name: '赵磊', unit: 'HQ', roles: ['employee', 'admin'], scope: 'HQ', email: 'admin@demo.xiaobao.local' },
  { no: 'T2002', name: '孙丽', unit: 'QD-OPS', roles: ['employee', 'trainer'], scope: 'QD' },
  { no: 'H3002', name: '周强', unit: 'JN', roles: ['employee', 'hr'], scope: 'JN' },
  { no: 'E1002', name: '刘洋', unit: 'QD-SN', roles: ['employee'] },
  { no: 'E1003', name: '陈静', unit: 'QD-SN', roles: ['employee'] },
  { no: 'E1004', name: '杨帆', unit: 'QD-LS', roles: ['employee'] },
  { no: 'E1005', name: '黄敏', unit: 'QD-LS', roles: ['employee'] },
  { no: 'E1006', name: '吴昊', unit: 'QD-OPS', roles: ['employee'] },
  { no: 'E1007', name: '徐婷', unit: 'QD-OPS', roles: ['employee'] },
  { no: 'E1008', name: '马超', unit: 'JN-LX', roles: ['employee'] },
  { no: 'E1009', name: '朱琳', unit: 'JN-LX', roles: ['employee'] },
  { no: 'E1010', name: '胡斌', unit: 'JN-HY', roles: ['employee'] },
  { no: 'E1011', name: '郭晶', unit: 'JN-HY', roles: ['employee'] },
  { no: 'E1012', name: '何磊', unit: 'JN', roles: ['employee'] },
  { no: 'E1013', name: '高雪', unit: 'HQ-CP', roles: ['employee'] },
  { no: 'E1014', name: '林峰', unit: 'HQ-HR', roles: ['employee'] },
  { no: 'E1015', name: '罗倩', unit: 'QD-SN', roles: ['employee'] },
];

export interface DemoAccount { role: string; name: string; employeeNo: string; org: string; email: string; password: string }

export const emailFor = (p: Person) => p.email ?? `${p.no.toLowerCase()}@demo.xiaobao.local`;

/** Seeds the demo org on an empty roster. Returns the accounts to print. */
export async function seedDemo(sql: Sql): Promise<{ seeded: boolean; accounts: DemoAccount[] }> {
  const accounts: DemoAccount[] = demoPeople
    .filter((p) => p.email)
    .map((p) => ({
      role: p.roles.find((r) => r !== 'employee') ?? 'employee',
      name: p.name,
      employeeNo: p.no,
      org: demoUnits.find((u) => u.code === p.unit)!.name,
      email: p.email!,
      password: DEMO_PASSWORD,
    }));
  const [count] = await sql`select count(*)::int as n from app.members`;
  if (Number(count?.n) > 0) return { seeded: false, accounts };

  const hash = await hashPassword(DEMO_PASSWORD);
  await sql.begin(async (tx) => {
    const ids = new Map<string, string>();
    for (const u of demoUnits) {
      const [row] = await tx`insert into app.org_units (code, name, kind, parent_id)
        values (${u.code}, ${u.name}, ${u.kind}, ${u.parent ? ids.get(u.parent)! : null}) returning id`;
      ids.set(u.code, row!.id as string);
    }
    for (const p of demoPeople) {
      const [user] = await tx`insert into auth.users (email, encrypted_password, email_confirmed_at, raw_user_meta_data)
        values (${emailFor(p)}, ${hash}, now(), ${tx.json({ name: p.name, employee_no: p.no })}) returning id`;
      await tx`insert into app.members (user_id, employee_no, name, org_unit_id, scope_org_id, roles)
        values (${user!.id as string}, ${p.no}, ${p.name}, ${ids.get(p.unit)!}, ${p.scope ? ids.get(p.scope)! : null},
                ${'{' + p.roles.join(',') + '}'}::text[])`;
    }
  });
  return { seeded: true, accounts };
}
