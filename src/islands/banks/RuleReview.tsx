// /manage/review/ — after a rule change: record that an instrument (or one article) was amended,
// superseded or repealed; see the questions and lessons citing it, flagged "needs review" and kept
// out of new papers; keep, edit (in the editor) or retire each question; mark lessons checked; and
// the log of recorded changes (from content updates or by hand).
import { createResource, createSignal, For, onMount, Show } from 'solid-js';
import { api, signInUrl } from '../../client/api.ts';
import { hasStoredSession } from '../../client/session-hint.ts';
import type { ReviewData, ReviewReason } from '../../client/banks-api.ts';
import { localePath, translator, type Locale } from '../../i18n/index.ts';
import { banksTr, banksZh, type BanksKey } from '../../i18n/banks.ts';
import { areaSay, localDetail } from '../../client/problem-text.ts';
import { lt, type LearningKey } from '../../i18n/learning.ts';
import LoadError from '../shared/LoadError.tsx';
import NoAccess from '../shared/NoAccess.tsx';
import { errorStatus, valueOf } from '../shared/resource.ts';
import type { RegisterEntry } from './BankQuestions.tsx';

export default function RuleReview(props: { locale: Locale; register: RegisterEntry[] }) {
  const tr = translator(props.locale);
  const t = banksTr(props.locale);
  const [data, { refetch }] = createResource(() => (hasStoredSession() ? true : null), () => api<ReviewData>('/api/manage/review'));
  const [instrument, setInstrument] = createSignal(props.register[0]?.id ?? '');
  const [article, setArticle] = createSignal('');
  const [change, setChange] = createSignal<'amended' | 'superseded' | 'repealed'>('amended');
  const [note, setNote] = createSignal('');
  const [effective, setEffective] = createSignal('');
  const [message, setMessage] = createSignal<{ kind: 'success' | 'error'; text: string } | null>(null);
  onMount(() => { if (!hasStoredSession()) location.assign(signInUrl()); });
  const names = new Map(props.register.map((r) => [r.id, r.short]));
  const articles = () => props.register.find((r) => r.id === instrument())?.articles ?? [];
  const why = (r: ReviewReason | null) => (r ? `${names.get(r.instrument) ?? r.instrument}${r.article ? ` 第${r.article}条` : ''} ${t(`rv.change.${r.change}` as BanksKey)}${r.note ? `（${r.note}）` : ''}` : '');
  const fail = (e: unknown) => setMessage({ kind: 'error', text: localDetail(e, props.locale, areaSay<BanksKey>(banksZh, t)) });

  const record = async (ev: Event) => {
    ev.preventDefault();
    try {
      const r = await api<{ ruleChange: { flaggedQuestions: number; flaggedLessons: number } }>('/api/manage/rule-changes', {
        method: 'POST', body: { instrumentId: instrument(), article: article() ? Number(article()) : null, change: change(), note: note(), effectiveOn: effective() || null },
      });
      setMessage({ kind: 'success', text: t('rv.recorded', { q: r.ruleChange.flaggedQuestions, l: r.ruleChange.flaggedLessons }) });
      setNote('');
      await refetch();
    } catch (e) { fail(e); }
  };
  const reviewQuestion = async (id: string, action: 'keep' | 'retire') => {
    try {
      await api(`/api/manage/review/questions/${encodeURIComponent(id)}`, { method: 'POST', body: { action } });
      setMessage({ kind: 'success', text: t('rv.kept') });
      await refetch();
    } catch (e) { fail(e); }
  };
  const keepLesson = async (id: string) => {
    try {
      await api(`/api/manage/review/lessons/${encodeURIComponent(id)}`, { method: 'POST', body: {} });
      await refetch();
    } catch (e) { fail(e); }
  };

  return (
    <Show when={errorStatus(data) !== 403} fallback={<NoAccess locale={props.locale} tr={tr} />}>
      <Show when={!data.error} fallback={<LoadError error={data.error} onRetry={refetch} tr={tr} />}>
        <div class="stack">
          <Show when={message()}>{(m) => <p class={`alert alert-${m().kind}`} role="status">{m().text}</p>}</Show>
          <form class="card stack" onSubmit={record}>
            <h2 class="section-title">{t('rv.register')}</h2>
            <div class="cluster">
              <div class="field">
                <label class="label" for="rv-inst">{t('rv.instrument')}</label>
                <select id="rv-inst" class="input" value={instrument()} onChange={(e) => { setInstrument(e.currentTarget.value); setArticle(''); }}>
                  <For each={props.register}>{(r) => <option value={r.id}>{r.short}</option>}</For>
                </select>
                <Show when={valueOf(data)?.instruments.find((i) => i.id === instrument())}>{(i) => <p class="hint">{t('rv.status', { s: i().status === 'repealed' ? t('rv.change.repealed') : lt(props.locale, `reg.status.${i().status}` as LearningKey) })}</p>}</Show>
              </div>
              <div class="field">
                <label class="label" for="rv-art">{t('rv.article')}</label>
                <select id="rv-art" class="input" value={article()} onChange={(e) => setArticle(e.currentTarget.value)}>
                  <option value="">—</option>
                  <For each={articles()}>{(a) => <option value={String(a)}>第{a}条</option>}</For>
                </select>
              </div>
              <div class="field">
                <label class="label" for="rv-change">{t('rv.change')}</label>
                <select id="rv-change" class="input" value={change()} onChange={(e) => setChange(e.currentTarget.value as 'amended')}>
                  <option value="amended">{t('rv.change.amended')}</option>
                  <option value="superseded">{t('rv.change.superseded')}</option>
                  <option value="repealed">{t('rv.change.repealed')}</option>
                </select>
              </div>
              <div class="field">
                <label class="label" for="rv-eff">{t('rv.effective')}</label>
                <input id="rv-eff" class="input" type="date" value={effective()} onInput={(e) => setEffective(e.currentTarget.value)} />
              </div>
            </div>
            <div class="field">
              <label class="label" for="rv-note">{t('rv.note')}</label>
              <input id="rv-note" class="input" value={note()} onInput={(e) => setNote(e.currentTarget.value)} maxLength={2000} />
            </div>
            <div><button type="submit" class="btn btn-primary">{t('rv.record')}</button></div>
          </form>
          <Show when={valueOf(data)} fallback={<div class="skeleton app-fallback" />}>
            {(d) => (
              <>
                <section class="stack">
                  <h2 class="section-title">{t('rv.questions')}</h2>
                  <Show when={d().questions.length} fallback={<p class="empty">{t('rv.none')}</p>}>
                    <ul class="review-queue">
                      <For each={d().questions}>{(q) => (
                        <li class="card" data-question={q.id}>
                          <p>{q.stem}</p>
                          <p class="muted small">{q.bankName} · {t('rv.why', { what: why(q.reason) })}</p>
                          <Show when={q.canReview} fallback={<p class="muted small">{t('rv.officialOnly')}</p>}>
                            <div class="cluster">
                              <button type="button" class="btn btn-secondary btn-sm" onClick={() => void reviewQuestion(q.id, 'keep')}>{t('rv.keep')}</button>
                              <Show when={q.canRetire}>
                                <a class="btn btn-secondary btn-sm" href={`${localePath(props.locale, '/manage/questions/edit/')}?id=${encodeURIComponent(q.id)}`}>{t('rv.edit')}</a>
                                <button type="button" class="btn btn-ghost btn-sm" onClick={() => void reviewQuestion(q.id, 'retire')}>{t('rv.retire')}</button>
                              </Show>
                            </div>
                            <Show when={q.official}><p class="muted small">{t('rv.officialOnly')}</p></Show>
                          </Show>
                        </li>
                      )}</For>
                    </ul>
                  </Show>
                </section>
                <section class="stack">
                  <h2 class="section-title">{t('rv.lessons')}</h2>
                  <Show when={d().lessons.length} fallback={<p class="empty">{t('rv.noLessons')}</p>}>
                    <ul class="review-queue">
                      <For each={d().lessons}>{(l) => (
                        <li class="card">
                          <p><a href={localePath(props.locale, `/lessons/${l.id}/`)}>{l.title}</a></p>
                          <p class="muted small">{t('rv.why', { what: why(l.reason) })}</p>
                          <button type="button" class="btn btn-secondary btn-sm" onClick={() => void keepLesson(l.id)}>{t('rv.lessonKeep')}</button>
                        </li>
                      )}</For>
                    </ul>
                  </Show>
                </section>
                <section class="stack">
                  <h2 class="section-title">{t('rv.changes')}</h2>
                  <Show when={d().ruleChanges.length} fallback={<p class="empty">{t('rv.noChanges')}</p>}>
                  <div class="table-wrap">
                    <table class="table">
                      <thead><tr><th scope="col">{t('rv.col.when')}</th><th scope="col">{t('rv.col.what')}</th><th scope="col">{t('rv.col.by')}</th><th scope="col">{t('rv.col.flagged')}</th></tr></thead>
                      <tbody>
                        <For each={d().ruleChanges}>{(c) => (
                          <tr>
                            <td>{new Date(c.createdAt).toLocaleString(props.locale === 'en' ? 'en' : 'zh-CN')}</td>
                            <td>{c.instrumentTitle}{c.article ? ` 第${c.article}条` : ''} · {t(`rv.change.${c.change}` as BanksKey)}{c.note ? `（${c.note}）` : ''}</td>
                            <td>{c.createdBy ?? t(`rv.origin.${c.origin}` as BanksKey)}</td>
                            <td>{t('rv.flagged', { q: c.flaggedQuestions, l: c.flaggedLessons })}</td>
                          </tr>
                        )}</For>
                      </tbody>
                    </table>
                  </div>
                  </Show>
                </section>
              </>
            )}
          </Show>
        </div>
      </Show>
    </Show>
  );
}
