// /live/play/?id=… — the phone: answer pad and buzzer. The member signs in as themselves, is
// seated in their team (this device; a reload keeps the seat, another device takes it over), and
// sees the question, the countdown from the server clock, their own answer and, after the reveal,
// the right answer with its explanation. Works at 360 px in WeChat/WeCom in-app browsers.
import { createEffect, createSignal, For, Match, on, onMount, Show, Switch } from 'solid-js';
import { api, ApiError, signInUrl } from '../client/api.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import type { Locale } from '../i18n/index.ts';
import { liveZh, lv, type LiveKey } from '../i18n/live.ts';
import { areaSay, localDetail } from '../client/problem-text.ts';
import type { PersonalState } from '../core/live-contest.ts';
import { answerText, contestIdFromLocation, createLiveFeed, createTicker, deviceId, isRightOption, letter, requestId, secondsLeft, shownPhase } from './live/feed.ts';

type Personal = PersonalState & { serverNow: number; memberId: string; teamId: string | null; hosts: boolean; hasAllRound?: boolean };

export default function LivePlay(props: { locale: Locale }) {
  const t = (k: LiveKey, v?: Record<string, string | number>) => lv(props.locale, k, v);
  // A refusal (too late, not your turn …) in the page's language from its code (src/client/problem-text.ts).
  const refusal = (e: unknown) => localDetail(e, props.locale, areaSay<LiveKey>(liveZh, t, 'play.err.'));
  const id = contestIdFromLocation();
  const device = deviceId();
  const [me, setMe] = createSignal<Personal | null>(null);
  const [problem, setProblem] = createSignal<string | null>(null);
  const [fatal, setFatal] = createSignal<string | null>(null);
  const [choice, setChoice] = createSignal<unknown>(null);
  const [blanks, setBlanks] = createSignal<string[]>([]);
  const [busy, setBusy] = createSignal(false);
  const tick = createTicker();

  onMount(() => {
    if (!hasStoredSession()) location.assign(signInUrl());
  });
  if (!id) return <p class="alert alert-error">{t('live.notFound')}</p>;

  const loadMe = async () => {
    try {
      setMe(await api<Personal>(`/api/live/${id}/me?device=${device}`));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setFatal(t('live.notInTeam'));
    }
  };
  const sit = async () => {
    try {
      setMe(await api<Personal>(`/api/live/${id}/join`, { method: 'POST', body: { device } }));
      setFatal(null);
    } catch (e) {
      if (e instanceof ApiError && (e.status === 403 || e.status === 404)) setFatal(t('live.notInTeam'));
      else setProblem(refusal(e));
    }
  };
  void sit();

  // The personal part changes only with the question, its phase or the contest's status (my own
  // actions return it): fetched again when those move, and every few seconds in case this seat
  // was taken over on another device — not on every version (a room of answers bumps it often).
  let personalKey = '';
  let personalAt = 0;
  const feed = createLiveFeed(id, {
    onView: (v) => {
      const key = `${v.status}|${v.question?.ref ?? ''}|${v.question?.phase ?? ''}|${v.question?.winner?.teamId ?? ''}`;
      if (key !== personalKey || Date.now() - personalAt > 5000) {
        personalKey = key;
        personalAt = Date.now();
        void loadMe();
      }
    },
  });
  const now = () => { tick(); return feed.serverNow(); };
  const q = () => feed.view()?.question ?? null;
  const phase = () => { const v = feed.view(); const qq = q(); return v && qq ? shownPhase(qq, now(), v.status === 'paused') : null; };
  const myTeam = () => me()?.seat?.teamId ?? me()?.teamId ?? null;
  const teamName = (teamId: string | null) => feed.view()?.teams.find((x) => x.id === teamId)?.name ?? '';
  const mine = () => { const m = me()?.mine; const qq = q(); return m && qq && m.ref === qq.ref ? m : null; };
  const kind = () => feed.view()?.round?.kind ?? null;
  const left = () => {
    const qq = q();
    if (!qq) return null;
    if (qq.phase === 'open') return secondsLeft(qq.closesAt, now());
    if (qq.phase === 'buzzed') return secondsLeft(qq.answerClosesAt, now());
    return null;
  };

  // A new question clears the pad.
  createEffect(on(() => q()?.ref, () => { setChoice(null); setBlanks([]); setProblem(null); }));

  const send = async (body: Record<string, unknown>) => {
    if (busy()) return;
    setBusy(true);
    setProblem(null);
    const rid = requestId();
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const r = await api<{ personal: PersonalState }>(`/api/live/${id}/play`, { method: 'POST', body: { requestId: rid, device, ref: q()!.ref, ...body } });
        setMe((old) => (old ? { ...old, ...r.personal } : old));
        void feed.refresh();
        break;
      } catch (e) {
        // A dropped connection: the same requestId is sent again, and the server keeps one event.
        if (e instanceof ApiError && e.status === 0 && attempt < 2) continue;
        if (e instanceof ApiError && e.problem.code === 'seat_taken_over') void loadMe();
        setProblem(refusal(e));
        break;
      }
    }
    setBusy(false);
  };

  const canAnswer = () => {
    const qq = q();
    const k = kind();
    const m = mine();
    if (!qq || !k || !me()?.seat?.thisDevice) return false;
    if (m?.answered || m?.teamAnswered) return false;
    if (k === 'all') return phase() === 'open';
    if (k === 'required' || k === 'risk') return qq.turnTeamId === myTeam() && phase() === 'open';
    return qq.winner?.teamId === myTeam() && phase() === 'buzzed';
  };
  const canBuzz = () => {
    const qq = q();
    const k = kind();
    if (!qq || (k !== 'buzz' && k !== 'sudden_death') || !me()?.seat?.thisDevice) return false;
    if (qq.eligibleTeamIds && !qq.eligibleTeamIds.includes(myTeam() ?? '')) return false;
    if (qq.fouls.some((f) => f.teamId === myTeam()) || qq.buzzes.some((b) => b.teamId === myTeam())) return false;
    return phase() === 'shown' || phase() === 'open' || phase() === 'buzzed';
  };
  const response = () => {
    const qq = q()!;
    if (qq.content.type === 'fill') return Array.from({ length: qq.content.blankCount ?? 1 }, (_, i) => blanks()[i] ?? '');
    return choice();
  };
  const toggle = (optionId: string) => {
    const qq = q()!;
    if (qq.content.type === 'multiple') {
      const cur = Array.isArray(choice()) ? (choice() as string[]) : [];
      setChoice(cur.includes(optionId) ? cur.filter((x) => x !== optionId) : [...cur, optionId]);
    } else setChoice(optionId);
  };
  const selected = (optionId: string) => (Array.isArray(choice()) ? (choice() as string[]).includes(optionId) : choice() === optionId);

  return (
    <div class="live-play" data-testid="live-play">
      <Show when={!fatal()} fallback={<p class="alert alert-warning" data-testid="play-fatal">{fatal()}</p>}>
        <Show when={feed.view()} fallback={<p class="lp-wait">{t('live.joining')}</p>}>
          {(v) => (
            <>
              <header class="lp-head">
                <div class="lp-title">{v().title}</div>
                <Show when={myTeam()}>
                  <div class="lp-team" data-testid="play-team">
                    <span>{t('live.playTeam', { team: teamName(myTeam()) })}</span>
                    <strong>{v().teams.find((x) => x.id === myTeam())?.score ?? ''}</strong>
                  </div>
                </Show>
              </header>
              <Show when={feed.offline()}><p class="lp-offline" role="status">{t('live.offline')}</p></Show>
              <Show when={me() && me()!.seat && !me()!.seat!.thisDevice}>
                <div class="alert alert-warning lp-taken" data-testid="play-taken-over">
                  <span>{t('live.takenOver')}</span>
                  <button type="button" class="btn btn-primary" onClick={() => void sit()}>{t('live.takeBack')}</button>
                </div>
              </Show>
              <Show when={problem()}><p class="alert alert-error" role="alert" data-testid="play-problem">{problem()}</p></Show>
              <Switch>
                <Match when={v().status === 'finished'}>
                  <div class="lp-card lp-final" data-testid="play-final">
                    <h2>{t('live.finalRanking')}</h2>
                    <ol class="lp-ranking"><For each={v().teams}>{(x) => <li class={x.id === myTeam() ? 'lp-mine' : ''}><span>{x.rank}</span><span>{x.name}</span><strong>{x.score}</strong></li>}</For></ol>
                    <Show when={me()?.hasAllRound}><p class="muted" data-testid="play-my-points">{t('live.myPoints', { n: me()?.myPoints ?? 0 })}</p></Show>
                  </div>
                </Match>
                <Match when={!q()}>
                  <p class="lp-card lp-wait" data-testid="play-wait">{v().status === 'paused' ? t('live.paused') : t('live.waitHost')}</p>
                </Match>
                <Match when={q()}>
                  {(qq) => (
                    <div class="lp-card lp-question" data-testid="play-question" data-phase={phase()}>
                      <div class="lp-qhead">
                        <span>{v().round ? t(`live.kind.${v().round!.kind}` as LiveKey) : ''} · {t('live.question', { n: qq().number })}</span>
                        <span class="lp-phase">{v().status === 'paused' ? t('live.paused') : t(`live.phase.${phase()}` as LiveKey)}</span>
                        <Show when={left() !== null}><strong class="lp-count" data-testid="play-countdown">{t('live.secondsLeft', { n: left()! })}</strong></Show>
                      </div>
                      <Show when={qq().turnTeamId && qq().turnTeamId !== myTeam()}><p class="lp-note">{t('live.notYourTurn', { team: teamName(qq().turnTeamId) })}</p></Show>
                      <Show when={qq().eligibleTeamIds && !qq().eligibleTeamIds!.includes(myTeam() ?? '')}>
                        <p class="lp-note" data-testid="play-not-eligible">{t('live.onlyEligible', { list: qq().eligibleTeamIds!.map(teamName).join(props.locale === 'en' ? ', ' : '、') })}</p>
                      </Show>
                      <p class="lp-stem">{qq().content.stem}</p>

                      <Show when={kind() === 'risk' && qq().turnTeamId === myTeam() && phase() === 'shown'}>
                        <div class="lp-stakes" role="group" aria-label={t('live.chooseStake')}>
                          <p>{t('live.chooseStake')}</p>
                          <For each={v().stakes}>{(s) => <button type="button" class={`btn ${qq().stake === s ? 'btn-primary' : 'btn-secondary'} lp-stake`} disabled={busy()} onClick={() => void send({ kind: 'stake', stake: s })}>{s}</button>}</For>
                        </div>
                      </Show>

                      <Show when={canBuzz()}>
                        <button type="button" class="lp-buzzer" data-testid="play-buzz" disabled={busy()} onClick={() => void send({ kind: 'buzz' })}>{t('live.buzz')}</button>
                      </Show>
                      <Show when={mine()?.buzz}>
                        {(b) => <p class={`lp-buzz-state lp-buzz-${b()}`} data-testid="play-buzz-state">{b() === 'won' ? t('live.buzzWon') : b() === 'foul' ? t('live.buzzFoul') : t('live.buzzLaterMine')}</p>}
                      </Show>

                      <Show when={qq().content.type === 'fill'} fallback={
                        <div class="lp-options" role="group">
                          <For each={qq().content.type === 'truefalse' ? [{ id: 'true', text: t('live.true') }, { id: 'false', text: t('live.false') }] : qq().content.options}>
                            {(o, i) => {
                              const value = () => (qq().content.type === 'truefalse' ? o.id === 'true' : o.id);
                              const isSel = () => (qq().content.type === 'truefalse' ? choice() === value() : selected(o.id));
                              const right = () => qq().reveal && (qq().content.type === 'truefalse' ? qq().reveal!.answer === value() : isRightOption(qq().reveal!.answer, o.id));
                              return (
                                <button type="button" class={`lp-option${isSel() ? ' lp-selected' : ''}${right() ? ' lp-right' : ''}`} aria-pressed={isSel()}
                                  disabled={!canAnswer() || busy()} data-testid="play-option"
                                  onClick={() => (qq().content.type === 'truefalse' ? setChoice(value()) : toggle(o.id))}>
                                  <span class="lp-letter">{qq().content.type === 'truefalse' ? '' : letter(i())}</span><span>{o.text}</span>
                                </button>
                              );
                            }}
                          </For>
                        </div>
                      }>
                        <div class="lp-blanks">
                          <For each={Array.from({ length: qq().content.blankCount ?? 1 }, (_, i) => i)}>
                            {(i) => <label class="field"><span class="label">{t('live.blank', { n: i + 1 })}</span>
                              <input class="input" disabled={!canAnswer()} value={blanks()[i] ?? ''} onInput={(e) => { const b = [...blanks()]; b[i] = e.currentTarget.value; setBlanks(b); }} /></label>}
                          </For>
                        </div>
                      </Show>

                      <Show when={canAnswer()}>
                        <button type="button" class="btn btn-primary btn-lg btn-block lp-submit" data-testid="play-submit"
                          disabled={busy() || choice() === null && qq().content.type !== 'fill'} onClick={() => void send({ kind: 'answer', response: response() })}>{t('live.submit')}</button>
                      </Show>
                      <Show when={mine()?.answered && !qq().reveal}><p class="lp-submitted" data-testid="play-submitted">{t('live.submitted')}</p></Show>
                      <Show when={!mine()?.answered && mine()?.teamAnswered && !qq().reveal}><p class="lp-submitted">{t('live.teamSubmitted')}</p></Show>

                      <Show when={qq().reveal}>
                        {(r) => (
                          <div class="lp-reveal" data-testid="play-reveal">
                            <Show when={mine()?.correct !== null && mine()?.correct !== undefined && (mine()?.answered || mine()?.teamAnswered)}>
                              <p class={mine()!.correct ? 'lp-right-msg' : 'lp-wrong-msg'}>{mine()!.correct ? t('live.youRight') : t('live.youWrong')}
                                <Show when={mine()!.points !== null}> · {t('live.yourPoints', { n: mine()!.points! })}</Show></p>
                            </Show>
                            <p><span class="muted">{t('live.answerKey')}</span> <strong>{answerText(r().answer, qq().content.options, t('live.true'), t('live.false'))}</strong></p>
                            <Show when={r().explanation}><p class="lp-explain">{r().explanation}</p></Show>
                            <Show when={r().source}>{(s) => <p class="muted">{t('live.source')} 《{s().title}》{s().article ?? ''}</p>}</Show>
                          </div>
                        )}
                      </Show>
                    </div>
                  )}
                </Match>
              </Switch>
            </>
          )}
        </Show>
      </Show>
    </div>
  );
}
