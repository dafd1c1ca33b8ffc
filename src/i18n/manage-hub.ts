// UI strings of the /manage/ hub (the index of trainer, HR and admin tools). Kept beside the shell's
// dictionaries, like learning.ts, so this page does not churn the shared files.
import type { Locale } from './index.ts';

export const manageHubZh = {
  'hub.title': '管理',
  'hub.intro': '培训、考试、竞赛与人员管理工具。您看到的工具取决于您的角色：培训管理员管理题库、考试与竞赛，人力/考核管理培训任务与报表，系统管理员维护组织架构与人员。',
  'hub.group.teaching': '题库与考试',
  'hub.group.contests': '竞赛',
  'hub.group.people': '培训任务、报表与人员',
  'hub.none': '您的账号没有管理权限。如需使用这些工具，请联系系统管理员为您分配角色。',
  'hub.banks.title': '题库',
  'hub.banks.body': '维护本机构题库：录入、修改、停用试题，导入 Excel、GIFT、Moodle XML、Aiken，导出模板。',
  'hub.exams.title': '考试',
  'hub.exams.body': '按组卷规则或指定试题创建练习、考试和模拟竞赛，设置时间、次数、及格线与回看规则并发布。',
  'hub.grading.title': '阅卷',
  'hub.grading.body': '为简答题评分：参考答案与评分要点并列显示，默认匿名，每次评分留痕。',
  'hub.results.title': '成绩总览',
  'hub.results.body': '所辖范围内每场考试的参考情况、成绩与未参加人员，可导出。',
  'hub.review.title': '法规变更复核',
  'hub.review.body': '法规修改、废止后，引用它的试题和课程在此等待复核：保留、修改或停用。',
  'hub.contests.title': '竞赛',
  'hub.contests.body': '组织线上模拟竞赛：个人与团队排名、参与率、大屏展示与获奖名单。',
  'hub.seasons.title': '赛季排名',
  'hub.seasons.body': '把多场考试与竞赛按权重合并为个人与机构的年度或赛季排名。',
  'hub.live.title': '现场竞赛',
  'hub.live.body': '主持现场知识竞赛：必答、抢答、风险题，手机作答与抢答，大屏计分。',
  'hub.assignments.title': '培训任务',
  'hub.assignments.body': '按期间向机构、岗位或个人下达必修考试与课程，设定截止日期与完成规则。',
  'hub.reports.title': '完成情况报表',
  'hub.reports.body': '按期间和机构查看完成率、参与率与成绩，逐级下钻到个人，导出考核表。',
  'hub.audit.title': '审计日志',
  'hub.audit.body': '成绩、状态、豁免与设置的每一次变更：谁、何时、改了什么。',
  'hub.roster.title': '花名册导入',
  'hub.roster.body': '从 Excel 或 CSV 导入员工花名册，先预览逐行结果，确认后再写入。',
  'hub.org.title': '组织架构',
  'hub.org.body': '维护总行、分行、支行、部门与网点：新增、改名、调整隶属、撤销。',
  'hub.people.title': '人员',
  'hub.people.body': '员工信息、岗位、角色与管辖范围，启用与停用账号。',
};

export type ManageHubKey = keyof typeof manageHubZh;

export const manageHubEn: Record<ManageHubKey, string> = {
  'hub.title': 'Manage',
  'hub.intro': 'Tools for training, exams, contests and people. Which tools you see depends on your role: trainers keep question banks, exams and contests; HR assigns training and reads reports; admins keep the org tree and roster.',
  'hub.group.teaching': 'Question banks and exams',
  'hub.group.contests': 'Contests',
  'hub.group.people': 'Assignments, reports and people',
  'hub.none': 'Your account has no management role. Ask an administrator if you need these tools.',
  'hub.banks.title': 'Question banks',
  'hub.banks.body': "Keep your unit's banks: write, edit and retire questions; import Excel, GIFT, Moodle XML and Aiken; download the template.",
  'hub.exams.title': 'Exams',
  'hub.exams.body': 'Build practice sets, exams and mock contests from a blueprint or picked questions; set time, attempts, pass mark and review; publish.',
  'hub.grading.title': 'Grading',
  'hub.grading.body': 'Mark short answers beside the model answer and marking points, anonymously by default; every mark is audited.',
  'hub.results.title': 'Results',
  'hub.results.body': 'Every exam in your scope: who took it, scores, and who has not started. Export.',
  'hub.review.title': 'Rule-change review',
  'hub.review.body': 'When a regulation is amended or repealed, the questions and lessons citing it wait here: keep, edit or retire.',
  'hub.contests.title': 'Contests',
  'hub.contests.body': 'Online mock contests: individual and team rankings, participation, a projector board and the award list.',
  'hub.seasons.title': 'Season rankings',
  'hub.seasons.body': 'Combine several exams and contests with weights into one ranking per person and per unit.',
  'hub.live.title': 'Live contests',
  'hub.live.body': 'Host an on-site contest: compulsory, buzzer and risk rounds, phones as answer pads, a scoreboard on the big screen.',
  'hub.assignments.title': 'Assignments',
  'hub.assignments.body': 'Assign required exams and lessons by period to units, positions or people, with due dates and completion rules.',
  'hub.reports.title': 'Completion reports',
  'hub.reports.body': 'Completion, participation and scores by period and unit, down to each person; the appraisal export.',
  'hub.audit.title': 'Audit log',
  'hub.audit.body': 'Every change to scores, statuses, exemptions and settings: who, when, what.',
  'hub.roster.title': 'Roster import',
  'hub.roster.body': 'Import the staff roster from Excel or CSV: preview every row, then confirm.',
  'hub.org.title': 'Organisation',
  'hub.org.body': 'Keep head office, branches, sub-branches, departments and outlets: add, rename, move, close.',
  'hub.people.title': 'People',
  'hub.people.body': 'Staff details, positions, roles and scope; activate and deactivate accounts.',
};

const dict: Record<Locale, Record<ManageHubKey, string>> = { 'zh-cn': manageHubZh, en: manageHubEn };

export function ht(locale: Locale, key: ManageHubKey): string {
  return dict[locale]?.[key] ?? manageHubZh[key];
}
