// /manage/banks/bank/?id= — one bank's questions: search and filters (type, topic, difficulty,
// instrument + article, tag, status, needs review), keyset paging that stays fast for 10,000+
// questions, bulk actions (tag, move, copy, retire, restore), import and export. The table never
// carries answer keys; the editor and exports fetch them from trainer-only endpoints.
import { createMemo, createResource, createSignal, For, onMount, Show } from 'solid-js';
import { api, signInUrl } from '../../client/api.ts';
import { hasStoredSession } from '../../client/session-hint.ts';
import { download, sourceLabel, type Bank, type QuestionPage } from '../../client/banks-api.ts';
import { QUESTION_TYPES } from '../../core/questions.ts';
import { localePath, translator, type Locale } from '../../i18n/index.ts';
import { banksTr, banksZh, type BanksKey } from '../../i18n/banks.ts';
import { areaSay, localDetail } from '../../client/problem-text.ts';
import LoadError from '../shared/LoadError.tsx';
import NoAccess from '../shared/NoAccess.tsx';
import { errorStatus, valueOf } from '../shared/resource.ts';

export interface RegisterEntry { id: string; short: string; title: string; articles: number[] }

type Filters = { q: string; type: string; topic: string; difficulty: string; instrument: string; article: string; tag: string; status: string; review: boolean };
const EMPTY: Filters = { q: '', type: '', topic: '', difficulty: '', instrument: '', article: '', tag: '', status: 'active', review: false };

export default function BankQuestions(props: { locale: Locale; register: RegisterEntry[] }) {
  const tr = translator(props.locale);
  const t = banksTr(props.locale);
  const params = new URLSearchParams(location.search);
  const bankId = params.get('id') ?? 'official';
  const instruments = new Map(props.register.map((r) => [r.id, r.short]));
  const [filters, setFilters] = createSignal<Filters>({ ...EMPTY, review: params.get('review') === '1' });
  const [draftQ, setDraftQ] = createSignal('');
  const [cursors, setCursors] = createSignal<string[]>([]); // cursors of the pages before the current one
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [selected, setSelected] = createSignal<Set<string>>(new Set());
  const [message, setMessage] = createSignal<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [bulkAction, setBulkAction] = createSignal('');
  const [bulkTags, setBulkTags] = createSignal('');
  const [bulkTarget, setBulkTarget] = createSignal('');
  onMount(() => { if (!hasStoredSession()) location.assign(signInUrl()); });

  const query = createMemo(() => {
    const f = filters();
    const q = new URLSearchParams({ bank: bankId, limit: '50', status: f.status });
    for (const k of ['q', 'type', 'topic', 'difficulty', 'instrument', 'article', 'tag'] as const) if (f[k]) q.set(k, f[k]);
    if (f.review) q.set('review', '1');
    return q;
  });
  const [page, { refetch }] = createResource(() => (hasStoredSession() ? `${query()}|${cursor() ?? ''}` : null), () => {
    const q = new URLSearchParams(query());
    if (cursor()) q.set('cursor', cursor()!);
    return api<QuestionPage>(`/api/manage/questions?${q}`);
  });
  const [banks] = createResource(() => (hasStoredSession() ? true : null), () => api<{ banks: Bank[] }>('/api/manage/banks'));
  const bank = () => valueOf(page)?.bank;
  const editable = () => Boolean(bank()?.canEdit && !bank()?.readOnly);
  const targets = () => (valueOf(banks)?.banks ?? []).filter((b) => b.canEdit && !b.readOnly && b.id !== bankId);

  const setFilter = <K extends keyof Filters>(k: K, v: Filters[K]) => {
    setFilters({ ...filters(), [k]: v });
    setCursors([]);
    setCursor(null);
    setSelected(new Set<string>());
  };
  const next = () => { const n = valueOf(page)?.nextCursor; if (n) { setCursors([...cursors(), cursor() ?? '']); setCursor(n); } };
  const prev = () => { const c = [...cursors()]; const p = c.pop(); setCursors(c); setCursor(p ? p : null); };
  const toggle = (id: string) => { const s = new Set(selected()); if (s.has(id)) s.delete(id); else s.add(id); setSelected(s); };
  const selectPage = () => setSelected(new Set((valueOf(page)?.rows ?? []).map((r) => r.id)));

  const runBulk = async () => {
    const action = bulkAction();
    const ids = [...selected()];
    if (!action || !ids.length) return;
    const body: Record<string, unknown> = { action, ids };
    if (action === 'tag' || action === 'untag') body.tags = bulkTags().split(/[,，、\s]+/).map((s) => s.trim()).filter(Boolean);
    if (action === 'move' || action === 'copy') body.targetBankId = bulkTarget() || targets()[0]?.id;
    try {
      const r = await api<{ changed: number }>('/api/manage/question-actions', { method: 'POST', body });
      setMessage({ kind: 'success', text: t('table.done', { n: r.changed }) });
      setSelected(new Set<string>());
      await refetch();
    } catch (e) {
      setMessage({ kind: 'error', text: localDetail(e, props.locale, areaSay<BanksKey>(banksZh, t)) });
    }
  };
  const exportAs = async (format: 'xlsx' | 'gift' | 'moodle-xml', filtered: boolean) => {
    const q = filtered ? new URLSearchParams(query()) : new URLSearchParams({ bank: bankId, status: 'all' });
    q.delete('limit');
    q.set('format', format);
    if (selected().size && filtered) q.set('ids', [...selected()].join(','));
    try {
      await download(`/api/manage/question-export?${q}`, `${bankId}.${format === 'xlsx' ? 'xlsx' : format === 'gift' ? 'gift.txt' : 'xml'}`);
    } catch (e) {
      setMessage({ kind: 'error', text: localDetail(e, props.locale, areaSay<BanksKey>(banksZh, t)) });
    }
  };

  const editHref = (id: string) => `${localePath(props.locale, '/manage/questions/edit/')}?id=${encodeURIComponent(id)}`;
  const articles = () => props.register.find((r) => r.id === filters().instrument)?.articles ?? [];

  return (
    <Show when={errorStatus(page) !== 403} fallback={<NoAccess locale={props.locale} tr={tr} />}>
      <div class="stack">
        <a class="back-link" href={localePath(props.locale, '/manage/banks/')}>← {t('table.back')}</a>
        <header class="page-head">
          <h1>{bank()?.readOnly ? t('banks.official') : bank()?.name ?? t('banks.title')}</h1>
          <Show when={bank()}>{(b) => <p class="muted">{b().orgUnit?.name ?? ''} · {b().visibility === 'open' ? t('banks.openHelp') : t('banks.closedHelp')}</p>}</Show>
        </header>
        <Show when={bank()?.readOnly}><p class="alert alert-info">{t('table.readOnlyNote')}</p></Show>
        <div class="cluster">
          <Show when={editable()}>
            <a class="btn btn-primary" href={`${localePath(props.locale, '/manage/questions/edit/')}?bank=${encodeURIComponent(bankId)}`}>{t('table.newQuestion')}</a>
            <a class="btn btn-secondary" href={`${localePath(props.locale, '/manage/import/')}?bank=${encodeURIComponent(bankId)}`}>{t('table.import')}</a>
          </Show>
          <button type="button" class="btn btn-secondary" onClick={() => void exportAs('xlsx', false)}>{t('table.export')} Excel</button>
          <button type="button" class="btn btn-ghost" onClick={() => void exportAs('gift', false)}>GIFT</button>
          <button type="button" class="btn btn-ghost" onClick={() => void exportAs('moodle-xml', false)}>Moodle XML</button>
          <button type="button" class="btn btn-ghost" onClick={() => void exportAs('xlsx', true)}>{t('table.exportSelection')}</button>
        </div>
        <form class="bank-filters" onSubmit={(e) => { e.preventDefault(); setFilter('q', draftQ()); }} role="search">
          <input class="input" type="search" placeholder={t('table.search')} aria-label={t('table.search')} value={draftQ()} onInput={(e) => setDraftQ(e.currentTarget.value)} onChange={(e) => setFilter('q', e.currentTarget.value)} />
          <select class="input" aria-label={t('table.type')} value={filters().type} onChange={(e) => setFilter('type', e.currentTarget.value)}>
            <option value="">{t('table.type')}: {t('table.any')}</option>
            <For each={QUESTION_TYPES}>{(ty) => <option value={ty}>{t(`type.${ty}` as BanksKey)}</option>}</For>
          </select>
          <select class="input" aria-label={t('table.topic')} value={filters().topic} onChange={(e) => setFilter('topic', e.currentTarget.value)}>
            <option value="">{t('table.topic')}: {t('table.any')}</option>
            <For each={valueOf(page)?.facets.topics ?? []}>{(x) => <option value={x} selected={x === filters().topic}>{x}</option>}</For>
          </select>
          <select class="input" aria-label={t('table.difficulty')} value={filters().difficulty} onChange={(e) => setFilter('difficulty', e.currentTarget.value)}>
            <option value="">{t('table.difficulty')}: {t('table.any')}</option>
            <For each={[1, 2, 3, 4, 5]}>{(d) => <option value={String(d)}>{d}</option>}</For>
          </select>
          <select class="input" aria-label={t('table.instrument')} value={filters().instrument} onChange={(e) => { setFilters({ ...filters(), article: '' }); setFilter('instrument', e.currentTarget.value); }}>
            <option value="">{t('table.instrument')}: {t('table.any')}</option>
            <For each={props.register}>{(r) => <option value={r.id}>{r.short}</option>}</For>
          </select>
          <Show when={filters().instrument && articles().length}>
            <select class="input" aria-label={t('table.article')} value={filters().article} onChange={(e) => setFilter('article', e.currentTarget.value)}>
              <option value="">{t('table.article')}: {t('table.any')}</option>
              <For each={articles()}>{(a) => <option value={String(a)}>第{a}条</option>}</For>
            </select>
          </Show>
          <select class="input" aria-label={t('table.tag')} value={filters().tag} onChange={(e) => setFilter('tag', e.currentTarget.value)}>
            <option value="">{t('table.tag')}: {t('table.any')}</option>
            <For each={valueOf(page)?.facets.tags ?? []}>{(x) => <option value={x} selected={x === filters().tag}>{x}</option>}</For>
          </select>
          <select class="input" aria-label={t('table.status')} value={filters().status} onChange={(e) => setFilter('status', e.currentTarget.value)}>
            <option value="active">{t('table.status.active')}</option>
            <option value="retired">{t('table.status.retired')}</option>
            <option value="all">{t('table.status.all')}</option>
          </select>
          <label class="bank-check"><input type="checkbox" checked={filters().review} onChange={(e) => setFilter('review', e.currentTarget.checked)} /> {t('table.needsReview')}</label>
        </form>
        <Show when={message()}>{(m) => <p class={`alert alert-${m().kind}`} role="status">{m().text}</p>}</Show>
        <div class="cluster bank-bulk">
          <span class="muted">{t('table.selected', { n: selected().size })}</span>
          <button type="button" class="btn btn-ghost btn-sm" onClick={selectPage}>{t('table.selectAll')}</button>
          <select class="input" aria-label={t('table.apply')} value={bulkAction()} onChange={(e) => setBulkAction(e.currentTarget.value)}>
            <option value="">—</option>
            <Show when={editable()}>
              <option value="tag">{t('table.bulkTag')}</option>
              <option value="untag">{t('table.bulkUntag')}</option>
              <option value="move">{t('table.bulkMove')}</option>
              <option value="retire">{t('table.bulkRetire')}</option>
              <option value="restore">{t('table.bulkRestore')}</option>
            </Show>
            <option value="copy">{t('table.bulkCopy')}</option>
          </select>
          <Show when={bulkAction() === 'tag' || bulkAction() === 'untag'}>
            <input class="input" aria-label={t('table.tagPrompt')} placeholder={t('table.tagPrompt')} value={bulkTags()} onInput={(e) => setBulkTags(e.currentTarget.value)} />
          </Show>
          <Show when={bulkAction() === 'move' || bulkAction() === 'copy'}>
            <select class="input" aria-label={t('table.targetBank')} value={bulkTarget() || targets()[0]?.id || ''} onChange={(e) => setBulkTarget(e.currentTarget.value)}>
              <For each={targets()}>{(b) => <option value={b.id} selected={b.id === (bulkTarget() || targets()[0]?.id)}>{b.name}</option>}</For>
            </select>
          </Show>
          <button type="button" class="btn btn-secondary btn-sm" disabled={!bulkAction() || !selected().size} onClick={() => void runBulk()}>{t('table.apply')}</button>
        </div>
        <Show when={!page.error} fallback={<LoadError error={page.error} onRetry={refetch} tr={tr} />}>
          <Show when={valueOf(page)} fallback={<div class="skeleton app-fallback" />}>
            {(p) => (
              <>
                <p class="muted small">{t('table.total', { n: p().total })} · {t('table.facilityNote')}</p>
                <Show when={p().rows.length} fallback={<p class="empty">{t('table.empty')}</p>}>
                  <div class="table-wrap">
                    <table class="table question-table">
                      <thead><tr>
                        <th scope="col"><span class="visually-hidden">{t('table.selectAll')}</span></th>
                        <th scope="col">{t('table.col.stem')}</th><th scope="col">{t('table.col.type')}</th><th scope="col">{t('table.col.topic')}</th>
                        <th scope="col">{t('table.col.difficulty')}</th><th scope="col">{t('table.col.source')}</th><th scope="col">{t('table.col.tags')}</th>
                        <th scope="col">{t('table.col.status')}</th><th scope="col">{t('table.col.used')}</th><th scope="col">{t('table.col.facility')}</th>
                      </tr></thead>
                      <tbody>
                        <For each={p().rows}>{(r) => (
                          <tr data-question={r.id}>
                            <td><input type="checkbox" aria-label={r.id} checked={selected().has(r.id)} onChange={() => toggle(r.id)} /></td>
                            <td class="q-cell">
                              <a href={editHref(r.id)}>{r.stem.length > 80 ? `${r.stem.slice(0, 80)}…` : r.stem}</a>
                              <Show when={r.needsReview}> <span class="badge badge-danger">{t('table.reviewFlag')}</span></Show>
                            </td>
                            <td>{t(`type.${r.type}` as BanksKey)}</td>
                            <td>{r.topic}</td>
                            <td>{r.difficulty}</td>
                            <td>{sourceLabel(r.source, instruments)}</td>
                            <td>{r.tags.join('、')}</td>
                            <td>{r.status === 'active' ? t('table.status.active') : t('table.status.retired')}</td>
                            <td>{r.timesUsed}</td>
                            <td>{r.facility === null ? '—' : `${Math.round(r.facility * 100)}%`}</td>
                          </tr>
                        )}</For>
                      </tbody>
                    </table>
                  </div>
                </Show>
                <div class="cluster">
                  <button type="button" class="btn btn-secondary btn-sm" disabled={!cursors().length} onClick={prev}>{t('table.prev')}</button>
                  <button type="button" class="btn btn-secondary btn-sm" disabled={!p().nextCursor} onClick={next}>{t('table.next')}</button>
                </div>
              </>
            )}
          </Show>
        </Show>
      </div>
    </Show>
  );
}
