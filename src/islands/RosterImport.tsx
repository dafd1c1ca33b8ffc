// /admin/roster-import/ — HR (within their scope) and administrators: upload a roster (.xlsx/.csv),
// see what every row will do (new / update with the changed fields / unchanged / problem with row,
// column, reason and fix), then confirm. A full roster lists who will be deactivated and asks
// again. New people's initial passwords are shown once and can be downloaded as CSV.
import { createMemo, createResource, createSignal, For, Match, onMount, Show, Switch } from 'solid-js';
import { ApiError, signInUrl } from '../client/api.ts';
import { hasStoredSession, fetchMe } from '../client/session-hint.ts';
import {
  cancelImport, commitImport, getImportRows, getOrgUnits, recentImports, treeOptions, uploadRoster,
  type NewAccount, type Outcome, type RosterImport as Import, type RosterRowView,
} from '../client/org-api.ts';
import { toCsv } from '../core/csv.ts';
import { ROSTER_MAX_BYTES, ROSTER_MAX_ROWS, rosterProblemText } from '../interop/roster.ts';
import { translator, type Locale } from '../i18n/index.ts';
import { orgTr, orgZh, type OrgKey } from '../i18n/org.ts';
import { areaSay, localDetail } from '../client/problem-text.ts';
import NoAccess from './shared/NoAccess.tsx';
import { valueOf } from './shared/resource.ts';
import { formatDateTime } from '../client/format.ts';

const OUTCOMES: Outcome[] = ['new', 'update', 'unchanged', 'problem', 'deactivate'];
const PAGE = 100;

function download(name: string, text: string) {
  const blob = new Blob([text], { type: 'text/csv;charset=utf-8' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export default function RosterImport(props: { locale: Locale }) {
  const t = orgTr(props.locale);
  const tr = translator(props.locale);
  const [forbidden, setForbidden] = createSignal(false);
  const [units] = createResource(() => (hasStoredSession() ? true : null), async () => {
    try {
      return await getOrgUnits();
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) setForbidden(true);
      throw e;
    }
  });
  const [me] = createResource(() => (hasStoredSession() ? true : null), () => fetchMe());
  const [recent, { refetch: refetchRecent }] = createResource(() => (hasStoredSession() ? true : null), () => recentImports().catch(() => []));
  onMount(() => { if (!hasStoredSession()) location.assign(signInUrl()); });

  let fileInput: HTMLInputElement | undefined;
  const [scope, setScope] = createSignal('');
  const [full, setFull] = createSignal(false);
  const [phase, setPhase] = createSignal<null | { kind: 'upload'; pct: number } | { kind: 'parse' } | { kind: 'commit' }>(null);
  const [error, setError] = createSignal<{ text: string; problems?: { reason: string; fix: string; where: string }[] } | null>(null);
  const [imp, setImp] = createSignal<Import | null>(null);
  const [filter, setFilter] = createSignal<Outcome | null>(null);
  const [offset, setOffset] = createSignal(0);
  const [confirming, setConfirming] = createSignal(false);
  const [checked, setChecked] = createSignal(false);
  const [done, setDone] = createSignal<{ result: { created: number; updated: number; deactivated: number }; accounts: NewAccount[] } | null>(null);
  let doneHeading: HTMLHeadingElement | undefined;

  const scopeOptions = createMemo(() => {
    const list = valueOf(units) ?? [];
    const m = valueOf(me) as { scope?: { id: string } | null; roles?: string[] } | null | undefined;
    const admin = m?.roles?.includes('admin');
    const root = list.find((u) => u.id === m?.scope?.id)?.path ?? '/';
    return treeOptions(list, { openOnly: true }).filter((o) => admin || o.unit.path.startsWith(root));
  });

  const [page] = createResource(
    () => { const i = imp(); return i ? { id: i.id, outcome: filter(), offset: offset(), v: i.status } : null; },
    (k) => getImportRows(k.id, k.outcome, k.offset, PAGE),
  );

  const problemTexts = (p: { code: string; params?: Record<string, string | number> }) => rosterProblemText(p as never, props.locale);

  const explain = (err: unknown) => {
    if (!(err instanceof ApiError)) return { text: tr('error.generic') };
    const doc = err.problem as { code?: string; message_zh?: string; message_en?: string; problems?: { code: string; column: string; header: string; row: number; params?: Record<string, string> }[] };
    if (doc.code === 'roster_columns' && doc.problems) {
      return {
        text: props.locale === 'en' ? err.detail : '表头缺少必需的列（工号、姓名、机构），未导入任何数据。',
        problems: doc.problems.map((p) => ({ ...problemTexts(p), where: p.row ? `${p.row}` : '' })),
      };
    }
    if (doc.code === 'roster_import_stale') return { text: t('roster.stale') };
    const localized = props.locale === 'en' ? doc.message_en : doc.message_zh;
    // Otherwise the code's text in the page's language (src/client/problem-text.ts), never English alone on a Chinese page.
    return { text: localized || localDetail(err, props.locale, areaSay<OrgKey>(orgZh, t)) };
  };

  const upload = async (e: SubmitEvent) => {
    e.preventDefault();
    setError(null);
    const file = fileInput?.files?.[0];
    if (!file) return setError({ text: t('roster.noFile') });
    if (file.size > ROSTER_MAX_BYTES) {
      return setError({ text: t('roster.tooLarge', { size: (file.size / 1024 / 1024).toFixed(1), mb: ROSTER_MAX_BYTES / 1024 / 1024 }) });
    }
    setPhase({ kind: 'upload', pct: 0 });
    try {
      const result = await uploadRoster(file, { fullRoster: full(), scope: scope() || null }, (p) =>
        setPhase(p === 'processing' ? { kind: 'parse' } : { kind: 'upload', pct: Math.round(p * 100) }));
      setFilter(result.summary.counts.problem > 0 ? 'problem' : null);
      setOffset(0);
      setDone(null);
      setImp(result);
      void refetchRecent();
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) setForbidden(true);
      setError(explain(err));
    } finally {
      setPhase(null);
    }
  };

  const counts = () => imp()?.summary.counts;
  const toWrite = () => (counts()?.new ?? 0) + (counts()?.update ?? 0) + (counts()?.deactivate ?? 0);

  const [deactivations] = createResource(() => (confirming() && imp() ? imp()!.id : null), (id) => getImportRows(id, 'deactivate', 0, 1000));

  const commit = async () => {
    const i = imp();
    if (!i) return;
    const n = i.summary.counts.deactivate;
    if (n > 0 && !confirming()) {
      setConfirming(true);
      setChecked(false);
      return;
    }
    setError(null);
    setPhase({ kind: 'commit' });
    try {
      const out = await commitImport(i.id, n > 0 ? n : null);
      setDone(out);
      setImp({ ...i, status: 'committed', result: out.result });
      setConfirming(false);
      void refetchRecent();
      // The result replaces the preview at the top of the page and takes the focus: the initial
      // passwords are shown only this once and must not sit unseen below a long preview table.
      requestAnimationFrame(() => {
        doneHeading?.scrollIntoView({ block: 'start' });
        doneHeading?.focus({ preventScroll: true });
      });
    } catch (err) {
      setError(explain(err));
    } finally {
      setPhase(null);
    }
  };

  const discard = async () => {
    const i = imp();
    if (i && i.status === 'previewed') await cancelImport(i.id).catch(() => {});
    reset();
  };
  const reset = () => {
    setImp(null);
    setDone(null);
    setConfirming(false);
    setError(null);
    if (fileInput) fileInput.value = '';
    void refetchRecent();
  };

  const template = () => download('花名册模板.csv', toCsv(['工号', '姓名', '机构', '岗位', '邮箱', '手机', '角色'], [
    ['000123', '张三', '青岛分行/市南支行', '柜员', 'zhangsan@bank.example', '13800138000', '员工'],
    ['000124', '李四', 'QD-OPS', '培训岗', '', '', '培训管理员'],
  ]));

  // People sign in with their 工号; an email is listed only for those whose roster row gave one (the
  // server never hands out the generated placeholder address), and the column only if anyone has one.
  const accountsHaveEmail = () => (done()?.accounts ?? []).some((a) => a.email);
  const downloadAccounts = () => {
    const d = done();
    if (!d) return;
    const withEmail = accountsHaveEmail();
    download(`初始密码-${new Date().toISOString().slice(0, 10)}.csv`, toCsv(
      [t('roster.col.signIn'), t('people.col.name'), ...(withEmail ? [t('roster.col.email')] : []), t('roster.col.password')],
      d.accounts.map((a) => [a.employeeNo, a.name, ...(withEmail ? [a.email ?? ''] : []), a.password]),
    ));
  };

  const show = (v: unknown): string => {
    if (v === null || v === undefined || v === '') return t('common.none');
    if (Array.isArray(v)) return v.map((r) => t(`role.${r}` as OrgKey)).join('、');
    if (typeof v === 'object' && v && 'name' in v) return String((v as { name: string }).name);
    if (typeof v === 'boolean') return v ? t('people.status.active') : t('people.status.inactive');
    return String(v);
  };

  const outcomeBadge = (o: Outcome) => ({ new: 'badge-primary', update: 'badge-trainer', unchanged: '', problem: 'badge-danger', deactivate: 'badge-hr' })[o];

  return (
    <Show when={!forbidden()} fallback={<NoAccess locale={props.locale} tr={tr} />}>
      <div class="stack-lg roster-import">
        <Show when={error()}>
          {(err) => (
            <div class="alert alert-error" role="alert" data-testid="roster-error">
              <div>
                <p>{err().text}</p>
                <Show when={err().problems}>
                  <ul>
                    <For each={err().problems}>{(p) => <li>{p.reason} <span class="muted">{t('roster.fix')}{p.fix}</span></li>}</For>
                  </ul>
                </Show>
              </div>
            </div>
          )}
        </Show>

        <Show when={phase()}>
          {(p) => (
            <div class="card roster-progress" role="status" aria-live="polite">
              <Switch>
                <Match when={p().kind === 'upload'}>
                  <label>{t('roster.phase.upload', { pct: (p() as { pct: number }).pct })}
                    <progress max="100" value={(p() as { pct: number }).pct} /></label>
                </Match>
                <Match when={p().kind === 'parse'}><label>{t('roster.phase.parse')}<progress /></label></Match>
                <Match when={p().kind === 'commit'}><label>{t('roster.phase.commit')}<progress /></label></Match>
              </Switch>
            </div>
          )}
        </Show>

        <Show when={!imp()}>
          <form class="card stack" onSubmit={upload} aria-labelledby="roster-upload-title">
            <h2 id="roster-upload-title" class="card-title">{t('roster.uploadTitle')}</h2>
            <div class="field">
              <label class="label" for="roster-file">{t('roster.file')}</label>
              <input ref={fileInput} id="roster-file" class="input" type="file" name="file"
                accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv" aria-describedby="roster-file-hint" />
              <p class="hint" id="roster-file-hint">{t('roster.fileHint', { mb: ROSTER_MAX_BYTES / 1024 / 1024, rows: ROSTER_MAX_ROWS.toLocaleString() })}
                {' '}<button type="button" class="btn btn-ghost btn-sm" onClick={template}>{t('roster.template')}</button></p>
            </div>
            <div class="field">
              <label class="label" for="roster-scope">{t('roster.scope')}</label>
              <select id="roster-scope" class="select" value={scope()} onChange={(e) => setScope(e.currentTarget.value)} aria-describedby="roster-scope-hint">
                <For each={scopeOptions()}>{(o) => <option value={o.id}>{o.label}</option>}</For>
              </select>
              <p class="hint" id="roster-scope-hint">{t('roster.scopeHint')}</p>
            </div>
            <div class="field">
              <label class="checkbox"><input type="checkbox" checked={full()} onChange={(e) => setFull(e.currentTarget.checked)} aria-describedby="roster-full-hint" /> {t('roster.full')}</label>
              <p class="hint" id="roster-full-hint">{t('roster.fullHint')}</p>
            </div>
            <div class="cluster">
              <button type="submit" class="btn btn-primary" disabled={Boolean(phase())}>{t('roster.upload')}</button>
            </div>
          </form>
        </Show>

        <Show when={done()}>
          {(d) => (
            <section class="card stack" aria-labelledby="roster-done-title" data-testid="roster-done">
              <h2 id="roster-done-title" class="card-title" tabindex="-1" ref={doneHeading}>{t('roster.done', d().result)}</h2>
              <Show when={d().accounts.length > 0}>
                <h3>{t('roster.accounts')}</h3>
                <p class="alert alert-warning">{t('roster.accountsOnce')}</p>
                <div class="cluster"><button type="button" class="btn btn-primary" onClick={downloadAccounts}>{t('roster.downloadAccounts')}</button></div>
                <div class="table-wrap">
                  <table class="table roster-accounts" data-testid="roster-accounts">
                    <thead><tr>
                      <th scope="col">{t('roster.col.signIn')}</th><th scope="col">{t('people.col.name')}</th>
                      <Show when={accountsHaveEmail()}><th scope="col">{t('roster.col.email')}</th></Show>
                      <th scope="col">{t('roster.col.password')}</th>
                    </tr></thead>
                    <tbody>
                      <For each={d().accounts}>
                        {(a) => (
                          <tr>
                            <td class="mono" data-testid="account-sign-in">{a.employeeNo}</td><td class="roster-name">{a.name}</td>
                            <Show when={accountsHaveEmail()}><td>{a.email ?? '—'}</td></Show>
                            <td><code data-testid="initial-password">{a.password}</code></td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
              </Show>
              <div class="cluster"><button type="button" class="btn btn-secondary" onClick={reset}>{t('roster.again')}</button></div>
            </section>
          )}
        </Show>

        <Show when={!done() && imp()}>
          {(i) => (
            <section class="card stack" aria-labelledby="roster-preview-title" data-testid="roster-preview">
              <h2 id="roster-preview-title" class="card-title">{t('roster.preview', { file: i().fileName })}</h2>
              <Show when={i().status === 'previewed'}><p class="alert alert-info">{t('roster.previewNote')}</p></Show>
              <p class="muted small">
                {t('roster.scope')}：{i().summary.scope.name}（{i().summary.scope.code}）
                <Show when={i().encoding}>{(enc) => <> · {t('roster.encoding', { enc: enc().toUpperCase() })}</>}</Show>
              </p>
              <div class="roster-counts cluster" role="group" aria-label={t('roster.col.outcome')}>
                <button type="button" class="btn btn-sm" classList={{ 'btn-primary': filter() === null, 'btn-secondary': filter() !== null }}
                  aria-pressed={filter() === null} onClick={() => { setFilter(null); setOffset(0); }}>{t('roster.filter.all')} {i().summary.counts.total + i().summary.counts.deactivate}</button>
                <For each={OUTCOMES.filter((o) => o !== 'deactivate' || i().fullRoster)}>
                  {(o) => (
                    <button type="button" class="btn btn-sm" classList={{ 'btn-primary': filter() === o, 'btn-secondary': filter() !== o }}
                      aria-pressed={filter() === o} data-outcome={o} onClick={() => { setFilter(o); setOffset(0); }}>
                      {t(`roster.count.${o}` as OrgKey)} <strong data-testid={`count-${o}`}>{i().summary.counts[o]}</strong>
                    </button>
                  )}
                </For>
              </div>

              <div class="table-wrap">
                <table class="table roster-rows">
                  <thead><tr>
                    <th scope="col" class="num">{t('roster.col.row')}</th>
                    <th scope="col">{t('people.col.employeeNo')}</th>
                    <th scope="col">{t('people.col.name')}</th>
                    <th scope="col">{t('people.col.org')}</th>
                    <th scope="col">{t('roster.col.outcome')}</th>
                    <th scope="col">{t('roster.col.detail')}</th>
                  </tr></thead>
                  <tbody>
                    <For each={valueOf(page)?.rows ?? []}>
                      {(r: RosterRowView) => (
                        <tr data-outcome={r.outcome} data-row={r.row ?? ''}>
                          <td class="num">{r.row ?? '—'}</td>
                          <td class="roster-no">{r.employeeNo ?? r.record?.employeeNo ?? '—'}</td>
                          <td class="roster-name">{r.record?.name || '—'}</td>
                          <td>{r.record?.orgUnit?.name ?? (r.record?.orgText || '—')}</td>
                          <td><span class={`badge ${outcomeBadge(r.outcome)}`}>{t(`roster.count.${r.outcome}` as OrgKey)}</span></td>
                          <td>
                            <Switch>
                              <Match when={r.outcome === 'problem'}>
                                <ul class="roster-problems">
                                  <For each={r.problems}>
                                    {(p) => {
                                      const text = problemTexts(p);
                                      return (
                                        <li data-code={p.code}>
                                          <Show when={p.column}><span class="muted">{t('roster.problemAt', { column: p.column, header: p.header })}：</span></Show>
                                          {text.reason}<Show when={p.value}>{(v) => <> “<code>{v()}</code>”</>}</Show>
                                          <br /><span class="muted">{t('roster.fix')}{text.fix}</span>
                                        </li>
                                      );
                                    }}
                                  </For>
                                </ul>
                              </Match>
                              <Match when={r.outcome === 'update' && r.changes}>
                                <ul class="roster-changes">
                                  <For each={Object.entries(r.changes ?? {})}>
                                    {([field, c]) => (
                                      <li>{field === 'active' ? t('roster.reactivated') : t('roster.changed', { field: t(`roster.field.${field}` as OrgKey), from: show(c.from), to: show(c.to) })}</li>
                                    )}
                                  </For>
                                  {/* The roles the row leaves in place are listed too: an import also grants permissions. */}
                                  <Show when={!r.changes?.roles && r.record?.roles?.length}>
                                    <li class="muted" data-testid="row-roles">{t('roster.grants', { roles: show(r.record!.roles) })}</li>
                                  </Show>
                                </ul>
                              </Match>
                              <Match when={r.outcome === 'deactivate'}>{t('roster.notInFile')}</Match>
                              <Match when={r.outcome === 'new'}>
                                <span class="roster-grants" data-testid="row-roles">{t('roster.grants', { roles: show(r.record?.roles ?? ['employee']) })}</span>
                                <Show when={[r.record?.position, r.record?.email, r.record?.mobile].some(Boolean)}>
                                  <br /><span class="muted">{[r.record?.position, r.record?.email, r.record?.mobile].filter(Boolean).join(' · ')}</span>
                                </Show>
                              </Match>
                            </Switch>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
              <Show when={(valueOf(page)?.total ?? 0) > PAGE}>
                <div class="cluster">
                  <button type="button" class="btn btn-secondary btn-sm" disabled={offset() === 0} onClick={() => setOffset(Math.max(0, offset() - PAGE))}>{t('common.prev')}</button>
                  <span class="muted">{t('common.range', { from: offset() + 1, to: Math.min(offset() + PAGE, valueOf(page)?.total ?? 0), total: valueOf(page)?.total ?? 0 })}</span>
                  <button type="button" class="btn btn-secondary btn-sm" disabled={offset() + PAGE >= (valueOf(page)?.total ?? 0)} onClick={() => setOffset(offset() + PAGE)}>{t('common.next')}</button>
                </div>
              </Show>

              <Show when={i().status === 'previewed'}>
                <Show when={i().summary.counts.problem > 0}><p class="alert alert-warning">{t('roster.problemsSkipped', { n: i().summary.counts.problem })}</p></Show>
                <Show when={i().summary.kept.self}><p class="muted">{t('roster.keptSelf')}</p></Show>
                <Show when={i().summary.kept.admins > 0}><p class="muted">{t('roster.keptAdmins', { n: i().summary.kept.admins })}</p></Show>

                <Show when={confirming()}>
                  <section class="card stack roster-confirm" role="alertdialog" aria-labelledby="roster-confirm-title" data-testid="roster-confirm">
                    <h3 id="roster-confirm-title">{t('roster.confirmTitle', { n: i().summary.counts.deactivate })}</h3>
                    <p>{t('roster.confirmBody', { n: i().summary.counts.deactivate })}</p>
                    <ul class="roster-deactivate-list">
                      <For each={valueOf(deactivations)?.rows ?? []}>
                        {(r) => <li>{r.employeeNo} {r.record?.name}（{r.record?.orgUnit?.name}）</li>}
                      </For>
                    </ul>
                    <label class="checkbox"><input type="checkbox" checked={checked()} onChange={(e) => setChecked(e.currentTarget.checked)} /> {t('roster.confirmCheck', { n: i().summary.counts.deactivate })}</label>
                    <div class="cluster">
                      <button type="button" class="btn btn-danger" disabled={!checked() || Boolean(phase())} onClick={() => void commit()}>{t('roster.confirmCommit')}</button>
                      <button type="button" class="btn btn-secondary" onClick={() => setConfirming(false)}>{t('common.cancel')}</button>
                    </div>
                  </section>
                </Show>

                <Show when={!confirming()}>
                  <div class="cluster">
                    <Show when={toWrite() > 0} fallback={<p class="muted">{t('roster.nothing')}</p>}>
                      <button type="button" class="btn btn-primary" disabled={Boolean(phase())} onClick={() => void commit()} data-testid="roster-commit">
                        {t('roster.commit', { new: i().summary.counts.new, update: i().summary.counts.update })}
                      </button>
                    </Show>
                    <button type="button" class="btn btn-secondary" onClick={() => void discard()}>{t('roster.cancelImport')}</button>
                  </div>
                </Show>
              </Show>
            </section>
          )}
        </Show>

        <Show when={!imp() && (valueOf(recent) ?? []).length > 0}>
          <section class="stack" aria-labelledby="roster-recent-title">
            <h2 id="roster-recent-title" class="section-title">{t('roster.recent')}</h2>
            <div class="table-wrap">
              <table class="table">
                <thead><tr>
                  <th scope="col">{t('roster.file')}</th><th scope="col">{t('roster.scope')}</th><th scope="col">{t('roster.col.outcome')}</th>
                  <th scope="col" class="num">{t('roster.count.new')}</th><th scope="col" class="num">{t('roster.count.update')}</th>
                  <th scope="col" class="num">{t('roster.count.problem')}</th><th scope="col">{t('people.col.name')}</th>
                </tr></thead>
                <tbody>
                  <For each={valueOf(recent) ?? []}>
                    {(r) => (
                      <tr>
                        <td>{r.fileName}<br /><span class="muted small">{formatDateTime(r.createdAt, props.locale)}</span></td>
                        <td>{r.summary.scope?.name}</td>
                        <td>{t(`roster.status.${r.status}` as OrgKey)}</td>
                        <td class="num">{r.summary.counts?.new ?? 0}</td>
                        <td class="num">{r.summary.counts?.update ?? 0}</td>
                        <td class="num">{r.summary.counts?.problem ?? 0}</td>
                        <td>{r.createdBy ?? '—'}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </section>
        </Show>
      </div>
    </Show>
  );
}
