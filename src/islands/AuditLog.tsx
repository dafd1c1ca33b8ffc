// /manage/audit/ — HR and admins: the audit log (who, when, what, before → after, why), filtered by
// person, exam and period, newest first, paged backwards. RLS decides which entries: HR the ones
// about people and units of their subtree, admins all. Read-only: the log is append-only.
import { createResource, createSignal, For, onMount, Show } from 'solid-js';
import { signInUrl } from '../client/api.ts';
import { areaSay, localFieldErrors } from '../client/problem-text.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import { formatDateTime } from '../client/format.ts';
import { getAudit, getChoices, type AuditEntry } from '../client/hr-api.ts';
import { ACTION_LABELS, actionLabel, hrTr, hrZh, langOf } from '../i18n/hr.ts';
import { describeChange, entityText, reasonText } from '../client/audit-format.ts';
import { translator, type Locale } from '../i18n/index.ts';
import LoadError from './shared/LoadError.tsx';
import NoAccess from './shared/NoAccess.tsx';
import { errorStatus, valueOf } from './shared/resource.ts';

interface Filters { person?: string; examId?: string; period?: string; action?: string }

/** A bad filter's refusal in the page's language: this area's `err.*` texts, then the generic ones. */
const hrSay = (locale: Locale) => areaSay(hrZh, hrTr(locale));

export default function AuditLog(props: { locale: Locale }) {
  const t = hrTr(props.locale);
  const tr = translator(props.locale);
  const url = new URLSearchParams(location.search);
  const [filters, setFilters] = createSignal<Filters>({
    person: url.get('person') ?? undefined, examId: url.get('examId') ?? undefined, period: url.get('period') ?? undefined, action: url.get('action') ?? undefined,
  });
  const [pages, setPages] = createSignal<AuditEntry[][]>([]);
  const [next, setNext] = createSignal<number | null>(null);
  const [names, setNames] = createSignal<Record<string, string>>({});
  const [first, { refetch }] = createResource(() => (hasStoredSession() ? filters() : null), async (f) => {
    const r = await getAudit(f);
    setPages([r.entries]);
    setNames(r.names ?? {});
    setNext(r.nextBefore);
    return r;
  });
  const [choices] = createResource(() => (hasStoredSession() ? true : null), () => getChoices().catch(() => null));
  const entries = () => pages().flat();
  const forbidden = () => errorStatus(first) === 403;
  // A bad filter's field errors in the page's language (a malformed period …), from the server's codes.
  const badFilter = () => (errorStatus(first) === 400 ? localFieldErrors(first.error, props.locale, hrSay(props.locale)) : {});
  const lang = langOf(props.locale);
  const labels = ACTION_LABELS[lang];

  onMount(() => { if (!hasStoredSession()) location.assign(signInUrl()); });

  const more = async () => {
    const before = next();
    if (before === null) return;
    const r = await getAudit({ ...filters(), before });
    setPages([...pages(), r.entries]);
    setNames({ ...names(), ...(r.names ?? {}) });
    setNext(r.nextBefore);
  };
  const apply = (e: SubmitEvent) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const v = (k: string) => String(f.get(k) ?? '').trim() || undefined;
    const nf = { person: v('person'), examId: v('examId'), period: v('period'), action: v('action') };
    setFilters(nf);
    const q = new URLSearchParams(Object.entries(nf).filter(([, x]) => x) as [string, string][]);
    try { history.replaceState(history.state, '', `${location.pathname}${q.size ? `?${q}` : ''}`); } catch { /* fine */ }
  };

  return (
    <div class="vstack hr-page">
      <Show when={forbidden()}><NoAccess locale={props.locale} tr={tr} roles={['hr', 'admin']} /></Show>
      <Show when={!forbidden()}>
        <form class="card hr-controls" onSubmit={apply} data-testid="au-filters">
          <label class="field">
            <span class="label">{t('au.person')}</span>
            <input class="input mono" name="person" value={filters().person ?? ''} aria-invalid={!!badFilter().person} />
          </label>
          <label class="field">
            <span class="label">{t('au.exam')}</span>
            <select class="select" name="examId" value={filters().examId ?? ''} aria-invalid={!!badFilter().examId}>
              <option value="">{t('au.anyExam')}</option>
              <For each={valueOf(choices)?.exams ?? []}>{(e) => <option value={e.id}>{e.title}</option>}</For>
            </select>
            <Show when={badFilter().examId}><span class="field-error">{badFilter().examId}</span></Show>
          </label>
          <label class="field">
            <span class="label">{t('rp.period')}</span>
            <input class="input mono" name="period" value={filters().period ?? ''} placeholder={t('as.periodHint')} aria-invalid={!!badFilter().period} />
            <Show when={badFilter().period}><span class="field-error">{badFilter().period}</span></Show>
          </label>
          <label class="field">
            <span class="label">{t('au.action')}</span>
            <select class="select" name="action" value={filters().action ?? ''}>
              <option value="">{t('au.anyAction')}</option>
              <For each={Object.entries(labels)}>{([k, v]) => <option value={k}>{v}</option>}</For>
            </select>
          </label>
          <button type="submit" class="btn btn-primary">{t('au.filter')}</button>
        </form>
        <Show when={first.error && !forbidden() && errorStatus(first) !== 400}><LoadError error={first.error} onRetry={() => void refetch()} tr={tr} /></Show>
        <Show when={first.loading && pages().length === 0}><span class="skeleton" style={{ height: '12rem' }} /></Show>
        <Show when={valueOf(first)}>
          <Show when={entries().length > 0} fallback={<p class="card empty">{t('au.empty')}</p>}>
            <div class="table-wrap">
              <table class="table audit-table" data-testid="au-table">
                <thead><tr>
                  <th scope="col">{t('au.col.at')}</th><th scope="col">{t('au.col.actor')}</th><th scope="col">{t('au.col.action')}</th>
                  <th scope="col">{t('au.col.subject')}</th><th scope="col">{t('au.col.change')}</th><th scope="col">{t('au.col.reason')}</th>
                </tr></thead>
                <tbody>
                  <For each={entries()}>
                    {(e) => (
                      <tr data-action={e.action}>
                        <td data-label={t('au.col.at')} class="nowrap">{formatDateTime(e.at, props.locale)}</td>
                        <td data-label={t('au.col.actor')}>{e.actor.employeeNo ? `${e.actor.name}（${e.actor.employeeNo}）` : t('au.system')}</td>
                        <td data-label={t('au.col.action')}><span class="badge">{actionLabel(e.action, lang)}</span></td>
                        <td data-label={t('au.col.subject')}>
                          <Show when={e.subject}>{(s) => <div>{s().name}（{s().employeeNo}）<span class="muted"> {s().org}</span></div>}</Show>
                          <Show when={!e.subject && entityText(e, lang, names())}>{(x) => <div>{x()}</div>}</Show>
                          <Show when={e.examTitle}><div class="muted small">{e.examTitle}</div></Show>
                          <Show when={e.period}><div class="muted small mono">{e.period}</div></Show>
                        </td>
                        <td data-label={t('au.col.change')}>
                          <dl class="audit-fields">
                            <For each={describeChange(e, lang, names())}>
                              {(c) => (
                                <div classList={{ 'audit-unchanged': !c.changed }}>
                                  <dt>{c.label}</dt>
                                  <dd>
                                    <Show when={c.from !== null} fallback={<span>{c.to}</span>}>
                                      <span class="muted">{c.from}</span> → <strong>{c.to}</strong>
                                      <Show when={!c.changed}> <span class="muted small">{t('au.unchanged')}</span></Show>
                                    </Show>
                                  </dd>
                                </div>
                              )}
                            </For>
                          </dl>
                        </td>
                        <td data-label={t('au.col.reason')}>{reasonText(e.reason, lang, names())}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
            <Show when={next() !== null}><button type="button" class="btn btn-secondary" onClick={() => void more()}>{t('au.more')}</button></Show>
          </Show>
        </Show>
      </Show>
    </div>
  );
}
