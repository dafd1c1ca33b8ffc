// /live/screen/?id=… (and /live/<id>/screen) — the big screen: question, countdown, who buzzed
// first, the reveal, and the scoreboard throughout. No sign-in: the public state is the same for
// everyone. Laid out for 1920×1080 and readable from the back of a room; also fits a laptop.
import { createEffect, createSignal, For, Match, Show, Switch } from 'solid-js';
import QRCode from 'qrcode';
import type { Locale } from '../i18n/index.ts';
import { localePath } from '../i18n/index.ts';
import { lv, type LiveKey } from '../i18n/live.ts';
import { answerText, contestIdFromLocation, createLiveFeed, createTicker, isRightOption, letter, secondsLeft, shownPhase, type LiveView } from './live/feed.ts';

export default function LiveScreen(props: { locale: Locale }) {
  const t = (k: LiveKey, v?: Record<string, string | number>) => lv(props.locale, k, v);
  const id = contestIdFromLocation();
  if (!id) return <p class="alert alert-error">{t('live.notFound')}</p>;
  const feed = createLiveFeed(id);
  const tick = createTicker();
  const [qr, setQr] = createSignal<string>('');
  const joinUrl = (pin: string) => `${location.origin}${localePath(props.locale, '/live/join/')}?pin=${pin}`;

  createEffect(() => {
    const v = feed.view();
    if (!v) return;
    void QRCode.toDataURL(joinUrl(v.pin), { margin: 1, width: 360, errorCorrectionLevel: 'M' }).then(setQr);
  });

  const teamName = (v: LiveView, teamId: string | null) => v.teams.find((x) => x.id === teamId)?.name ?? '';
  const now = () => { tick(); return feed.serverNow(); };
  const q = () => feed.view()?.question ?? null;
  const phase = () => { const v = feed.view(); const qq = q(); return v && qq ? shownPhase(qq, now(), v.status === 'paused') : null; };
  const left = () => {
    const qq = q();
    if (!qq) return null;
    if (qq.remainingMs !== null) return Math.ceil(qq.remainingMs / 1000);
    if (qq.phase === 'open') return secondsLeft(qq.closesAt, now());
    if (qq.phase === 'buzzed') return secondsLeft(qq.answerClosesAt, now());
    return null;
  };

  return (
    <div class="live-screen" data-testid="live-screen">
      <Show when={feed.view()} fallback={<Show when={feed.error()} fallback={<p class="live-screen-wait">…</p>}><p class="alert alert-error">{t('live.loadFailed', { detail: feed.error()! })}</p></Show>}>
        {(v) => (
          <>
            <header class="ls-head">
              <h1 class="ls-title">{v().title}</h1>
              <div class="ls-round">
                <Show when={v().status !== 'finished'} fallback={<span class="ls-kind" data-testid="screen-ended">{t('live.ended')}</span>}>
                  <Show when={v().round}>{(r) => <><span class="ls-kind">{t(`live.kind.${r().kind}` as LiveKey)}</span>{r().title !== t(`live.kind.${r().kind}` as LiveKey) ? ` ${r().title}` : ''}</>}</Show>
                </Show>
              </div>
              <div class="ls-pin" aria-label={t('live.pin')}><span>{t('live.pin')}</span> <strong data-testid="screen-pin">{v().pin}</strong></div>
            </header>
            <Show when={feed.offline()}><div class="ls-offline" role="status">{t('live.offline')}</div></Show>
            <div class="ls-body">
              <main class="ls-stage" aria-live="polite">
                <Switch>
                  <Match when={v().status === 'finished'}>
                    <div class="ls-final" data-testid="screen-final">
                      <h2>{t('live.finished')} · {t('live.finalRanking')}</h2>
                      <ol class="ls-podium">
                        <For each={v().teams.filter((x) => x.rank <= 3)}>
                          {(x) => <li class={`ls-podium-${x.rank}`}><span class="ls-podium-rank">{x.rank}</span><span class="ls-podium-name">{x.name}</span><span class="ls-podium-score">{x.score}</span></li>}
                        </For>
                      </ol>
                    </div>
                  </Match>
                  <Match when={!q()}>
                    <div class="ls-lobby">
                      <h2>{t('live.lobby')}</h2>
                      <p>{t('live.lobbyHint')}</p>
                      <div class="ls-join">
                        <Show when={qr()}><img class="ls-qr" src={qr()} alt={joinUrl(v().pin)} width="360" height="360" /></Show>
                        <div class="ls-join-pin"><span>{t('live.pin')}</span><strong>{v().pin}</strong>
                          {/* The address to type, without the scheme (the PIN is just above); the QR code carries the whole link. */}
                          <span class="ls-join-link" data-testid="screen-join-link">{`${location.host}${localePath(props.locale, '/live/join/')}`}</span></div>
                      </div>
                    </div>
                  </Match>
                  <Match when={q()}>
                    {(qq) => (
                      <div class={`ls-question ls-phase-${phase()}`} data-testid="screen-question" data-phase={phase()}>
                        <div class="ls-qhead">
                          <span class="ls-qno">{t('live.question', { n: qq().number })}{v().round ? ` / ${v().round!.questions}` : ''}</span>
                          <span class="ls-qtype">{t(`live.type.${qq().content.type}` as LiveKey)}</span>
                          <Show when={qq().turnTeamId}><span class="ls-turn">{t('live.turnOf', { team: teamName(v(), qq().turnTeamId) })}</span></Show>
                          <Show when={qq().stake !== null}><span class="ls-stake">{t('live.stakeChosen', { n: qq().stake! })}</span></Show>
                          <span class={`ls-phase`} data-testid="screen-phase">{v().status === 'paused' ? t('live.paused') : t(`live.phase.${phase()}` as LiveKey)}</span>
                          <Show when={left() !== null}><span class="ls-count" data-testid="screen-countdown">{left()}</span></Show>
                        </div>
                        <Show when={qq().eligibleTeamIds}>{(ids) => <p class="ls-eligible">{t('live.eligible', { list: ids().map((x) => teamName(v(), x)).join(props.locale === 'en' ? ', ' : '、') })}</p>}</Show>
                        <p class="ls-stem">{qq().content.stem}</p>
                        <Show when={qq().content.options.length > 0}>
                          <ol class="ls-options">
                            <For each={qq().content.options}>
                              {(o, i) => (
                                <li class={qq().reveal && isRightOption(qq().reveal!.answer, o.id) ? 'ls-right' : ''}>
                                  <span class="ls-letter">{letter(i())}</span><span>{o.text}</span>
                                </li>
                              )}
                            </For>
                          </ol>
                        </Show>
                        <div class="ls-events">
                          <Show when={qq().winner}>{(w) => <p class="ls-winner" data-testid="screen-winner">{t('live.buzzWinner', { team: teamName(v(), w().teamId), name: w().name })}</p>}</Show>
                          <Show when={qq().buzzes.length > 1}><p class="ls-later">{t('live.buzzLater', { list: qq().buzzes.slice(1).map((b) => teamName(v(), b.teamId)).join('、') })}</p></Show>
                          <For each={qq().fouls}>{(f) => <p class="ls-foul">{t('live.foul', { team: teamName(v(), f.teamId), name: f.name })}</p>}</For>
                          <Show when={qq().verdict}>{(vd) => <p class={vd().correct ? 'ls-verdict-right' : 'ls-verdict-wrong'}>{t(vd().correct ? 'live.verdictRight' : 'live.verdictWrong', { team: teamName(v(), vd().teamId) })}</p>}</Show>
                          <Show when={v().round?.kind === 'all' && !qq().reveal}><p class="ls-answered">{t('live.answered', { n: qq().answered })}</p></Show>
                        </div>
                        <Show when={qq().reveal}>
                          {(r) => (
                            <div class="ls-reveal" data-testid="screen-reveal">
                              <p class="ls-answer"><span>{t('live.answerKey')}</span> <strong>{answerText(r().answer, qq().content.options, t('live.true'), t('live.false'))}</strong>
                                <Show when={qq().correctCount !== null}> <span class="ls-correct-count">{t('live.correctCount', { n: qq().correctCount! })}</span></Show>
                              </p>
                              <Show when={r().explanation}><p class="ls-explain"><span>{t('live.explanation')}</span> {r().explanation}</p></Show>
                              <Show when={r().source}>{(s) => <p class="ls-source"><span>{t('live.source')}</span> 《{s().title}》{s().article ?? ''}</p>}</Show>
                            </div>
                          )}
                        </Show>
                      </div>
                    )}
                  </Match>
                </Switch>
              </main>
              <aside class="ls-board" aria-label={t('live.scoreboard')} data-testid="screen-board">
                <h2>{t('live.scoreboard')}</h2>
                <ol>
                  <For each={v().teams}>
                    {(x) => (
                      <li class={`ls-team${x.rank === 1 ? ' ls-lead' : ''}`} data-team={x.id}>
                        <span class="ls-rank">{x.rank}</span>
                        <span class="ls-name">{x.name}<small>{t('live.seated', { n: x.seated })}</small></span>
                        <span class="ls-score" data-testid="screen-score">{x.score}</span>
                      </li>
                    )}
                  </For>
                </ol>
                <Show when={q() && qr()}><div class="ls-board-join"><img src={qr()} alt="" width="120" height="120" /><span>{t('live.pin')} {v().pin}</span></div></Show>
              </aside>
            </div>
          </>
        )}
      </Show>
    </div>
  );
}
