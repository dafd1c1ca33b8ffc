// GET /api/contests/:id/ranking   managers (trainers/HR/admins of the owning unit's subtree): the full
//                                 ranking — every person with employee number, time used, submission
//                                 and award (一等奖/二等奖/三等奖 by the contest's award rule) — and
//                                 every team; the printable results page reads it
// GET /api/contests/:id/export    the same as .xlsx (个人排名, 团队排名, cover): formatted header,
//                                 frozen panes, every cell a value (src/interop/spreadsheet.ts)
import type { Config } from '@netlify/functions';
import { forbidden, handle, json } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import { loadMe } from './_lib/members.ts';
import { computeRanking, contestOr404, fullRanking } from './_lib/contests.ts';
import { writeWorkbook } from '../src/interop/spreadsheet.ts';

const AWARD_ZH = { first: '一等奖', second: '二等奖', third: '三等奖' } as const;
const METHOD_ZH = { average: '平均分', total: '总分', best_n: '前N名平均分' } as const;

const pct = (x: number) => Math.round(x * 1000) / 10;
const cst = (isoText: string) => new Date(Date.parse(isoText) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
const duration = (sec: number) => `${Math.floor(sec / 60)}分${String(sec % 60).padStart(2, '0')}秒`;

export default handle({
  async GET(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'id', 'contest');
    const full = await asUser(claims, async (tx) => {
      const c = await contestOr404(tx, id);
      if (!c.manages) throw forbidden(`The full results are for trainers and HR of ${c.ownerName}; the board shows the top of the ranking.`);
      const who = await loadMe(tx);
      return { ...fullRanking(await computeRanking(tx, c)), me: who ? `${who.name}（${who.employeeNo}）` : '' };
    });
    const me = full.me;
    if (!new URL(req.url).pathname.replace(/\/+$/, '').endsWith('/export')) {
      const { me: _me, ...body } = full;
      return json(body);
    }

    const method = full.teamMethod === 'best_n' ? `前${full.bestN}名平均分` : METHOD_ZH[full.teamMethod];
    const bytes = await writeWorkbook({
      cover: {
        title: `${full.title} 成绩排名`,
        scope: full.ownerName,
        generatedAt: cst(new Date().toISOString()),
        generatedBy: me,
        notes: [
          `状态：${full.status === 'closed' ? '已结束' : full.status === 'published' ? '进行中' : '草稿'}`,
          `轮次：${full.rounds.map((r) => r.title).join('、')}；满分 ${full.maxScore}`,
          `参赛人数 / 应参赛人数：${full.participants} / ${full.eligible}`,
          `团队计分：${method}${full.participationWeight > 0 ? `，参与率权重 ${full.participationWeight}（团队得分 = 计分 ×（1 − 权重 + 权重 × 参与率））` : '；参与率（参赛人数 ÷ 应参赛人数）单列，不计入得分'}`,
          '个人排名：成绩从高到低；成绩相同用时少者在前；用时也相同先交卷者在前；三者均相同名次并列。',
          ...full.warnings.map((w) => (w.code === 'team_sizes_differ'
            ? `提示：各队应参赛人数不同（${w.min}–${w.max} 人），请结合参与率比较。`
            : `提示：以下队伍应参赛人数不足 ${w.bestN} 人，空缺按 0 分计：${w.teams.join('、')}。`)),
        ],
      },
      sheets: [
        {
          name: '个人排名',
          columns: [
            { header: '名次', width: 6 }, { header: '工号', width: 12 }, { header: '姓名', width: 10 }, { header: '机构', width: 20 },
            { header: '队伍', width: 16 }, { header: '成绩', width: 8, numFmt: '0.00' }, { header: '用时', width: 10 },
            { header: '用时（秒）', width: 10 }, { header: '交卷时间', width: 20 }, { header: '参加轮次', width: 9 }, { header: '奖项', width: 8 },
          ],
          rows: full.individuals.map((p) => [
            p.rank, p.employeeNo, p.name, p.orgName, p.team ?? '', p.score, duration(p.timeUsedSec), p.timeUsedSec, cst(p.submittedAt), p.roundsTaken,
            p.award ? AWARD_ZH[p.award] : '',
          ]),
        },
        {
          name: '团队排名',
          columns: [
            { header: '名次', width: 6 }, { header: '队伍', width: 20 }, { header: '团队得分', width: 10, numFmt: '0.00' },
            { header: `${method}`, width: 12, numFmt: '0.00' }, { header: '参赛人数', width: 9 }, { header: '应参赛人数', width: 10 },
            { header: '参与率（%）', width: 11, numFmt: '0.0' },
          ],
          rows: full.teams.map((t) => [t.rank, t.name, t.score, t.baseScore, t.participants, t.eligible, pct(t.participationRate)]),
        },
      ],
    });
    const name = `${full.title.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').slice(0, 80)}-成绩排名.xlsx`;
    return new Response(bytes as BodyInit, {
      status: 200,
      headers: {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': `attachment; filename="contest-ranking.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  },
});

export const config: Config = { path: ['/api/contests/:id/ranking', '/api/contests/:id/export'] };
