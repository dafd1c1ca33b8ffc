// Demo organisation for the embedded default: 总行 → 2 分行 → 支行/部门, ~20 members, one account
// per role. Runs only on an empty roster, so a second start reuses the data.
import type { Sql } from './sql.ts';
import { hashPassword } from './local-auth.ts';
import { BlueprintSchema, type BlueprintInput } from '../core/assembly.ts';
import { ReviewPolicySchema, type ReviewPolicy } from '../core/attempt.ts';

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
  // A fourth department with staff, so a live contest between four departments can be tried.
  { code: 'JN-OPS', name: '济南分行营业部', kind: 'department', parent: 'JN' },
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
  { no: 'E1016', name: '宋佳', unit: 'JN-OPS', roles: ['employee'] },
  { no: 'E1017', name: '韩磊', unit: 'JN-OPS', roles: ['employee'] },
  { no: 'E1018', name: '唐敏', unit: 'HQ-CP', roles: ['employee'] },
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
  if (Number(count?.n) > 0) {
    await seedDemoExams(sql);
    return { seeded: false, accounts };
  }

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
  await seedDemoExams(sql);
  return { seeded: true, accounts };
}

// ---------------------------------------------------------------------------------------------
// Demo exams: seeded after the content sync, only while there are no exams at all (a trainer's
// own exams are never touched). Blueprints draw on the official bank (topics = lesson ids).

const flags = (score: boolean, correctness: boolean, rightAnswers: boolean, explanations: boolean) => ({ score, correctness, rightAnswers, explanations });

interface DemoExam {
  title: string;
  description: string;
  kind: 'exam' | 'mock_contest';
  timeLimitSec: number;
  attemptsAllowed: number;
  multipleRule: 'all_or_nothing' | 'half_for_subset' | 'per_option';
  focusLossLimit: number;
  reviewPolicy: ReviewPolicy;
  blueprint: BlueprintInput;
}

export const demoExams: DemoExam[] = [
  {
    title: '消保知识月度测试（演示）',
    description: '每月一次的消费者权益保护知识测试：20题，30分钟，可作答2次，取最高分，60分及格。交卷后立即显示得分和对错，考试窗口关闭后公布正确答案和解析。',
    kind: 'exam',
    timeLimitSec: 30 * 60,
    attemptsAllowed: 2,
    multipleRule: 'half_for_subset',
    focusLossLimit: 0,
    reviewPolicy: ReviewPolicySchema.parse({
      during: flags(false, false, false, false),
      immediately: flags(true, true, false, false),
      afterClose: flags(true, true, true, true),
    }),
    blueprint: {
      sections: [
        { type: 'single', topic: 'complaint-handling', count: 4, points: 5 },
        { type: 'single', topic: 'eight-rights', count: 4, points: 5 },
        { type: 'single', topic: 'personal-info', count: 3, points: 5 },
        { type: 'multiple', topic: 'anti-telecom-fraud', count: 2, points: 5 },
        { type: 'multiple', topic: 'fees-pricing', count: 2, points: 5 },
        { type: 'truefalse', count: 5, points: 5 },
      ],
      shuffleQuestions: true,
      shuffleOptions: true,
      multipleRule: 'half_for_subset',
    },
  },
  {
    title: '消保知识竞赛模拟赛（演示）',
    description: '知识竞赛模拟赛：50题，60分钟，可作答3次，取最高分。交卷后立即显示得分、对错、正确答案和解析。',
    kind: 'mock_contest',
    timeLimitSec: 60 * 60,
    attemptsAllowed: 3,
    multipleRule: 'all_or_nothing',
    focusLossLimit: 3,
    reviewPolicy: ReviewPolicySchema.parse({
      during: flags(false, false, false, false),
      immediately: flags(true, true, true, true),
      afterClose: flags(true, true, true, true),
    }),
    blueprint: {
      sections: [
        { type: 'single', count: 25, points: 2 },
        { type: 'multiple', count: 10, points: 2 },
        { type: 'truefalse', count: 10, points: 2 },
        { type: 'fill', count: 5, points: 2 },
      ],
      shuffleQuestions: true,
      shuffleOptions: true,
      multipleRule: 'all_or_nothing',
    },
  },
];

/** Seeds the demo exams when the exam table is empty and the bank has been synced. */
export async function seedDemoExams(sql: Sql): Promise<number> {
  const [state] = await sql`select (select count(*)::int from app.exams) as exams, (select count(*)::int from app.questions) as questions`;
  if (Number(state?.exams) > 0 || Number(state?.questions) === 0) return 0;
  const [hq] = await sql`select id from app.org_units where code = 'HQ'`;
  if (!hq) return 0;
  const [trainer] = await sql`select id from app.members where employee_no = 'T2001'`;
  await sql.begin(async (tx) => {
    for (const e of demoExams) {
      const blueprint = BlueprintSchema.parse(e.blueprint);
      const [row] = await tx`
        insert into app.exams (title, description, kind, status, owner_org_id, created_by, window_open, window_close, time_limit_sec,
          attempts_allowed, grading_method, pass_percent, multiple_rule, shuffle_questions, shuffle_options, focus_loss_limit,
          review_policy, blueprint)
        values (${e.title}, ${e.description}, ${e.kind}, 'published', ${hq.id as string}, ${(trainer?.id as string | undefined) ?? null},
          now() - interval '1 day', now() + interval '59 days', ${e.timeLimitSec}, ${e.attemptsAllowed}, 'highest', 60,
          ${e.multipleRule}, true, true, ${e.focusLossLimit}, ${tx.json(e.reviewPolicy)}, ${tx.json(blueprint as never)})
        returning id`;
      // Assigned to 总行: every unit is in its subtree, so everyone is offered the exam.
      await tx`insert into app.exam_assignments (exam_id, org_unit_id) values (${row!.id as string}, ${hq.id as string})`;
    }
  });
  return demoExams.length;
}
