// Org units as choices for a contest team (the contest editor's picker): pure, so it is unit-tested
// without a browser.
/** Org units the caller may see (their scope and its ancestors), with active people directly in each. */
export interface OrgUnitRow { id: string; code: string; name: string; kind: string; parentId: string | null; path: string; closedAt: string | null; people: number }
const TEAM_KINDS = ['department', 'sub_branch', 'branch'];

/**
 * The units a team can be: open departments, sub-branches and branches the caller can see, each with
 * its place in the tree (青岛分行 › 市南支行; the root left out, everyone is under it) and the active
 * people in its whole subtree (everyone below counts for the team).
 */
export function teamUnitOptions(units: readonly OrgUnitRow[]): { code: string; label: string; people: number }[] {
  const byCode = new Map(units.map((u) => [u.code, u]));
  return units
    .filter((u) => !u.closedAt && TEAM_KINDS.includes(u.kind))
    .map((u) => {
      const codes = u.path.split('/').filter(Boolean);
      const names = codes.map((c) => byCode.get(c)?.name ?? c);
      return {
        code: u.code,
        label: (names.length > 1 ? names.slice(1) : names).join(' › '),
        people: units.filter((x) => x.path.startsWith(u.path)).reduce((n, x) => n + x.people, 0),
      };
    })
    .sort((a, b) => a.label.localeCompare(b.label, 'zh'));
}
