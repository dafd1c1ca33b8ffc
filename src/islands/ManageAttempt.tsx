// /manage/attempt/?id=<attemptId> — trainer/HR/admin view of one attempt: the person, score,
// every answer (with the key once finished), the recorded behaviour (focus loss, copy, paste), the
// score history (regrades, hand marks: audit entries) and, for trainers who administer the exam, a
// regrade action (reason required, confirmed; POST /api/attempts/:id/regrade).
import { createResource, createSignal, For, onMount, Show } from 'solid-js';
import { signInUrl } from '../client/api.ts';
import { fetchMe, hasStoredSession } from '../client/session-hint.ts';
import { getManageAttempt, regradeAttempt, type RegradeResult } from '../client/exam-api.ts';
import { ApiError } from '../client/api.ts';
import { areaSay, localDetail, localFieldErrors } from '../client/problem-text.ts';
import { examsTr, examsZh, type ExamsKey } from '../i18n/trainer-exams.ts';
import { describeChange, reasonText } from '../client/audit-format.ts';
import { actionLabel, hrTr, langOf } from '../i18n/hr.ts';
import { formatDateTime, formatNumber, type TitleMaps } from '../client/format.ts';
import { localePath, translator, type Locale, type UiKey } from '../i18n/index.ts';
import { ReviewItem } from './exam/ResultView.tsx';
import LoadError from './shared/LoadError.tsx';
import NoAccess from './shared/NoAccess.tsx';
import { errorStatus, valueOf } from './shared/resource.ts';

const EVENT_KINDS = ['focus_loss', 'copy', 'paste', 'fullscreen_exit', 'resume', 'forced_submit'];

export default function ManageAttempt(props: { locale: Locale; titles?: TitleMaps }) {
  const tr = translator(props.locale);
  const id = new URLSearchParams(location.search).get('id') ?? '';
  const [data, { refetch }] = createResource(() => (id && hasStoredSession() ? id : null), getManageAttempt);
  // Without an id: who is asking decides which lists to offer (the report is for HR and administrators).
  const [me] = createResource(() => (!id && hasStoredSession() ? true : null), () => fetchMe().catch(() => null));
  const readsReports = () => (valueOf(me) as { roles?: string[] } | null | undefined)?.roles?.some((r) => r === 'hr' || r === 'admin') ?? false;
  onMount(() => {
    if (!hasStoredSession()) location.assign(signInUrl());
  });

  const t = hrTr(props.locale);
  const lang = langOf(props.locale);
  const [regradeOpen, setRegradeOpen] = createSignal(false);
  const [reason, setReason] = createSignal('');
  const [reasonError, setReasonError] = createSignal<string | null>(null);
  const [working, setWorking] = createSignal(false);
  const [result, setResult] = createSignal<RegradeResult | null>(null);
  const scoreOf = (x: { score: number | null; maxScore: number | null }) => `${formatNumber(x.score)} / ${formatNumber(x.maxScore)}`;

  const submitRegrade = async (e: SubmitEvent) => {
    e.preventDefault();
    const text = reason().trim();
    if (text.length < 3) { setReasonError(t('ad.reasonShort')); return; }
    if (!window.confirm(t('ad.confirm'))) return;
    setWorking(true);
    setReasonError(null);
    try {
      const r = await regradeAttempt(id, text);
      setResult(r);
      setRegradeOpen(false);
      setReason('');
      void refetch();
    } catch (err) {
      // Field errors (a too-short reason) and refusals (in progress, not your exam) both go next to the field.
      // In the page's language from the problem's codes (src/client/problem-text.ts); grading refusals share the exam texts.
      const say = areaSay<ExamsKey>(examsZh, examsTr(props.locale));
      setReasonError(err instanceof ApiError ? localFieldErrors(err, props.locale, say).reason ?? localDetail(err, props.locale, say) : String(err));
    } finally {
      setWorking(false);
    }
  };

  const eventLabel = (kind: string) => (EVENT_KINDS.indexOf(kind) !== -1 ? tr(`attemptDetail.event.${kind}` as UiKey) : kind);

  return (
    <div class="vstack-lg">
      <a class="back-link" href={localePath(props.locale, `/manage/results/${valueOf(data)?.attempt.examId ? `?examId=${encodeURIComponent(valueOf(data)!.attempt.examId)}` : ''}`)}>
        ‹ {tr('attemptDetail.back')}
      </a>
      {/* Opened without ?id= (a bookmark, a trimmed link): say what the page is for and where attempts are listed. */}
      <Show when={!id}>
        <section class="card stack" aria-labelledby="attempt-no-id-title" data-testid="attempt-no-id">
          <h2 id="attempt-no-id-title" class="card-title">{t('ad.noIdTitle')}</h2>
          <p class="muted">{t('ad.noIdBody')}</p>
          <div class="cluster">
            <a class="btn btn-primary" href={localePath(props.locale, '/manage/results/')}>{t('ad.noIdResults')}</a>
            <Show when={readsReports()}>
              <a class="btn btn-secondary" href={localePath(props.locale, '/manage/reports/')}>{t('ad.noIdReports')}</a>
            </Show>
          </div>
        </section>
      </Show>
      <Show when={data.loading}>
        <div class="card runner-loading" role="status"><span class="spinner" aria-hidden="true" />{tr('app.loading')}</div>
      </Show>
      <Show when={errorStatus(data) === 403}>
        <NoAccess locale={props.locale} tr={tr} error={data.error} />
      </Show>
      <Show when={data.error && errorStatus(data) !== 403}>
        <LoadError error={data.error} onRetry={() => void refetch()} tr={tr} />
      </Show>
      <Show when={valueOf(data)}>
        {(d) => {
          const a = () => d().attempt;
          const finished = () => a().state !== 'in_progress';
          return (
            <>
              <section class="card" aria-labelledby="ad-title">
                <p class="eyebrow-muted">{tr('attemptDetail.title')} · {a().examTitle}</p>
                <h1 id="ad-title" class="result-title">
                  {a().name} <span class="muted mono small">{a().employeeNo}</span>
                </h1>
                <dl class="facts">
                  <div><dt>{tr('manage.col.org')}</dt><dd>{a().orgName}</dd></div>
                  <div><dt>{tr('manage.col.state')}</dt><dd>{tr(`result.state.${a().state}` as UiKey)} · {tr('results.attempt', { n: a().attemptNo })}</dd></div>
                  <div><dt>{tr('attemptDetail.started')}</dt><dd>{formatDateTime(a().startedAt, props.locale)}</dd></div>
                  <div><dt>{tr('attemptDetail.deadline')}</dt><dd>{formatDateTime(a().deadline, props.locale)}</dd></div>
                  <div><dt>{tr('manage.col.finished')}</dt><dd>{formatDateTime(a().finishedAt, props.locale)}</dd></div>
                  <div>
                    <dt>{tr('manage.col.score')}</dt>
                    <dd>
                      <strong>{formatNumber(a().score)}</strong> / {formatNumber(a().maxScore)}
                      <Show when={a().percent !== null}> · {formatNumber(a().percent)}%</Show>
                      <Show when={a().passed !== null}>
                        {' '}
                        <span class={`badge ${a().passed ? 'badge-trainer' : 'badge-danger'}`}>{a().passed ? tr('result.passed') : tr('result.failed')}</span>
                      </Show>
                    </dd>
                  </div>
                  <div><dt>{tr('manage.col.focus')}</dt><dd>{a().focusLosses}</dd></div>
                </dl>
              </section>

              <Show when={result()}>
                {(r) => (
                  <p class="alert alert-success" role="status" data-testid="ad-regrade-result">
                    {scoreOf(r().before) === scoreOf(r().after) ? t('ad.doneSame', { to: scoreOf(r().after) }) : t('ad.done', { from: scoreOf(r().before), to: scoreOf(r().after) })}
                    <Show when={r().changedSlots.length > 0}> {t('ad.changedSlots', { list: r().changedSlots.join('、') })}</Show>
                  </p>
                )}
              </Show>
              <Show when={d().canRegrade && finished()}>
                <section class="card vstack" aria-labelledby="ad-regrade" data-testid="ad-regrade">
                  <h2 id="ad-regrade" class="section-title">{t('ad.regrade')}</h2>
                  <p class="muted small">{t('ad.regradeIntro')}</p>
                  <Show when={regradeOpen()} fallback={
                    <div><button type="button" class="btn btn-secondary" onClick={() => { setRegradeOpen(true); setResult(null); }}>{t('ad.regrade')}</button></div>
                  }>
                    <form class="vstack" onSubmit={(e) => void submitRegrade(e)} novalidate>
                      <label class="field">
                        <span class="label">{t('ad.reason')}</span>
                        <textarea class="textarea" name="reason" rows="2" maxLength={1000} required placeholder={t('ad.reasonHint')}
                          value={reason()} onInput={(e) => { setReason(e.currentTarget.value); setReasonError(null); }}
                          aria-invalid={reasonError() !== null} aria-describedby="ad-reason-error" />
                        <Show when={reasonError()}><span class="field-error" id="ad-reason-error" role="alert">{reasonError()}</span></Show>
                      </label>
                      <div class="cluster">
                        <button type="submit" class="btn btn-primary" disabled={working()}>{working() ? t('ad.working') : t('ad.submit')}</button>
                        <button type="button" class="btn btn-ghost" disabled={working()} onClick={() => { setRegradeOpen(false); setReasonError(null); }}>{t('ad.cancel')}</button>
                      </div>
                    </form>
                  </Show>
                </section>
              </Show>

              <section aria-labelledby="ad-history" data-testid="ad-history">
                <h2 id="ad-history" class="section-title">{t('ad.history')}</h2>
                <Show when={d().audit.length > 0} fallback={<p class="muted">{t('ad.noHistory')}</p>}>
                  <p class="muted small">{t('ad.historyIntro')}</p>
                  <div class="table-wrap">
                    <table class="table">
                      <thead>
                        <tr><th scope="col">{tr('attemptDetail.time')}</th><th scope="col">{t('au.col.actor')}</th><th scope="col">{t('au.col.action')}</th><th scope="col">{t('au.col.change')}</th><th scope="col">{t('au.col.reason')}</th></tr>
                      </thead>
                      <tbody>
                        <For each={d().audit}>
                          {(en) => (
                            <tr>
                              <td class="nowrap">{formatDateTime(en.at, props.locale)}</td>
                              <td>{en.actor.employeeNo ? `${en.actor.name}（${en.actor.employeeNo}）` : t('au.system')}</td>
                              <td><span class="badge">{actionLabel(en.action, lang)}</span></td>
                              <td>
                                <For each={describeChange(en, lang, {})}>
                                  {(c) => <div class="small"><span class="muted">{c.label}：</span>{c.from === null ? c.to : `${c.from} → ${c.to}`}</div>}
                                </For>
                              </td>
                              <td>{reasonText(en.reason, lang, {})}</td>
                            </tr>
                          )}
                        </For>
                      </tbody>
                    </table>
                  </div>
                </Show>
              </section>

              <section aria-labelledby="ad-events">
                <h2 id="ad-events" class="section-title">{t('ad.events')}</h2>
                <Show when={d().events.length > 0} fallback={<p class="muted">{t('ad.noEvents')}</p>}>
                  <div class="table-wrap">
                    <table class="table">
                      <thead>
                        <tr><th scope="col">{tr('attemptDetail.time')}</th><th scope="col">{tr('attemptDetail.kind')}</th><th scope="col">{tr('exam.navigator')}</th></tr>
                      </thead>
                      <tbody>
                        <For each={d().events}>
                          {(ev) => (
                            <tr>
                              <td>{formatDateTime(ev.at, props.locale)}:{new Date(ev.at).getSeconds().toString().padStart(2, '0')}</td>
                              <td>{eventLabel(ev.kind)}</td>
                              <td>{ev.detail && typeof ev.detail.slot === 'number' && ev.detail.slot > 0 ? tr('exam.goTo', { n: ev.detail.slot }) : '—'}</td>
                            </tr>
                          )}
                        </For>
                      </tbody>
                    </table>
                  </div>
                </Show>
              </section>

              <section aria-labelledby="ad-questions">
                <h2 id="ad-questions" class="section-title">{tr('result.questions')}</h2>
                <Show when={finished() && !d().keys.rightAnswers}>
                  <p class="muted small" role="note">{tr('attemptDetail.keysWithheld')}</p>
                </Show>
                <ol class="review-list" role="list">
                  <For each={d().slots}>
                    {(s) => (
                      <ReviewItem
                        slot={s}
                        locale={props.locale}
                        titles={props.titles}
                        flags={{ correctness: finished(), rightAnswers: finished() && d().keys.rightAnswers, explanations: finished() && d().keys.explanations }}
                      />
                    )}
                  </For>
                </ol>
              </section>
            </>
          );
        }}
      </Show>
    </div>
  );
}
