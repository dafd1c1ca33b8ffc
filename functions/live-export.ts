// GET /api/live/:id/export   host: the final scoreboard as xlsx (team ranking, 个人全员答 points,
// each seated person's recorded result once it has ended, every score change with its reason). Formula-safe (src/interop/spreadsheet.ts writeWorkbook).
import type { Config } from '@netlify/functions';
import { forbidden, handle, notFound } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import { stateAt } from './_lib/live.ts';
import { recordsOfContest } from './_lib/live-results.ts';
import { rankTeams } from '../src/core/live-contest.ts';
import { writeWorkbook } from '../src/interop/spreadsheet.ts';
import { formatCst } from '../src/core/completion.ts';

const WHY: Record<string, string> = { judge: '判定', reveal: '揭晓（全员答）', foul: '犯规', adjust: '人工调整' };

export default handle({
  async GET(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'id', 'live contest');
    const head = await asUser(claims, async (tx) => {
      const [c] = await tx`select version, setup_rev, app_private.hosts_live_contest(id) as hosts from app.live_contests where id = ${id}`;
      if (!c) return null;
      if (!c.hosts) throw forbidden('Only the hosts of this contest can export its results.');
      const [me] = await tx`select name from app.members where id = app_private.current_member_id()`;
      return { c, by: (me?.name as string | undefined) ?? '', records: await recordsOfContest(tx, id) };
    });
    if (!head) throw notFound('There is no live contest with this id, or you are not one of its hosts.');
    const entry = await stateAt(id, Number(head.c.version), Number(head.c.setup_rev));
    const { setup } = entry.loaded;
    const st = entry.state;
    const seated: Record<string, number> = {};
    for (const s of Object.values(st.seats)) seated[s.teamId] = (seated[s.teamId] ?? 0) + 1;
    const teamName = new Map(setup.teams.map((t) => [t.id, t.name]));
    const ranked = rankTeams(setup, st);
    const hasAll = setup.rounds.some((r) => r.kind === 'all');
    const players = Object.values(st.seats)
      .map((s) => ({ name: s.name, team: teamName.get(s.teamId) ?? '', points: st.memberTotals[s.memberId] ?? 0 }))
      .sort((a, b) => b.points - a.points || a.team.localeCompare(b.team, 'zh'));
    const bytes = await writeWorkbook({
      cover: {
        title: `${entry.loaded.title} · 最终成绩`,
        // Wall-clock China Standard Time, as the HR export's cover (a UTC time reads eight hours off).
        generatedAt: formatCst(new Date()),
        generatedBy: head.by,
        notes: [
          st.finished ? '比赛已结束。' : '比赛尚未结束：以下为导出时的成绩。',
          `各队起始分 ${setup.rules.baseScore} 分；所有得分均由比赛事件记录推导，可复核。`,
        ],
      },
      sheets: [
        {
          name: '队伍排名',
          columns: [{ header: '名次', width: 8 }, { header: '队伍', width: 24 }, { header: '得分', width: 10, numFmt: '0.##' }, { header: '入座人数', width: 10 }],
          rows: ranked.map((r) => [r.rank, r.name, r.score, seated[r.id] ?? 0]),
        },
        // Only a contest with a 个人全员答 round has personal points: otherwise the sheet would be all zeros.
        ...(hasAll ? [{
          name: '个人全员答得分',
          columns: [{ header: '姓名', width: 14 }, { header: '队伍', width: 24 }, { header: '得分', width: 10, numFmt: '0.##' }],
          rows: players.map((p) => [p.name, p.team, p.points]),
        }] : []),
        {
          // What entered each seated person's training record when the contest ended (app.live_results).
          name: '个人成绩',
          columns: [
            { header: '工号', width: 10 }, { header: '姓名', width: 12 }, { header: '机构', width: 18 }, { header: '队伍', width: 20 },
            { header: '队伍名次', width: 10 }, { header: '作答题数', width: 10 }, { header: '答对题数', width: 10 },
            ...(hasAll ? [{ header: '全员答得分', width: 12, numFmt: '0.##' }] : []),
            { header: '计入竞赛得分', width: 12, numFmt: '0.##' }, { header: '满分（全部答对时）', width: 14, numFmt: '0.##' },
          ],
          rows: head.records.map((r) => [r.employeeNo, r.name, r.orgName, r.teamName, r.teamRank, r.answered, r.correct, ...(hasAll ? [r.personalPoints] : []), r.roundScore, r.roundMax]),
        },
        {
          name: '计分明细',
          columns: [{ header: '序号', width: 8 }, { header: '队伍', width: 24 }, { header: '分值变化', width: 10, numFmt: '0.##' }, { header: '原因', width: 16 }, { header: '说明', width: 40 }],
          rows: st.scores.map((s) => [s.seq, teamName.get(s.teamId) ?? '', s.delta, WHY[s.why] ?? s.why, s.reason ?? '']),
        },
      ],
    });
    const file = `live-contest-${id.slice(0, 8)}.xlsx`;
    return new Response(bytes as Uint8Array<ArrayBuffer>, {
      status: 200,
      headers: {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': `attachment; filename="${file}"; filename*=UTF-8''${encodeURIComponent(`${entry.loaded.title}-成绩.xlsx`)}`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  },
});

export const config: Config = { path: '/api/live/:id/export' };
