// Calls of the contest pages (issue 10, asynchronous part). Thin wrappers over api() so islands
// share one set of types; the board polls with its own fetch (ETag / 304, see ContestBoard.tsx).
import { api, ApiError } from './api.ts';
import { currentSession } from './supabase.ts';
import type { OrgUnitRow } from './org-options.ts';

const enc = encodeURIComponent;

export type ContestStatus = 'draft' | 'published' | 'closed';
export interface AwardRule { mode: 'count' | 'share'; first: number; second: number; third: number }

export interface ContestListRow {
  id: string; code: string; title: string; status: ContestStatus; ownerName: string;
  publishedAt: string | null; closedAt: string | null; opens: string | null; closes: string | null;
  rounds: number; teams: number; manages: boolean; edits: boolean; takesPart: boolean;
}

export interface ContestRound {
  id: string; position: number; title: string; kind: 'exam' | 'live'; examId: string | null; liveContestId: string | null;
  examTitle: string | null; examStatus: string | null; windowOpen: string | null; windowClose: string | null;
  timeLimitSec: number | null; attemptsAllowed: number | null; gradingMethod: string | null;
  mine?: { attempts: number; inProgress: boolean; score: number | null; maxScore: number | null };
}
export interface PersonRef { id: string; employeeNo: string | null; name: string | null }
export interface ContestTeam { id: string; name: string; kind: 'org_unit' | 'hand_made'; orgUnit: { id: string; code: string; name: string } | null; members: PersonRef[] }

export interface ContestDetail {
  id: string; code: string; title: string; description: string; ownerOrgId: string; ownerName: string; status: ContestStatus;
  teamMethod: 'average' | 'total' | 'best_n'; bestN: number | null; participationWeight: number; awards: AwardRule; boardTop: number;
  publishedAt: string | null; closedAt: string | null; edits: boolean; manages: boolean;
  rounds: ContestRound[]; teams: ContestTeam[]; individuals: PersonRef[];
  takesPart?: boolean; myTeam?: { id: string; name: string } | null;
  /** A participant's own place (null until a round counts) and their team's, once published. */
  standing?: { rank: number | null; score: number | null; ranked: number; maxScore: number; team: { name: string; rank: number; score: number; teams: number } | null } | null;
}

export interface BoardPerson { rank: number; name: string; orgName: string; team: string | null; score: number; timeUsedSec: number }
export interface BoardTeam { id: string; name: string; eligible: number; participants: number; participationRate: number; baseScore: number; score: number; rank: number }
export interface BoardState {
  version: string; serverNow: string; id: string; code: string; title: string; status: ContestStatus; closedAt: string | null; ownerName: string;
  teamMethod: string; bestN: number | null; participationWeight: number; rounds: { title: string; kind: string }[];
  maxScore: number; eligible: number; participants: number; participationRate: number;
  individuals: BoardPerson[]; teams: BoardTeam[];
  warnings: { code: string; min?: number; max?: number; message: string }[];
  podium: { individuals: BoardPerson[]; teams: BoardTeam[] } | null;
}

export interface FullRanking extends Omit<BoardState, 'individuals' | 'version' | 'serverNow'> {
  awards: AwardRule;
  individuals: (BoardPerson & { memberId: string; employeeNo: string; submittedAt: string; roundsTaken: number; award: 'first' | 'second' | 'third' | null })[];
}

export const listContests = () => api<{ contests: ContestListRow[] }>('/api/contests').then((r) => r.contests);
export const contestByCode = (code: string) => api<{ id: string; title: string }>(`/api/contests?code=${enc(code)}`);
export const getContest = (id: string) => api<ContestDetail>(`/api/contests/${enc(id)}`);
export const createContest = (body: unknown) => api<ContestDetail>('/api/contests', { method: 'POST', body });
export const saveContest = (id: string, body: unknown) => api<ContestDetail>(`/api/contests/${enc(id)}`, { method: 'PUT', body });
export const deleteContest = (id: string) => api(`/api/contests/${enc(id)}`, { method: 'DELETE' });
export const setContestStatus = (id: string, status: 'published' | 'closed') =>
  api<ContestDetail>(`/api/contests/${enc(id)}/status`, { method: 'POST', body: { status } });
export const getRanking = (id: string) => api<FullRanking>(`/api/contests/${enc(id)}/ranking`);
/** Downloads the xlsx (api() reads text; a workbook is bytes). */
export async function downloadExport(id: string, title: string): Promise<void> {
  const session = await currentSession();
  const res = await fetch(`/api/contests/${enc(id)}/export`, { headers: session ? { authorization: `Bearer ${session.access_token}` } : {} });
  if (!res.ok) {
    const doc = await res.json().catch(() => ({})) as { detail?: string };
    throw new ApiError(res.status, res.statusText, doc.detail ?? '');
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `${title.replace(/[\\/:*?"<>|]/g, '_')}-成绩排名.xlsx`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface MockExam { id: string; title: string; kind: string; status: string; administers: boolean }
export const mockExams = () => api<{ exams: MockExam[] }>('/api/manage/results/exams')
  .then((r) => r.exams.filter((e) => e.kind === 'mock_contest' && e.administers && e.status !== 'archived'));

export type { OrgUnitRow } from './org-options.ts';
export { teamUnitOptions } from './org-options.ts';
export const orgUnits = () => api<{ units: OrgUnitRow[] }>('/api/org-units').then((r) => r.units);

/** Live contests the caller hosts (trainers of their unit): what a contest editor may add as a live round. */
export interface HostedLive { id: string; title: string; started: boolean; ownerName: string | null }
export const hostedLiveContests = () => api<{ contests: (HostedLive & { hosts: boolean })[] }>('/api/live')
  .then((r) => r.contests.filter((c) => c.hosts).map(({ id, title, started, ownerName }) => ({ id, title, started, ownerName })));

export interface SeasonRow { id: string; title: string; unitKind: string; ownerName: string; items: number }
export interface SeasonDetail {
  id: string; title: string; ownerName: string; unitKind: 'branch' | 'sub_branch' | 'department'; edits: boolean;
  items: { id: string; kind: 'exam' | 'contest'; examId: string | null; contestId: string | null; title: string; weight: number }[];
  ranking: {
    people: { memberId: string; employeeNo: string; name: string; unitName: string; score: number; itemsTaken: number; perItem: Record<string, number | null>; rank: number }[];
    units: { unitId: string; unitName: string; people: number; score: number; rank: number }[];
  };
}
export const listSeasons = () => api<{ seasons: SeasonRow[] }>('/api/seasons').then((r) => r.seasons);
export const getSeason = (id: string) => api<SeasonDetail>(`/api/seasons/${enc(id)}`);
export const createSeason = (body: unknown) => api<SeasonDetail>('/api/seasons', { method: 'POST', body });
export const saveSeason = (id: string, body: unknown) => api<SeasonDetail>(`/api/seasons/${enc(id)}`, { method: 'PUT', body });
