// /admin/people/ — find people by 工号/name/email/mobile with server-side paging (100k members);
// HR reads their subtree, administrators add, edit, deactivate/reactivate and reset passwords
// (the initial password is shown once). Field errors from the API are shown next to the field.
import { createMemo, createResource, createSignal, For, onMount, Show } from 'solid-js';
import { api, ApiError, signInUrl } from '../client/api.ts';
import { fetchMe, hasStoredSession } from '../client/session-hint.ts';
import { getOrgUnits, treeOptions, type Person } from '../client/org-api.ts';
import { translator, type Locale } from '../i18n/index.ts';
import { orgTr, orgZh, type OrgKey } from '../i18n/org.ts';
import { areaSay, localDetail, localFieldErrors } from '../client/problem-text.ts';
import NoAccess from './shared/NoAccess.tsx';
import { valueOf } from './shared/resource.ts';

const ROLES = ['employee', 'trainer', 'hr', 'admin'] as const;
const PAGE = 50;

interface Draft {
  employeeNo: string; name: string; orgUnitId: string; position: string; email: string; mobile: string; roles: string[]; scopeOrgId: string;
}
const emptyDraft = (orgUnitId = ''): Draft => ({ employeeNo: '', name: '', orgUnitId, position: '', email: '', mobile: '', roles: ['employee'], scopeOrgId: '' });

export default function PeopleAdmin(props: { locale: Locale }) {
  const t = orgTr(props.locale);
  const tr = translator(props.locale);
  const params = new URLSearchParams(typeof location === 'undefined' ? '' : location.search);
  const [q, setQ] = createSignal(params.get('q') ?? '');
  const [org, setOrg] = createSignal(params.get('org') ?? '');
  const [status, setStatus] = createSignal<'active' | 'inactive' | 'all'>('active');
  const [offset, setOffset] = createSignal(0);
  let typing: ReturnType<typeof setTimeout> | undefined;
  const [forbidden, setForbidden] = createSignal(false);
  onMount(() => { if (!hasStoredSession()) location.assign(signInUrl()); });

  const [me] = createResource(() => (hasStoredSession() ? true : null), () => fetchMe());
  const isAdmin = () => Boolean((valueOf(me) as { roles?: string[] } | undefined)?.roles?.includes('admin'));
  const [units] = createResource(() => (hasStoredSession() ? true : null), () => getOrgUnits().catch(() => []));
  // The filter is for current work: open units only, plus a closed one when the URL asks for it
  // (the org page links a closed unit's people here).
  const unitOptions = createMemo(() => treeOptions(valueOf(units) ?? []).filter((o) => !o.unit.closedAt || o.unit.code === org()));
  const openUnitOptions = createMemo(() => treeOptions(valueOf(units) ?? [], { openOnly: true }));

  const [list, { refetch }] = createResource(
    () => (hasStoredSession() ? { q: q(), org: org(), status: status(), offset: offset() } : null),
    async (k) => {
      const qs = new URLSearchParams({ status: k.status, offset: String(k.offset), limit: String(PAGE) });
      if (k.q.trim()) qs.set('q', k.q.trim());
      if (k.org) qs.set('org', k.org);
      try {
        return await api<{ total: number; rows: Person[] }>(`/api/people?${qs}`);
      } catch (e) {
        if (e instanceof ApiError && e.status === 403) setForbidden(true);
        throw e;
      }
    },
  );

  const [editing, setEditing] = createSignal<Person | 'new' | null>(null);
  const [draft, setDraft] = createSignal<Draft>(emptyDraft());
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [message, setMessage] = createSignal<string | null>(null);
  const [secret, setSecret] = createSignal<{ no: string; email: string | null; password: string } | null>(null);
  const [busy, setBusy] = createSignal(false);

  const open = (p: Person | 'new') => {
    setEditing(p);
    setErrors({});
    setMessage(null);
    setSecret(null);
    setDraft(p === 'new' ? emptyDraft(openUnitOptions()[0]?.id ?? '') : {
      employeeNo: p.employeeNo, name: p.name, orgUnitId: p.orgUnit.id, position: p.position ?? '', email: p.email ?? '',
      mobile: p.mobile ?? '', roles: p.roles, scopeOrgId: p.scope?.id ?? '',
    });
    queueMicrotask(() => document.getElementById('person-form')?.scrollIntoView({ block: 'nearest' }));
  };
  const set = (k: keyof Draft, v: string | string[]) => setDraft({ ...draft(), [k]: v });

  const fail = (e: unknown) => {
    if (e instanceof ApiError) {
      // Field errors and the message in the page's language, from the problem's codes.
      const say = areaSay(orgZh, t);
      setErrors(localFieldErrors(e, props.locale, say));
      setMessage(localDetail(e, props.locale, say));
    } else setMessage(tr('error.generic'));
  };

  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    const d = draft();
    const target = editing();
    setBusy(true);
    setErrors({});
    setMessage(null);
    try {
      const body = {
        name: d.name, orgUnitId: d.orgUnitId, position: d.position || null, email: d.email || null, mobile: d.mobile || null,
        roles: d.roles, scopeOrgId: d.scopeOrgId || null,
      };
      if (target === 'new') {
        const out = await api<{ person: Person; account: { email: string | null; password: string } }>('/api/people', { method: 'POST', body: { ...body, employeeNo: d.employeeNo } });
        setSecret({ no: out.person.employeeNo, email: out.account.email, password: out.account.password });
        setEditing(out.person);
      } else if (target) {
        setEditing(await api<Person>(`/api/people/${target.id}`, { method: 'PATCH', body }));
        setMessage(t('common.saved'));
      }
      void refetch();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const setActive = async (p: Person, active: boolean) => {
    if (!active && !confirm(t('people.deactivateConfirm', { name: p.name }))) return;
    try {
      setEditing(await api<Person>(`/api/people/${p.id}`, { method: 'PATCH', body: { active } }));
      void refetch();
    } catch (err) {
      fail(err);
    }
  };

  const resetPassword = async (p: Person) => {
    if (!confirm(t('people.resetConfirm', { name: p.name }))) return;
    try {
      const out = await api<{ email: string | null; password: string }>(`/api/people/${p.id}/password`, { method: 'POST', body: {} });
      setSecret({ no: p.employeeNo, email: out.email, password: out.password });
      void refetch();
    } catch (err) {
      fail(err);
    }
  };

  const total = () => valueOf(list)?.total ?? 0;
  const field = (k: keyof Draft, label: OrgKey, opts: { type?: string; hint?: OrgKey; disabled?: boolean } = {}) => (
    <div class="field">
      <label class="label" for={`person-${k}`}>{t(label)}</label>
      <input id={`person-${k}`} class="input" type={opts.type ?? 'text'} value={draft()[k] as string} disabled={opts.disabled || !isAdmin()}
        onInput={(e) => set(k, e.currentTarget.value)} aria-invalid={errors()[k] ? 'true' : undefined}
        aria-describedby={errors()[k] ? `person-${k}-error` : opts.hint ? `person-${k}-hint` : undefined} />
      <Show when={opts.hint}>{(h) => <p class="hint" id={`person-${k}-hint`}>{t(h())}</p>}</Show>
      <Show when={errors()[k]}>{(m) => <p class="field-error" id={`person-${k}-error`}>{m()}</p>}</Show>
    </div>
  );

  return (
    <Show when={!forbidden()} fallback={<NoAccess locale={props.locale} tr={tr} />}>
      <div class="stack-lg people-admin">
        <form class="card people-filters" role="search" onSubmit={(e) => { e.preventDefault(); setOffset(0); void refetch(); }}>
          <div class="field">
            <label class="label" for="people-q">{t('people.search')}</label>
            <input id="people-q" class="input" type="search" value={q()} placeholder={t('people.searchPlaceholder')}
              onInput={(e) => {
                // One request when typing pauses, not one per keystroke (100k people).
                const value = e.currentTarget.value;
                clearTimeout(typing);
                typing = setTimeout(() => { setQ(value); setOffset(0); }, 300);
              }} />
          </div>
          <div class="field">
            <label class="label" for="people-org">{t('people.org')}</label>
            <select id="people-org" class="select" value={org()} onChange={(e) => { setOrg(e.currentTarget.value); setOffset(0); }}>
              <option value="">{t('people.allOrgs')}</option>
              <For each={unitOptions()}>{(o) => <option value={o.unit.code} selected={o.unit.code === org()}>{o.label}</option>}</For>
            </select>
          </div>
          <div class="field">
            <label class="label" for="people-status">{t('people.status')}</label>
            <select id="people-status" class="select" value={status()} onChange={(e) => { setStatus(e.currentTarget.value as 'active'); setOffset(0); }}>
              <option value="active">{t('people.status.active')}</option>
              <option value="inactive">{t('people.status.inactive')}</option>
              <option value="all">{t('people.status.all')}</option>
            </select>
          </div>
          <Show when={isAdmin()}>
            <div class="field people-add"><button type="button" class="btn btn-primary" onClick={() => open('new')}>{t('people.add')}</button></div>
          </Show>
        </form>
        <Show when={!isAdmin() && valueOf(me)}><p class="muted">{t('common.readOnly')}</p></Show>

        <Show when={editing()}>
          {(p) => (
            <form id="person-form" class="card stack" onSubmit={save} aria-labelledby="person-form-title">
              <h2 id="person-form-title" class="card-title">{p() === 'new' ? t('people.add') : t('people.edit', { name: (p() as Person).name, no: (p() as Person).employeeNo })}</h2>
              <Show when={message()}>{(m) => <p class="alert alert-info" role="status">{m()}</p>}</Show>
              <Show when={secret()}>
                {(s) => (
                  <div class="alert alert-warning" role="alert" data-testid="person-password">
                    <div>
                      <p>{t('people.passwordOnce')} <code>{s().password}</code></p>
                      <p class="small">{s().email ? t('people.signInAs', { no: s().no, email: s().email! }) : t('people.signInNo', { no: s().no })}</p>
                    </div>
                  </div>
                )}
              </Show>
              <div class="person-grid">
                {field('employeeNo', 'people.employeeNo', { hint: 'people.employeeNoHint', disabled: p() !== 'new' })}
                {field('name', 'people.name')}
                <div class="field">
                  <label class="label" for="person-orgUnitId">{t('people.col.org')}</label>
                  <select id="person-orgUnitId" class="select" value={draft().orgUnitId} disabled={!isAdmin()} onChange={(e) => set('orgUnitId', e.currentTarget.value)}
                    aria-invalid={errors().orgUnitId ? 'true' : undefined}>
                    <For each={openUnitOptions()}>{(o) => <option value={o.id}>{o.label}</option>}</For>
                  </select>
                  <Show when={errors().orgUnitId}>{(m) => <p class="field-error">{m()}</p>}</Show>
                </div>
                {field('position', 'people.position')}
                {field('email', 'people.email', { type: 'email' })}
                {field('mobile', 'people.mobile', { type: 'tel' })}
              </div>
              <fieldset class="field">
                <legend class="label">{t('people.roles')}</legend>
                <div class="cluster">
                  <For each={ROLES}>
                    {(r) => (
                      <label class="checkbox">
                        <input type="checkbox" checked={draft().roles.includes(r)} disabled={!isAdmin() || r === 'employee'}
                          onChange={(e) => set('roles', e.currentTarget.checked ? [...draft().roles, r] : draft().roles.filter((x) => x !== r))} />
                        {' '}{t(`role.${r}` as OrgKey)}
                      </label>
                    )}
                  </For>
                </div>
                <Show when={errors().roles}>{(m) => <p class="field-error">{m()}</p>}</Show>
              </fieldset>
              <Show when={draft().roles.some((r) => r !== 'employee')}>
                <div class="field">
                  <label class="label" for="person-scope">{t('people.scope')}</label>
                  <select id="person-scope" class="select" value={draft().scopeOrgId} disabled={!isAdmin()} onChange={(e) => set('scopeOrgId', e.currentTarget.value)}>
                    <option value="">{t('people.scopeDefault')}</option>
                    <For each={openUnitOptions()}>{(o) => <option value={o.id}>{o.label}</option>}</For>
                  </select>
                </div>
              </Show>
              <Show when={isAdmin()}>
                <div class="cluster">
                  <button type="submit" class="btn btn-primary" disabled={busy()}>{t('common.save')}</button>
                  <Show when={p() !== 'new'}>
                    <Show when={(p() as Person).active} fallback={<button type="button" class="btn btn-secondary" onClick={() => void setActive(p() as Person, true)}>{t('people.reactivate')}</button>}>
                      <button type="button" class="btn btn-danger" onClick={() => void setActive(p() as Person, false)}>{t('people.deactivate')}</button>
                    </Show>
                    <button type="button" class="btn btn-secondary" onClick={() => void resetPassword(p() as Person)}>{t('people.resetPassword')}</button>
                  </Show>
                  <button type="button" class="btn btn-ghost" onClick={() => setEditing(null)}>{t('common.close')}</button>
                </div>
              </Show>
            </form>
          )}
        </Show>

        <div class="table-wrap">
          <table class="table people-table" aria-busy={list.loading}>
            <thead><tr>
              <th scope="col">{t('people.col.employeeNo')}</th><th scope="col">{t('people.col.name')}</th><th scope="col">{t('people.col.org')}</th>
              <th scope="col">{t('people.col.position')}</th><th scope="col">{t('people.col.contact')}</th><th scope="col">{t('people.col.roles')}</th>
              <th scope="col">{t('people.col.status')}</th>
            </tr></thead>
            <tbody>
              <For each={valueOf(list)?.rows ?? []} fallback={<tr><td colSpan={7} class="muted">{list.loading ? t('common.loading') : t('people.empty')}</td></tr>}>
                {(p) => (
                  <tr>
                    <td><button type="button" class="btn btn-ghost btn-sm" onClick={() => open(p)}>{p.employeeNo}</button></td>
                    <td>{p.name}</td>
                    <td>{p.orgUnit.name}</td>
                    <td>{p.position ?? '—'}</td>
                    <td>{[p.email, p.mobile].filter(Boolean).join(' / ') || '—'}</td>
                    <td>
                      {/* Everyone is an employee; only the extra roles are badges, and a plain employee says so. */}
                      <Show when={p.roles.some((r) => r !== 'employee')} fallback={<span class="muted">{t('role.employee')}</span>}>
                        <For each={p.roles.filter((r) => r !== 'employee')}>{(r) => <span class={`badge badge-${r}`}>{t(`role.${r}` as OrgKey)}</span>}</For>
                      </Show>
                    </td>
                    <td>{p.active ? t('people.status.active') : <span class="badge badge-danger">{t('people.status.inactive')}</span>}
                      <Show when={!p.hasAccount}><br /><span class="muted small">{t('people.noAccount')}</span></Show></td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
        <div class="cluster">
          <button type="button" class="btn btn-secondary btn-sm" disabled={offset() === 0} onClick={() => setOffset(Math.max(0, offset() - PAGE))}>{t('common.prev')}</button>
          <span class="muted" aria-live="polite">{total() ? t('common.range', { from: offset() + 1, to: Math.min(offset() + PAGE, total()), total: total() }) : ''}</span>
          <button type="button" class="btn btn-secondary btn-sm" disabled={offset() + PAGE >= total()} onClick={() => setOffset(offset() + PAGE)}>{t('common.next')}</button>
        </div>
      </div>
    </Show>
  );
}
