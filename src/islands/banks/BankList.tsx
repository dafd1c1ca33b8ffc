// /manage/banks/ — the banks a trainer can see (the read-only official bank, and the banks of the
// units they manage): create a bank, rename it, switch it open/closed with an explanation of what
// that means for answer keys. The server decides who may change what (canEdit; RLS).
import { createResource, createSignal, For, onMount, Show } from 'solid-js';
import { api, signInUrl } from '../../client/api.ts';
import { hasStoredSession } from '../../client/session-hint.ts';
import type { Bank, Unit } from '../../client/banks-api.ts';
import { localePath, translator, type Locale } from '../../i18n/index.ts';
import { banksTr, banksZh, type BanksKey } from '../../i18n/banks.ts';
import { areaSay, localDetail, localFieldErrors } from '../../client/problem-text.ts';
import LoadError from '../shared/LoadError.tsx';
import NoAccess from '../shared/NoAccess.tsx';
import { errorStatus, valueOf } from '../shared/resource.ts';

export default function BankList(props: { locale: Locale }) {
  const tr = translator(props.locale);
  const t = banksTr(props.locale);
  const [data, { refetch }] = createResource(() => (hasStoredSession() ? true : null), () => api<{ banks: Bank[]; units: Unit[] }>('/api/manage/banks'));
  const [creating, setCreating] = createSignal(false);
  const [name, setName] = createSignal('');
  const [description, setDescription] = createSignal('');
  const [unit, setUnit] = createSignal('');
  const [visibility, setVisibility] = createSignal<'open' | 'closed'>('closed');
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [message, setMessage] = createSignal<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [renaming, setRenaming] = createSignal<string | null>(null);
  const [newName, setNewName] = createSignal('');
  onMount(() => { if (!hasStoredSession()) location.assign(signInUrl()); });

  const units = () => valueOf(data)?.units ?? [];
  const fail = (e: unknown) => {
    // In the page's language from the problem's codes (src/client/problem-text.ts).
    const say = areaSay<BanksKey>(banksZh, t);
    setErrors(localFieldErrors(e, props.locale, say));
    setMessage({ kind: 'error', text: localDetail(e, props.locale, say) });
  };

  const create = async (ev: Event) => {
    ev.preventDefault();
    setErrors({});
    try {
      const r = await api<{ bank: Bank }>('/api/manage/banks', { method: 'POST', body: { name: name(), description: description(), orgUnitId: unit() || units()[0]?.id, visibility: visibility() } });
      setMessage({ kind: 'success', text: t('banks.created', { name: r.bank.name }) });
      setCreating(false);
      setName('');
      setDescription('');
      await refetch();
    } catch (e) { fail(e); }
  };

  const patch = async (bank: Bank, body: Record<string, unknown>) => {
    try {
      await api(`/api/manage/banks/${encodeURIComponent(bank.id)}`, { method: 'PATCH', body });
      setMessage({ kind: 'success', text: t('banks.changed') });
      setRenaming(null);
      await refetch();
    } catch (e) { fail(e); }
  };
  const toggle = (bank: Bank) => {
    const next = bank.visibility === 'open' ? 'closed' : 'open';
    if (!confirm(next === 'open' ? t('banks.confirmOpen') : t('banks.confirmClose'))) return;
    void patch(bank, { visibility: next });
  };

  return (
    <Show when={errorStatus(data) !== 403} fallback={<NoAccess locale={props.locale} tr={tr} />}>
      <Show when={!data.error} fallback={<LoadError error={data.error} onRetry={refetch} tr={tr} />}>
        <div class="stack">
          <div class="cluster">
            <button type="button" class="btn btn-primary" onClick={() => setCreating(!creating())} aria-expanded={creating()}>{t('banks.new')}</button>
            <a class="btn btn-secondary" href={localePath(props.locale, '/manage/import/')}>{t('nav.import')}</a>
            <a class="btn btn-secondary" href={localePath(props.locale, '/manage/review/')}>{t('nav.review')}</a>
          </div>
          <Show when={message()}>{(m) => <p class={`alert alert-${m().kind}`} role="status">{m().text}</p>}</Show>
          <Show when={creating()}>
            <form class="card stack bank-form" onSubmit={create} novalidate>
              <div class="field">
                <label class="label" for="bank-name">{t('banks.name')}</label>
                <input id="bank-name" class="input" value={name()} onInput={(e) => setName(e.currentTarget.value)} maxLength={200} required aria-invalid={Boolean(errors().name)} />
                <Show when={errors().name}><p class="field-error">{errors().name}</p></Show>
              </div>
              <div class="field">
                <label class="label" for="bank-desc">{t('banks.description')}</label>
                <input id="bank-desc" class="input" value={description()} onInput={(e) => setDescription(e.currentTarget.value)} maxLength={2000} />
              </div>
              <div class="field">
                <label class="label" for="bank-unit">{t('banks.unit')}</label>
                <select id="bank-unit" class="input" value={unit() || units()[0]?.id || ''} onChange={(e) => setUnit(e.currentTarget.value)}>
                  <For each={units()}>{(u) => <option value={u.id} selected={u.id === (unit() || units()[0]?.id)}>{'　'.repeat(Math.max(0, u.depth))}{u.name}</option>}</For>
                </select>
                <Show when={errors().orgUnitId}><p class="field-error">{errors().orgUnitId}</p></Show>
              </div>
              <fieldset class="field">
                <legend class="label">{t('banks.visibility')}</legend>
                <label class="bank-radio"><input type="radio" name="bank-vis" checked={visibility() === 'closed'} onChange={() => setVisibility('closed')} /> {t('banks.closed')}</label>
                <p class="hint">{t('banks.closedHelp')}</p>
                <label class="bank-radio"><input type="radio" name="bank-vis" checked={visibility() === 'open'} onChange={() => setVisibility('open')} /> {t('banks.open')}</label>
                <p class="hint">{t('banks.openHelp')}</p>
              </fieldset>
              <div class="cluster">
                <button type="submit" class="btn btn-primary">{t('banks.create')}</button>
                <button type="button" class="btn btn-ghost" onClick={() => setCreating(false)}>{t('banks.cancel')}</button>
              </div>
            </form>
          </Show>
          <Show when={valueOf(data)} fallback={<div class="skeleton app-fallback" />}>
            {(d) => (
              <Show when={d().banks.length} fallback={<p class="empty">{t('banks.none')}</p>}>
                <div class="table-wrap">
                  <table class="table bank-table">
                    <thead><tr>
                      <th scope="col">{t('banks.col.name')}</th><th scope="col">{t('banks.col.unit')}</th><th scope="col">{t('banks.col.visibility')}</th>
                      <th scope="col">{t('banks.col.count')}</th><th scope="col">{t('banks.col.review')}</th><th scope="col">{t('banks.col.actions')}</th>
                    </tr></thead>
                    <tbody>
                      <For each={d().banks}>{(b) => (
                        <tr data-bank={b.id}>
                          <td>
                            <Show when={renaming() === b.id} fallback={<a href={`${localePath(props.locale, '/manage/banks/bank/')}?id=${encodeURIComponent(b.id)}`}>{b.readOnly ? t('banks.official') : b.name}</a>}>
                              <form class="cluster" onSubmit={(e) => { e.preventDefault(); void patch(b, { name: newName() }); }}>
                                <input class="input" aria-label={t('banks.name')} value={newName()} onInput={(e) => setNewName(e.currentTarget.value)} maxLength={200} />
                                <button class="btn btn-primary btn-sm" type="submit">{t('banks.save')}</button>
                                <button class="btn btn-ghost btn-sm" type="button" onClick={() => setRenaming(null)}>{t('banks.cancel')}</button>
                              </form>
                            </Show>
                            <Show when={b.description}><div class="muted small">{b.description}</div></Show>
                          </td>
                          <td>{b.orgUnit?.name ?? '—'}</td>
                          <td>
                            <span class={`badge ${b.visibility === 'open' ? 'badge-primary' : ''}`} title={b.visibility === 'open' ? t('banks.openHelp') : t('banks.closedHelp')}>
                              {b.visibility === 'open' ? t('banks.open.badge') : t('banks.closed.badge')}
                            </span>
                            <Show when={b.readOnly}> <span class="badge">{t('banks.readOnly')}</span></Show>
                          </td>
                          <td>{t('banks.counts', { active: b.counts.active, retired: b.counts.retired })}</td>
                          <td>{b.counts.needsReview ? <span class="badge badge-danger">{b.counts.needsReview}</span> : '—'}</td>
                          <td class="cluster">
                            <a class="btn btn-secondary btn-sm" href={`${localePath(props.locale, '/manage/banks/bank/')}?id=${encodeURIComponent(b.id)}`}>{t('banks.openBank')}</a>
                            <Show when={b.canEdit && !b.readOnly}>
                              <button type="button" class="btn btn-ghost btn-sm" onClick={() => { setNewName(b.name); setRenaming(b.id); }}>{t('banks.rename')}</button>
                              <button type="button" class="btn btn-ghost btn-sm" onClick={() => toggle(b)}>{b.visibility === 'open' ? t('banks.closeAction') : t('banks.openAction')}</button>
                            </Show>
                          </td>
                        </tr>
                      )}</For>
                    </tbody>
                  </table>
                </div>
              </Show>
            )}
          </Show>
        </div>
      </Show>
    </Show>
  );
}
