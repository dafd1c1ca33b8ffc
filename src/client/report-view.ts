// What /manage/reports/ shows, as query parameters, so a refresh, back/forward and a shared link
// land on the same drill-down: the report (period, basis, unit, one assignment), the people list of
// one unit (?people=QD-SN, &direct=1 for those placed directly in it) and one person's attempts
// (?person=<member id>&personAssignment=<assignment id>). Pure: no DOM, unit-tested.

export type ReportBasis = 'period_end' | 'current' | 'assigned';
export const REPORT_BASES: readonly ReportBasis[] = ['period_end', 'current', 'assigned'];

export interface ReportView {
  period: string;
  basis: ReportBasis;
  /** Org unit code of the report; '' = the reader's scope root. */
  org: string;
  /** One assignment, or '' for all of the period. */
  assignmentId: string;
  /** The people list open below the unit table. */
  people: { org: string; direct: boolean } | null;
  /** One person's attempts for one assignment. */
  person: { assignmentId: string; memberId: string } | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const text = (q: URLSearchParams, name: string) => (q.get(name) ?? '').trim();

/**
 * Reads the view from location.search. An unknown basis reads as the default rather than reaching
 * the server; a person whose ids are not ids is dropped (the page then shows the people list it
 * came from), so a link mangled by a chat client still opens something useful.
 */
export function readReportView(search: string, defaultPeriod: string): ReportView {
  const q = new URLSearchParams(search);
  const basis = text(q, 'basis') as ReportBasis;
  const peopleOrg = text(q, 'people');
  const memberId = text(q, 'person');
  const personAssignment = text(q, 'personAssignment');
  return {
    period: text(q, 'period') || defaultPeriod,
    basis: REPORT_BASES.includes(basis) ? basis : 'period_end',
    org: text(q, 'org'),
    assignmentId: text(q, 'assignmentId'),
    people: peopleOrg ? { org: peopleOrg, direct: q.get('direct') === '1' } : null,
    person: UUID.test(memberId) && UUID.test(personAssignment) ? { assignmentId: personAssignment, memberId } : null,
  };
}

/** The query string (with its '?') for a view; parameters in a fixed order so equal views give equal URLs. */
export function reportViewQuery(v: ReportView): string {
  const q = new URLSearchParams({ period: v.period, basis: v.basis });
  if (v.org) q.set('org', v.org);
  if (v.assignmentId) q.set('assignmentId', v.assignmentId);
  if (v.people) {
    q.set('people', v.people.org);
    if (v.people.direct) q.set('direct', '1');
  }
  if (v.person) {
    q.set('person', v.person.memberId);
    q.set('personAssignment', v.person.assignmentId);
  }
  return `?${q}`;
}

/** Same view: history gets no entry for a click that changes nothing. */
export const sameReportView = (a: ReportView, b: ReportView) => reportViewQuery(a) === reportViewQuery(b);

export interface TrailStep {
  label: string;
  /** Where the step leads; null for the last step (the page itself). */
  to: ReportView | null;
}

/**
 * The breadcrumb of a view: the report unit's trail (scope root → unit), then the unit whose people
 * are listed (when it is not the report unit itself), 人员明细, and the person —
 * 总行 › 青岛分行 › 市南支行 › 人员明细 › 张三. Every step but the last leads somewhere: a unit to
 * its report, 人员明细 back to the list.
 */
export function reportTrail(
  v: ReportView,
  trail: { code: string; name: string }[],
  words: { people: string; direct: string; peopleUnitName: string | null; personName: string | null },
): TrailStep[] {
  const steps: TrailStep[] = trail.map((u) => ({ label: u.name, to: { ...v, org: u.code, people: null, person: null } }));
  const reportUnit = trail.at(-1)?.code ?? v.org;
  if (v.people) {
    if (v.people.org !== reportUnit) {
      steps.push({ label: words.peopleUnitName ?? v.people.org, to: { ...v, org: v.people.org, people: null, person: null } });
    }
    steps.push({ label: v.people.direct ? `${words.people}${words.direct}` : words.people, to: { ...v, person: null } });
  }
  if (v.person) steps.push({ label: words.personName ?? '…', to: null });
  if (steps.length > 0) steps[steps.length - 1]!.to = null;
  return steps;
}
