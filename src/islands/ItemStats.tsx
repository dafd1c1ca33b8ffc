// /manage/exams/stats/?id= — item statistics for one exam (trainers who administer it): per exam n,
// mean, median, SD, alpha (KR-20), SEM and a score histogram (chart.js, numbers also in a table);
// per question facility, discrimination (27 % groups), corrected point-biserial, discriminative
// efficiency and option frequencies, with flags. A flagged question links to the bank editor.
import { createEffect, createResource, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { signInUrl } from '../client/api.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import { getExamStats, type ExamStatsBody } from '../client/trainer-api.ts';
import { formatNumber, optionLetter } from '../client/format.ts';
import { localePath, translator, type Locale } from '../i18n/index.ts';
import { examsTr, type ExamsKey } from '../i18n/trainer-exams.ts';
import { trueFalseLabel } from '../i18n/question-types.ts';
import LoadError from './shared/LoadError.tsx';
import NoAccess from './shared/NoAccess.tsx';
import { errorStatus, valueOf } from './shared/resource.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

const fmt = (x: number | null, d = 2) => (x === null ? '—' : x.toFixed(d));

export default function ItemStats(props: { locale: Locale }) {
  const tx = examsTr(props.locale);
  const tr = translator(props.locale);
  const id = new URLSearchParams(location.search).get('id') ?? '';
  const [which, setWhich] = createSignal<'first' | 'all'>('first');
  const [stats, { refetch }] = createResource(() => (hasStoredSession() && id ? which() : null), (w) => getExamStats(id, w));
  onMount(() => { if (!hasStoredSession()) location.assign(signInUrl()); });

  let canvas: HTMLCanvasElement | undefined;
  let chart: Chart | undefined;
  createEffect(() => {
    const s = valueOf(stats);
    if (!s || !canvas) return;
    chart?.destroy();
    chart = new Chart(canvas, {
      type: 'bar',
      data: { labels: s.histogram.map((b) => `${b.from}–${b.to}%`), datasets: [{ label: tx('s.count'), data: s.histogram.map((b) => b.count), backgroundColor: '#2f6f8f' }] },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  });
  onCleanup(() => chart?.destroy());

  const bankEditor = (qid: string) => localePath(props.locale, `/manage/questions/edit/?id=${encodeURIComponent(qid)}`);
  return (
    <div class="vstack item-stats" data-testid="item-stats">
      <Show when={errorStatus(stats) === 403}><NoAccess locale={props.locale} tr={tr} error={stats.error} /></Show>
      <Show when={stats.error && errorStatus(stats) !== 403}><LoadError error={stats.error} onRetry={() => void refetch()} tr={tr} /></Show>
      <Show when={stats.loading && !valueOf(stats)}><span class="skeleton" style={{ height: '12rem' }} /></Show>
      <Show when={valueOf(stats)}>{(sv) => {
        const s = () => sv() as ExamStatsBody;
        return (
          <>
            <div class="cluster">
              <h2>{s().exam.title}</h2>
              <label class="check small"><input type="radio" name="which" checked={which() === 'first'} onChange={() => setWhich('first')} /> {tx('s.first')}</label>
              <label class="check small"><input type="radio" name="which" checked={which() === 'all'} onChange={() => setWhich('all')} /> {tx('s.all')}</label>
            </div>
            <Show when={s().smallSample}><p class="alert alert-warning" data-testid="small-sample">{tx('s.small', { n: s().thresholds.smallSample })}</p></Show>
            <dl class="stat-grid card" data-testid="exam-summary">
              <div><dt>{tx('s.n')}</dt><dd>{s().n}</dd></div>
              <div><dt>{tx('s.mean')}</dt><dd>{s().mean === null ? '—' : `${formatNumber(s().mean)}%`}</dd></div>
              <div><dt>{tx('s.median')}</dt><dd>{s().median === null ? '—' : `${formatNumber(s().median)}%`}</dd></div>
              <div><dt>{tx('s.sd')}</dt><dd>{fmt(s().sd)}</dd></div>
              <div><dt>{tx('s.alpha')}</dt><dd>{fmt(s().alpha, 3)}</dd></div>
              <div><dt>{tx('s.sem')}</dt><dd>{fmt(s().sem)}</dd></div>
            </dl>
            <Show when={s().n > 0} fallback={<p class="card empty">{tx('s.none')}</p>}>
              <section class="card" aria-labelledby="hist-title">
                <h3 id="hist-title" class="card-title">{tx('s.histogram')}</h3>
                <div class="chart-box"><canvas ref={canvas} aria-hidden="true" /></div>
                <div class="table-wrap"><table class="table small">
                  <thead><tr><th scope="col">{tx('s.bin')}</th><For each={s().histogram}>{(b) => <th scope="col" class="num">{b.from}–{b.to}%</th>}</For></tr></thead>
                  <tbody><tr><th scope="row">{tx('s.count')}</th><For each={s().histogram}>{(b) => <td class="num">{b.count}</td>}</For></tr></tbody>
                </table></div>
              </section>
              <section aria-labelledby="items-title">
                <h3 id="items-title">{tx('s.items')}</h3>
                <p class="muted small">{tx('s.legend', { easy: s().thresholds.easy, hard: s().thresholds.hard, low: s().thresholds.lowDiscrimination })}</p>
                <div class="table-wrap">
                  <table class="table item-table" data-testid="item-table">
                    <thead><tr>
                      <th scope="col">{tx('s.q')}</th><th scope="col" class="num">n</th><th scope="col" class="num">{tx('s.facility')}</th>
                      <th scope="col" class="num">{tx('s.di')}</th><th scope="col" class="num">{tx('s.rpb')}</th><th scope="col" class="num">{tx('s.de')}</th>
                      <th scope="col">{tx('s.groups')}</th><th scope="col">{tx('s.options')}</th><th scope="col">{tx('s.flags')}</th>
                    </tr></thead>
                    <tbody>
                      <For each={s().items}>{(it) => (
                        <tr class={it.flags.length ? 'flagged' : ''} data-testid="item-row">
                          <td data-label={tx('s.q')}><span class="mono small">{it.questionId}</span><div class="small stem-cut">{it.stem.length > 50 ? `${it.stem.slice(0, 50)}…` : it.stem}</div></td>
                          <td class="num">{it.n}</td>
                          <td class="num" data-testid="facility">{fmt(it.facility)}</td>
                          <td class="num" data-testid="discrimination">{fmt(it.discriminationIndex)}</td>
                          <td class="num">{fmt(it.pointBiserial)}</td>
                          <td class="num">{fmt(it.discriminativeEfficiency)}</td>
                          <td class="small">{fmt(it.upperGroup.facility)} / {fmt(it.lowerGroup.facility)}</td>
                          <td class="small">
                            <For each={it.options}>{(o, i) => (
                              <span class={`opt${o.correct ? ' opt-right' : ''}${!o.correct && o.count === 0 ? ' opt-unused' : ''}`} title={it.type === 'truefalse' ? trueFalseLabel(props.locale, o.id === 'true') : o.text}>
                                {it.type === 'truefalse' ? trueFalseLabel(props.locale, o.id === 'true') : optionLetter(i())} {o.count}
                              </span>
                            )}</For>
                            <Show when={it.unanswered > 0}><span class="muted"> · {tx('s.unanswered', { n: it.unanswered })}</span></Show>
                          </td>
                          <td class="small">
                            <For each={it.flags}>{(f) => <span class="badge badge-hr">{tx(`s.flag.${f}` as ExamsKey)}</span>}</For>
                            <Show when={it.flags.length > 0}><div><a href={bankEditor(it.questionId)}>{tx('s.editQuestion')}</a></div></Show>
                          </td>
                        </tr>
                      )}</For>
                    </tbody>
                  </table>
                </div>
              </section>
            </Show>
          </>
        );
      }}</Show>
    </div>
  );
}
