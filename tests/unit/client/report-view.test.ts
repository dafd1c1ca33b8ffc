// /manage/reports/ keeps its drill-down in the address: the people list and the person view survive
// a reload and back/forward, and the breadcrumb goes all the way down with a link on every step.
import { describe, expect, it } from 'vitest';
import { readReportView, reportTrail, reportViewQuery, sameReportView, type ReportView } from '../../../src/client/report-view.ts';

const MEMBER = '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const ASSIGNMENT = '0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d';
const base: ReportView = { period: '2026Q4', basis: 'period_end', org: 'QD', assignmentId: '', people: null, person: null };
const trail = [{ code: 'HQ', name: '总行' }, { code: 'QD', name: '青岛分行' }];
const words: Parameters<typeof reportTrail>[2] = { people: '人员明细', direct: '（直属本机构人员）', peopleUnitName: '市南支行', personName: '张晓梅' };

describe('report view in the address', () => {
  it('reads back what it writes, people list and person included', () => {
    const views: ReportView[] = [
      base,
      { ...base, org: '', basis: 'current', assignmentId: ASSIGNMENT },
      { ...base, people: { org: 'QD-SN', direct: false } },
      { ...base, people: { org: 'QD', direct: true } },
      { ...base, people: { org: 'QD-SN', direct: false }, person: { assignmentId: ASSIGNMENT, memberId: MEMBER } },
    ];
    for (const v of views) expect(readReportView(reportViewQuery(v), '2030Q1')).toEqual(v);
    expect(reportViewQuery({ ...base, people: { org: 'QD-SN', direct: false }, person: { assignmentId: ASSIGNMENT, memberId: MEMBER } }))
      .toBe(`?period=2026Q4&basis=period_end&org=QD&people=QD-SN&person=${MEMBER}&personAssignment=${ASSIGNMENT}`);
  });

  it('fills in the period and basis, and drops what cannot be right', () => {
    expect(readReportView('', '2026Q4')).toEqual({ ...base, org: '' });
    // An unknown basis is the default, not a request the server refuses.
    expect(readReportView('?basis=weird&org=QD', '2026Q4').basis).toBe('period_end');
    // A person link cut short (by a chat client, say) opens the people list it came from.
    const cut = readReportView(`?org=QD&people=QD-SN&person=${MEMBER.slice(0, 20)}&personAssignment=${ASSIGNMENT}`, '2026Q4');
    expect(cut.person).toBeNull();
    expect(cut.people).toEqual({ org: 'QD-SN', direct: false });
    expect(readReportView(`?person=${MEMBER}`, '2026Q4').person).toBeNull();
    expect(readReportView('?people=%20QD-SN%20&direct=yes', '2026Q4').people).toEqual({ org: 'QD-SN', direct: false });
  });

  it('tells equal views apart from different ones', () => {
    expect(sameReportView(base, { ...base })).toBe(true);
    expect(sameReportView(base, { ...base, people: { org: 'QD-SN', direct: false } })).toBe(false);
    expect(sameReportView({ ...base, people: { org: 'QD', direct: true } }, { ...base, people: { org: 'QD', direct: false } })).toBe(false);
  });
});

describe('report breadcrumb', () => {
  const labels = (v: ReportView, w = words) => reportTrail(v, trail, w).map((s) => s.label);

  it('goes all the way down to the person, every step but the last a link', () => {
    const v: ReportView = { ...base, people: { org: 'QD-SN', direct: false }, person: { assignmentId: ASSIGNMENT, memberId: MEMBER } };
    const steps = reportTrail(v, trail, words);
    expect(steps.map((s) => s.label)).toEqual(['总行', '青岛分行', '市南支行', '人员明细', '张晓梅']);
    expect(steps.at(-1)!.to).toBeNull();
    // 总行 and 青岛分行: those units' reports, nothing open below.
    expect(steps[0]!.to).toEqual({ ...base, org: 'HQ' });
    expect(steps[1]!.to).toEqual(base);
    // 市南支行: its own report; 人员明细: back to the list, the person closed.
    expect(steps[2]!.to).toEqual({ ...base, org: 'QD-SN' });
    expect(steps[3]!.to).toEqual({ ...v, person: null });
  });

  it('ends at the people list or the unit when nothing below is open', () => {
    const list = reportTrail({ ...base, people: { org: 'QD-SN', direct: false } }, trail, words);
    expect(list.map((s) => s.label)).toEqual(['总行', '青岛分行', '市南支行', '人员明细']);
    expect(list.at(-1)!.to).toBeNull();
    expect(list[2]!.to).not.toBeNull();
    const unit = reportTrail(base, trail, words);
    expect(unit.map((s) => s.label)).toEqual(['总行', '青岛分行']);
    expect(unit[1]!.to).toBeNull();
  });

  it('names the people placed directly in the report unit without repeating the unit', () => {
    expect(labels({ ...base, people: { org: 'QD', direct: true } })).toEqual(['总行', '青岛分行', '人员明细（直属本机构人员）']);
  });

  it('shows a placeholder until the person and an unknown unit by its code', () => {
    const v: ReportView = { ...base, people: { org: 'QD-XX', direct: false }, person: { assignmentId: ASSIGNMENT, memberId: MEMBER } };
    expect(labels(v, { ...words, peopleUnitName: null, personName: null })).toEqual(['总行', '青岛分行', 'QD-XX', '人员明细', '…']);
  });
});
