// /admin/org/ — the org tree. Everyone with a management role sees their subtree with head counts;
// administrators add sub-units, rename, move (the whole subtree follows) and close/reopen units.
// Closing is refused while people or open sub-units remain; the message says how many.
import { createMemo, createResource, createSignal, For, onMount, Show } from 'solid-js';
import { api, ApiError, signInUrl } from '../client/api.ts';
import { fetchMe, hasStoredSession } from '../client/session-hint.ts';
import { getOrgUnits, treeOptions, type OrgUnit } from '../client/org-api.ts';
import { localePath, translator, type Locale } from '../i18n/index.ts';
import { orgTr, orgZh, type OrgKey } from '../i18n/org.ts';
import { areaSay, localDetail, localFieldErrors } from '../client/problem-text.ts';
import NoAccess from './shared/NoAccess.tsx';
import LoadError from './shared/LoadError.tsx';
import { valueOf } from './shared/resource.ts';

const KINDS = ['branch', 'sub_branch', 'department', 'outlet', 'head_office'] as const;
type Kind = (typeof KINDS)[number];
/** What a new sub-unit usually is, given its parent: 总行 → 分行 → 支行 → 网点; departments hold departments. */
const CHILD_KIND: Record<Kind, Exclude<Kind, 'head_office'>> = {
  head_office: 'branch', branch: 'sub_branch', sub_branch: 'outlet', outlet: 'outlet', department: 'department',
};

export default function OrgAdmin(props: { locale: Locale }) {
  const t = orgTr(props.locale);
  const tr = translator(props.locale);
  // Refusals are shown in the page's language from their codes (src/client/problem-text.ts).
  const say = areaSay(orgZh, t);
  const [forbidden, setForbidden] = createSignal(false);
  onMount(() => { if (!hasStoredSession()) location.assign(signInUrl()); });
  const [me] = createResource(() => (hasStoredSession() ? true : null), () => fetchMe());
  const isAdmin = () => Boolean((valueOf(me) as { roles?: string[] } | undefined)?.roles?.includes('admin'));
  const [units, { refetch }] = createResource(() => (hasStoredSession() ? true : null), async () => {
    try {
      return await getOrgUnits();
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) setForbidden(true);
      throw e;
    }
  });
  const [showClosed, setShowClosed] = createSignal(false);
  const [selectedId, setSelectedId] = createSignal<string | null>(null);
  // Field errors of the form that was submitted last: the rename and add forms both have a name field.
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [errorForm, setErrorForm] = createSignal<'rename' | 'move' | 'add' | null>(null);
  const [newKind, setNewKind] = createSignal<Exclude<Kind, 'head_office'>>('branch');
  const [moveTo, setMoveTo] = createSignal('');
  const [message, setMessage] = createSignal<{ kind: 'info' | 'error'; text: string } | null>(null);

  const all = () => valueOf(units) ?? [];
  const rows = createMemo(() => treeOptions(all()).filter((o) => showClosed() || !o.unit.closedAt));
  const selected = () => all().find((u) => u.id === selectedId()) ?? null;
  // Subtree head counts (active people in the unit and everything under it).
  const subtreeCount = createMemo(() => {
    const m = new Map<string, number>();
    for (const u of all()) for (const a of all()) if (u.path.startsWith(a.path)) m.set(a.id, (m.get(a.id) ?? 0) + u.people);
    return m;
  });
  // Every open unit outside the selected unit's own subtree, the current parent included (preselected).
  const moveTargets = createMemo(() => {
    const s = selected();
    return s ? treeOptions(all(), { openOnly: true }).filter((o) => !o.unit.path.startsWith(s.path)) : [];
  });
  const choose = (id: string) => {
    setSelectedId(id);
    setMessage(null);
    setErrors({});
    const u = all().find((x) => x.id === id);
    if (u) {
      setNewKind(CHILD_KIND[u.kind as Kind] ?? 'department');
      setMoveTo(u.parentId ?? '');
    }
  };

  const run = async (form: 'rename' | 'move' | 'add' | null, fn: () => Promise<OrgUnit>, ok: (u: OrgUnit) => string) => {
    setErrors({});
    setErrorForm(form);
    setMessage(null);
    try {
      const u = await fn();
      setMessage({ kind: 'info', text: ok(u) });
      await refetch();
      return true;
    } catch (e) {
      if (e instanceof ApiError) {
        setErrors(localFieldErrors(e, props.locale, say));
        const p = e.problem as { code?: string; people?: number; units?: number };
        const text = p.code === 'org_close_not_empty'
          ? t('org.closeBlocked', { name: selected()?.name ?? '', people: p.people ?? 0, units: p.units ?? 0 })
          : localDetail(e, props.locale, say);
        setMessage({ kind: 'error', text });
      } else setMessage({ kind: 'error', text: tr('error.generic') });
      return false;
    }
  };

  const formValue = (form: HTMLFormElement, name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;

  const rename = (e: SubmitEvent) => {
    e.preventDefault();
    const f = e.currentTarget as HTMLFormElement;
    void run('rename', () => api<OrgUnit>(`/api/org-units/${selectedId()}`, { method: 'PATCH', body: { name: formValue(f, 'name'), kind: formValue(f, 'kind') } }), () => t('common.saved'));
  };
  const move = (e: SubmitEvent) => {
    e.preventDefault();
    const parentId = moveTo();
    const parent = all().find((u) => u.id === parentId);
    void run('move', () => api<OrgUnit>(`/api/org-units/${selectedId()}`, { method: 'PATCH', body: { parentId } }), () => t('org.moved', { name: parent?.name ?? '' }));
  };
  const addChild = (e: SubmitEvent) => {
    e.preventDefault();
    const f = e.currentTarget as HTMLFormElement;
    void run('add', () => api<OrgUnit>('/api/org-units', { method: 'POST', body: { code: formValue(f, 'code'), name: formValue(f, 'name'), kind: newKind(), parentId: selectedId() } }),
      (u) => t('org.created', { name: u.name })).then((ok) => {
      // Not f.reset(): that would put the type select back to its first option behind newKind's back.
      if (ok) for (const n of ['code', 'name']) (f.elements.namedItem(n) as HTMLInputElement).value = '';
    });
  };
  const setClosed = (closed: boolean) => {
    const s = selected();
    if (!s || (closed && !confirm(t('org.closeConfirm', { name: s.name })))) return;
    void run(null, () => api<OrgUnit>(`/api/org-units/${s.id}`, { method: 'PATCH', body: { closed } }), () => t('common.saved'));
  };

  // A field's error under the form it belongs to; the inputs point at it with aria-describedby.
  const err = (form: 'rename' | 'move' | 'add', k: string) => (
    <Show when={errorForm() === form && errors()[k]}>{(m) => <p class="field-error" id={`org-${form}-${k}-error`}>{m()}</p>}</Show>
  );
  const invalid = (form: 'rename' | 'move' | 'add', k: string) => (errorForm() === form && errors()[k] ? 'true' : undefined);
  const describedBy = (form: 'rename' | 'move' | 'add', k: string, hint?: string) =>
    [hint, invalid(form, k) ? `org-${form}-${k}-error` : undefined].filter(Boolean).join(' ') || undefined;

  return (
    <Show when={!forbidden()} fallback={<NoAccess locale={props.locale} tr={tr} />}>
      <Show when={!units.error || forbidden()} fallback={<LoadError error={units.error} onRetry={() => void refetch()} tr={tr} />}>
        <div class="org-admin">
          <section class="card org-tree-card" aria-labelledby="org-tree-title">
            <div class="cluster org-tree-head">
              <h2 id="org-tree-title" class="card-title">{t('org.tree')}</h2>
              <label class="checkbox small"><input type="checkbox" checked={showClosed()} onChange={(e) => setShowClosed(e.currentTarget.checked)} /> {t('org.showClosed')}</label>
            </div>
            <Show when={!units.loading} fallback={<div class="skeleton app-fallback" />}>
              <ul class="org-tree" role="list">
                <For each={rows()}>
                  {(o) => (
                    <li style={{ '--depth': o.depth }} classList={{ closed: Boolean(o.unit.closedAt) }}>
                      <button type="button" class="org-node" aria-pressed={selectedId() === o.id} onClick={() => choose(o.id)}>
                        <span class="org-name">{o.unit.name}</span>
                        <span class="badge">{o.unit.code}</span>
                        <span class="muted small">{t(`kind.${o.unit.kind}` as OrgKey)}</span>
                        <span class="muted small org-count">{t('org.peopleTotal', { n: subtreeCount().get(o.id) ?? 0 })}</span>
                        <Show when={o.unit.closedAt}><span class="badge badge-danger">{t('org.closed')}</span></Show>
                      </button>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          </section>

          <section class="card stack org-detail" aria-live="polite">
            <Show when={selected()} fallback={<p class="muted">{t('org.selectHint')}</p>}>
              {(s) => (
                <>
                  <h2 class="card-title">{t('org.selected', { name: s().name, code: s().code })}</h2>
                  <p class="muted small">{t(`kind.${s().kind}` as OrgKey)} · <span data-testid="org-counts">{t('org.peopleSplit', { direct: s().people, total: subtreeCount().get(s().id) ?? 0 })}</span>
                    {' · '}<a href={`${localePath(props.locale, '/admin/people/')}?org=${encodeURIComponent(s().code)}`}>{t('org.viewPeople')}</a></p>
                  <Show when={message()}>{(m) => <p class={`alert ${m().kind === 'error' ? 'alert-error' : 'alert-success'}`} role={m().kind === 'error' ? 'alert' : 'status'} data-testid="org-message">{m().text}</p>}</Show>
                  <Show when={isAdmin()} fallback={<p class="muted">{t('common.readOnly')}</p>}>
                    <Show when={!s().closedAt}>
                      <form class="stack" onSubmit={rename} novalidate>
                        <h3>{t('org.rename')}</h3>
                        <div class="field"><label class="label" for="org-name">{t('org.name')}</label>
                          <input id="org-name" name="name" class="input" value={s().name} maxLength={100}
                            aria-invalid={invalid('rename', 'name')} aria-describedby={describedBy('rename', 'name')} />{err('rename', 'name')}</div>
                        <div class="field"><label class="label" for="org-kind">{t('org.kind')}</label>
                          <select id="org-kind" name="kind" class="select" value={s().kind}>
                            <For each={KINDS}>{(k) => <option value={k}>{t(`kind.${k}` as OrgKey)}</option>}</For>
                          </select></div>
                        <div><button type="submit" class="btn btn-primary btn-sm">{t('common.save')}</button></div>
                      </form>
                      <Show when={s().parentId}>
                        <form class="stack" onSubmit={move} novalidate>
                          <h3>{t('org.move')}</h3>
                          <div class="field"><label class="label" for="org-parent">{t('org.parent')}</label>
                            <select id="org-parent" name="parentId" class="select" onChange={(e) => setMoveTo(e.currentTarget.value)}
                              aria-invalid={invalid('move', 'parentId')} aria-describedby={describedBy('move', 'parentId', 'org-parent-hint')}>
                              <For each={moveTargets()}>{(o) => <option value={o.id} selected={o.id === moveTo()}>{o.label}</option>}</For>
                            </select>
                            <p class="hint" id="org-parent-hint">{t('org.moveHint')}</p>{err('move', 'parentId')}</div>
                          <div><button type="submit" class="btn btn-secondary btn-sm" disabled={!moveTo() || moveTo() === s().parentId}>{t('org.moveSubmit')}</button></div>
                        </form>
                      </Show>
                      <form class="stack" onSubmit={addChild} novalidate>
                        <h3>{t('org.addChild')}</h3>
                        <div class="field"><label class="label" for="org-new-code">{t('org.code')}</label>
                          <input id="org-new-code" name="code" class="input" maxLength={32} autocomplete="off"
                            aria-invalid={invalid('add', 'code')} aria-describedby={describedBy('add', 'code', 'org-new-code-hint')} />
                          <p class="hint" id="org-new-code-hint">{t('org.codeHint')}</p>{err('add', 'code')}</div>
                        <div class="field"><label class="label" for="org-new-name">{t('org.name')}</label>
                          <input id="org-new-name" name="name" class="input" maxLength={100}
                            aria-invalid={invalid('add', 'name')} aria-describedby={describedBy('add', 'name')} />{err('add', 'name')}</div>
                        <div class="field"><label class="label" for="org-new-kind">{t('org.kind')}</label>
                          <select id="org-new-kind" name="kind" class="select" onChange={(e) => setNewKind(e.currentTarget.value as Exclude<Kind, 'head_office'>)}>
                            <For each={KINDS.filter((k) => k !== 'head_office')}>{(k) => <option value={k} selected={k === newKind()}>{t(`kind.${k}` as OrgKey)}</option>}</For>
                          </select></div>
                        <div><button type="submit" class="btn btn-secondary btn-sm">{t('org.addSubmit')}</button></div>
                      </form>
                    </Show>
                    <Show when={s().parentId}>
                      <div class="stack">
                        <h3>{t('org.closeUnit')}</h3>
                        <p class="hint">{t('org.closeHint')}</p>
                        <div>
                          <Show when={s().closedAt} fallback={<button type="button" class="btn btn-danger btn-sm" onClick={() => setClosed(true)}>{t('org.closeSubmit')}</button>}>
                            <button type="button" class="btn btn-secondary btn-sm" onClick={() => setClosed(false)}>{t('org.reopen')}</button>
                          </Show>
                        </div>
                      </div>
                    </Show>
                  </Show>
                </>
              )}
            </Show>
          </section>
        </div>
      </Show>
    </Show>
  );
}
