// /live/host/ — live contests for trainers: the list and "new", then for one contest (?id=…) the
// run sheet (teams from org units or by employee number, rounds with picked or drawn questions)
// and the host console (open, countdown, lock, judge, reveal, next, pause, adjust with a reason,
// undo, finish) with big buttons and keyboard shortcuts. Only hosts of the contest's unit get here:
// the API refuses everyone else.
import { createEffect, createResource, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js';
import { api, ApiError, signInUrl } from '../client/api.ts';
import { currentSession } from '../client/supabase.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import { localeFromPath, localePath, type Locale } from '../i18n/index.ts';
import { liveZh, lv, type LiveKey } from '../i18n/live.ts';
import { localDetail, localFieldErrors, type AreaSay } from '../client/problem-text.ts';
import { answerText, createLiveFeed, createTicker, isRightOption, letter, requestId, secondsLeft, shownPhase } from './live/feed.ts';

type Kind = 'required' | 'buzz' | 'risk' | 'all' | 'sudden_death';
const KINDS: Kind[] = ['required', 'buzz', 'risk', 'all', 'sudden_death'];
const TYPES = ['single', 'multiple', 'truefalse', 'fill'] as const;

interface SetupTeam { id: string; name: string; orgUnit: { id: string; code: string; name: string } | null; members: { id: string; employeeNo: string; name: string }[] }
interface SetupQuestion { id: string; questionId: string; type: string; points: number | null; teamId: string | null; stem: string; options: { id: string; text: string }[]; answer: unknown; explanation: string }
interface SetupRound { id: string; kind: Kind; title: string; countdownSec: number | null; questions: SetupQuestion[] }
interface Setup { id: string; title: string; pin: string; started: boolean; version: number; rules: { baseScore: number; buzzCorrect: number; buzzWrong: number; foulPenalty: number; stakes: number[]; allPoints: number; speedBonusMax: number }; teams: SetupTeam[]; rounds: SetupRound[] }

interface TeamDraft { id?: string; name: string; orgUnit: string; members: string }
interface RoundDraft { id?: string; kind: Kind; title: string; countdownSec: string; questionIds: string; drawType: string; drawCount: string; drawTopic: string }

export default function LiveHost(props: { locale: Locale }) {
  const t = (k: LiveKey, v?: Record<string, string | number>) => lv(props.locale, k, v);
  const id = new URLSearchParams(location.search).get('id');
  onMount(() => {
    if (!hasStoredSession()) location.assign(signInUrl());
  });
  return id ? <Contest id={id} locale={props.locale} t={t} /> : <ContestList locale={props.locale} t={t} />;
}

type T = (k: LiveKey, v?: Record<string, string | number>) => string;

// Refusals (a host action out of turn, a run-sheet problem) in the page's language, from their codes:
// the live texts first, then the generic ones (src/client/problem-text.ts).
const pageLocale = () => localeFromPath(location.pathname);
const sayLive: AreaSay = (code, params) => (`err.${code}` in liveZh ? lv(pageLocale(), `err.${code}` as LiveKey, params) : null);
const refusal = (e: unknown) => localDetail(e, pageLocale(), sayLive);
const refusalFields = (e: unknown) => localFieldErrors(e, pageLocale(), sayLive);

function ContestList(props: { locale: Locale; t: T }) {
  const t = props.t;
  const [list, { refetch }] = createResource(() => api<{ contests: { id: string; title: string; pin?: string; started: boolean; finished?: boolean; hosts: boolean; ownerName: string | null }[] }>('/api/live'));
  const [title, setTitle] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const c = await api<{ id: string }>('/api/live', { method: 'POST', body: { title: title() } });
      location.assign(`${localePath(props.locale, '/live/host/')}?id=${c.id}`);
    } catch (err) {
      setError(err instanceof ApiError ? (refusalFields(err).title ?? refusal(err)) : String(err));
    }
  };
  return (
    <div class="stack-lg live-host-list">
      <form class="card stack" onSubmit={create} data-testid="live-create">
        <h2 class="card-title">{t('live.create')}</h2>
        <label class="field"><span class="label">{t('live.createTitle')}</span>
          <input class="input" name="title" required maxlength="200" placeholder={t('live.createTitlePh')} value={title()} onInput={(e) => setTitle(e.currentTarget.value)} aria-invalid={Boolean(error())} aria-describedby="lh-create-error" /></label>
        <Show when={error()}><p class="field-error" id="lh-create-error" role="alert">{error()}</p></Show>
        <div><button class="btn btn-primary" type="submit">{t('live.create')}</button></div>
      </form>
      <section class="stack">
        <h2 class="section-title">{t('live.myContests')}</h2>
        <Show when={list.error}><p class="alert alert-error">{refusal(list.error)} <button class="btn btn-sm btn-secondary" onClick={() => void refetch()}>↻</button></p></Show>
        <Show when={list() && list()!.contests.filter((c) => c.hosts).length === 0}><p class="card empty">{t('live.none')}</p></Show>
        <ul class="lh-contests">
          <For each={list()?.contests.filter((c) => c.hosts) ?? []}>
            {(c) => (
              <li class="card lh-contest">
                <a href={`${localePath(props.locale, '/live/host/')}?id=${c.id}`}><strong>{c.title}</strong></a>
                <span class="badge" data-testid="live-status">{c.finished ? t('live.ended') : c.started ? t('live.started') : t('live.notStarted')}</span>
                <span class="muted">{t('live.pin')} {c.pin} · {c.ownerName}</span>
              </li>
            )}
          </For>
        </ul>
      </section>
    </div>
  );
}

function Contest(props: { id: string; locale: Locale; t: T }) {
  const t = props.t;
  const [setup, { refetch }] = createResource(() => api<Setup>(`/api/live/${props.id}`));
  const [tab, setTab] = createSignal<'setup' | 'console' | null>(null);
  createEffect(() => { const s = setup(); if (s && tab() === null) setTab(s.started || s.rounds.length ? 'console' : 'setup'); });
  const screenHref = () => localePath(props.locale, `/live/${props.id}/screen`);
  return (
    <div class="live-host stack">
      <Show when={setup.error}><p class="alert alert-error" role="alert">{refusal(setup.error)}</p></Show>
      <Show when={setup()}>
        {(s) => (
          <>
            <header class="lh-head">
              <h1>{s().title}</h1>
              <span class="lh-pin">{t('live.pin')} <strong data-testid="host-pin">{s().pin}</strong></span>
              <a class="btn btn-secondary" href={screenHref()} target="_blank" rel="noopener" data-testid="open-screen">{t('live.openScreen')}</a>
              <ExportButton id={props.id} t={t} />
            </header>
            <div class="lh-tabs" role="tablist">
              <button role="tab" class={`btn ${tab() === 'setup' ? 'btn-primary' : 'btn-ghost'}`} aria-selected={tab() === 'setup'} onClick={() => setTab('setup')}>{t('live.tabSetup')}</button>
              <button role="tab" class={`btn ${tab() === 'console' ? 'btn-primary' : 'btn-ghost'}`} aria-selected={tab() === 'console'} onClick={() => setTab('console')} data-testid="tab-console">{t('live.tabConsole')}</button>
            </div>
            <Show when={tab() === 'setup'}><SetupEditor setup={s()} t={t} onSaved={() => void refetch()} /></Show>
            <Show when={tab() === 'console'}><Console setup={s()} t={t} /></Show>
          </>
        )}
      </Show>
    </div>
  );
}

function ExportButton(props: { id: string; t: T }) {
  const [busy, setBusy] = createSignal(false);
  const download = async () => {
    setBusy(true);
    try {
      const session = await currentSession();
      const res = await fetch(`/api/live/${props.id}/export`, { headers: { authorization: `Bearer ${session?.access_token ?? ''}` } });
      if (!res.ok) {
        const doc = (await res.json().catch(() => ({}))) as Record<string, unknown>;
        throw new Error(refusal(new ApiError(res.status, String(doc.title ?? ''), String(doc.detail ?? ''), undefined, doc)));
      }
      const blob = await res.blob();
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'live-contest.xlsx');
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (e) {
      alert((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return <button type="button" class="btn btn-secondary" disabled={busy()} onClick={() => void download()} data-testid="export">{props.t('live.export')}</button>;
}

// ---------------------------------------------------------------------------------------------
// Run sheet

function SetupEditor(props: { setup: Setup; t: T; onSaved: () => void }) {
  const t = props.t;
  const [units] = createResource(() => api<{ units: { id: string; code: string; name: string; kind: string; people?: number; closedAt: string | null }[] }>('/api/org-units').catch(() => ({ units: [] })));
  const teamDrafts = (s: Setup): TeamDraft[] => (s.teams.length
    ? s.teams.map((x) => ({ id: x.id, name: x.name, orgUnit: x.orgUnit?.code ?? '', members: x.orgUnit ? '' : x.members.map((m) => m.employeeNo).join(', ') }))
    : [1, 2, 3, 4].map((n) => ({ name: `第${n}队`, orgUnit: '', members: '' })));
  const roundDrafts = (s: Setup): RoundDraft[] => (s.rounds.length
    ? s.rounds.map((r) => ({ id: r.id, kind: r.kind, title: r.title, countdownSec: r.countdownSec ? String(r.countdownSec) : '', questionIds: r.questions.map((q) => q.questionId).join(', '), drawType: 'single', drawCount: '', drawTopic: '' }))
    : defaultRounds());
  const [teams, setTeams] = createSignal<TeamDraft[]>(teamDrafts(props.setup));
  const [rounds, setRounds] = createSignal<RoundDraft[]>(roundDrafts(props.setup));
  // A saved run sheet comes back with ids and the drawn questions: edit from there.
  createEffect(on(() => props.setup, (s) => { setTeams(teamDrafts(s)); setRounds(roundDrafts(s)); }, { defer: true }));
  function defaultRounds(): RoundDraft[] {
    return [
          { kind: 'required', title: '必答题', countdownSec: '', questionIds: '', drawType: 'single', drawCount: '4', drawTopic: '' },
          { kind: 'buzz', title: '抢答题', countdownSec: '', questionIds: '', drawType: 'truefalse', drawCount: '4', drawTopic: '' },
          { kind: 'risk', title: '风险题', countdownSec: '', questionIds: '', drawType: 'single', drawCount: '4', drawTopic: '' },
          { kind: 'sudden_death', title: '加赛题', countdownSec: '', questionIds: '', drawType: 'single', drawCount: '2', drawTopic: '' },
        ];
  }
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [message, setMessage] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const locked = () => props.setup.started;
  const r = () => props.setup.rules;
  const hint = (k: Kind) => t(`live.kindHint.${k}` as LiveKey, { c: r().buzzCorrect, w: r().buzzWrong, f: r().foulPenalty, stakes: r().stakes.join('/'), p: r().allPoints, b: r().speedBonusMax });
  const err = (path: string) => errors()[path];
  const errUnder = (prefix: string) => Object.entries(errors()).filter(([k]) => k === prefix || k.startsWith(`${prefix}.`)).map(([, v]) => v).join(' ');
  const setTeam = (i: number, patch: Partial<TeamDraft>) => setTeams(teams().map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const setRound = (i: number, patch: Partial<RoundDraft>) => setRounds(rounds().map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const list = (s: string) => s.split(/[\s,，、;；]+/).map((x) => x.trim()).filter(Boolean);
  const unitName = (code: string) => units()?.units.find((u) => u.code === code)?.name ?? '';
  // Picking a unit names the team after it, unless the host already typed a name of their own
  // (anything but the placeholder 第N队, a blank, or the previously picked unit's name).
  const pickUnit = (i: number, code: string) => {
    const cur = teams()[i]!;
    const generated = !cur.name.trim() || /^第\d+队$/.test(cur.name.trim()) || (cur.orgUnit !== '' && cur.name === unitName(cur.orgUnit));
    setTeam(i, { orgUnit: code, ...(generated && code ? { name: unitName(code) } : {}) });
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setMessage(null);
    try {
      await api(`/api/live/${props.setup.id}`, {
        method: 'PUT',
        body: {
          teams: teams().map((x) => ({ ...(x.id ? { id: x.id } : {}), name: x.name, ...(x.orgUnit ? { orgUnit: x.orgUnit } : {}), ...(list(x.members).length ? { members: list(x.members) } : {}) })),
          rounds: rounds().map((x) => ({
            ...(x.id ? { id: x.id } : {}), kind: x.kind, title: x.title, countdownSec: x.countdownSec ? Number(x.countdownSec) : null,
            questions: list(x.questionIds).map((questionId) => ({ questionId })),
            ...(Number(x.drawCount) > 0 ? { draw: [{ type: x.drawType, count: Number(x.drawCount), ...(x.drawTopic ? { topic: x.drawTopic } : {}) }] } : {}),
          })),
        },
      });
      setMessage(t('live.saved'));
      props.onSaved();
    } catch (e2) {
      if (e2 instanceof ApiError) { setErrors(refusalFields(e2)); setMessage(refusal(e2)); } else setMessage(String(e2));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="stack-lg lh-setup" onSubmit={save} data-testid="live-setup">
      <Show when={locked()}><p class="alert alert-info">{t('live.setupLocked')}</p></Show>
      <fieldset class="card stack" disabled={locked()}>
        <legend class="card-title">{t('live.teams')}</legend>
        <For each={teams()}>
          {(x, i) => (
            <div class="lh-team-row" data-testid="team-row">
              <label class="field"><span class="label">{t('live.teamName')}</span>
                <input class="input" value={x.name} maxlength="60" onInput={(e) => setTeam(i(), { name: e.currentTarget.value })} aria-invalid={Boolean(err(`teams.${i()}.name`))} /></label>
              <label class="field"><span class="label">{t('live.teamUnit')}</span>
                <select class="input" value={x.orgUnit} onChange={(e) => pickUnit(i(), e.currentTarget.value)} data-testid="team-unit">
                  <option value="">{t('live.teamUnitNone')}</option>
                  <For each={(units()?.units ?? []).filter((u) => !u.closedAt)}>{(u) => <option value={u.code}>{u.name}{u.people !== undefined ? `（${u.people}人）` : ''}</option>}</For>
                </select></label>
              <label class="field lh-members"><span class="label">{t('live.teamMembers')}</span>
                <input class="input" value={x.members} onInput={(e) => setTeam(i(), { members: e.currentTarget.value })} /></label>
              <button type="button" class="btn btn-ghost btn-sm" onClick={() => setTeams(teams().filter((_, j) => j !== i()))}>{t('live.remove')}</button>
              <Show when={errUnder(`teams.${i()}`)}><p class="field-error lh-row-error" role="alert">{errUnder(`teams.${i()}`)}</p></Show>
            </div>
          )}
        </For>
        <Show when={err('teams')}><p class="field-error" role="alert">{err('teams')}</p></Show>
        <div><button type="button" class="btn btn-secondary btn-sm" onClick={() => setTeams([...teams(), { name: `第${teams().length + 1}队`, orgUnit: '', members: '' }])}>{t('live.addTeam')}</button></div>
      </fieldset>

      <fieldset class="card stack" disabled={locked()}>
        <legend class="card-title">{t('live.rounds')}</legend>
        <For each={rounds()}>
          {(x, i) => (
            <div class="lh-round" data-testid="round-row">
              <div class="lh-round-grid">
                <label class="field"><span class="label">{t('live.roundKind')}</span>
                  <select class="input" value={x.kind} onChange={(e) => setRound(i(), { kind: e.currentTarget.value as Kind })}>
                    <For each={KINDS}>{(k) => <option value={k}>{t(`live.kind.${k}` as LiveKey)}</option>}</For>
                  </select></label>
                <label class="field"><span class="label">{t('live.roundTitle')}</span><input class="input" value={x.title} maxlength="60" onInput={(e) => setRound(i(), { title: e.currentTarget.value })} /></label>
                <label class="field"><span class="label">{t('live.countdown')}</span><input class="input" inputmode="numeric" value={x.countdownSec} onInput={(e) => setRound(i(), { countdownSec: e.currentTarget.value })} /></label>
              </div>
              <p class="hint">{hint(x.kind)}</p>
              <label class="field"><span class="label">{t('live.questionIds')}</span>
                <input class="input" value={x.questionIds} onInput={(e) => setRound(i(), { questionIds: e.currentTarget.value })} data-testid="round-question-ids" /></label>
              <div class="lh-draw">
                <span class="label">{t('live.draw')}</span>
                <label class="field"><span class="label">{t('live.drawType')}</span>
                  <select class="input" value={x.drawType} onChange={(e) => setRound(i(), { drawType: e.currentTarget.value })}>
                    <For each={TYPES}>{(ty) => <option value={ty}>{t(`live.type.${ty}` as LiveKey)}</option>}</For>
                  </select></label>
                <label class="field"><span class="label">{t('live.drawCount')}</span><input class="input" inputmode="numeric" value={x.drawCount} onInput={(e) => setRound(i(), { drawCount: e.currentTarget.value })} data-testid="round-draw-count" /></label>
                <label class="field"><span class="label">{t('live.drawTopic')}</span><input class="input" value={x.drawTopic} onInput={(e) => setRound(i(), { drawTopic: e.currentTarget.value })} /></label>
              </div>
              <Show when={props.setup.rounds.find((sr) => sr.id === x.id)}>
                {(sr) => (
                  <ol class="lh-qlist">
                    <For each={sr().questions}>
                      {(q) => <li><span class="muted">{q.questionId}</span> {q.stem} <span class="badge">{t('live.answerKey')} {answerText(q.answer, q.options, t('live.true'), t('live.false'))}</span>
                        <Show when={q.teamId}> <span class="badge">{t('live.turnOf', { team: props.setup.teams.find((tm) => tm.id === q.teamId)?.name ?? '' })}</span></Show></li>}
                    </For>
                  </ol>
                )}
              </Show>
              <Show when={errUnder(`rounds.${i()}`)}><p class="field-error" role="alert">{errUnder(`rounds.${i()}`)}</p></Show>
              <button type="button" class="btn btn-ghost btn-sm" onClick={() => setRounds(rounds().filter((_, j) => j !== i()))}>{t('live.remove')}</button>
            </div>
          )}
        </For>
        <div><button type="button" class="btn btn-secondary btn-sm" onClick={() => setRounds([...rounds(), { kind: 'buzz', title: '抢答题', countdownSec: '', questionIds: '', drawType: 'truefalse', drawCount: '3', drawTopic: '' }])}>{t('live.addRound')}</button></div>
      </fieldset>
      <Show when={message()}><p class={`alert ${Object.keys(errors()).length ? 'alert-error' : 'alert-success'}`} role="status" data-testid="setup-message">{message()}</p></Show>
      <div><button type="submit" class="btn btn-primary btn-lg" disabled={busy() || locked()} data-testid="save-setup">{t('live.saveSetup')}</button></div>
    </form>
  );
}

// ---------------------------------------------------------------------------------------------
// Console

interface HostView { teamAnswer: { teamId: string; name: string; response: unknown; correct: boolean | null } | null; answers: number; correct: number }

function Console(props: { setup: Setup; t: T }) {
  const t = props.t;
  const feed = createLiveFeed(props.setup.id, { onVersion: () => void loadHostView() });
  const tick = createTicker();
  const [hostView, setHostView] = createSignal<HostView | null>(null);
  const [problem, setProblem] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [adjTeam, setAdjTeam] = createSignal('');
  const [adjDelta, setAdjDelta] = createSignal('');
  const [adjReason, setAdjReason] = createSignal('');
  const [adjErrors, setAdjErrors] = createSignal<Record<string, string>>({});

  async function loadHostView() {
    try {
      const r = await api<{ hostView: HostView | null }>(`/api/live/${props.setup.id}/me`);
      setHostView(r.hostView);
    } catch { /* the console keeps working from the public state */ }
  }

  const now = () => { tick(); return feed.serverNow(); };
  const v = () => feed.view();
  const q = () => v()?.question ?? null;
  const phase = () => { const vv = v(); const qq = q(); return vv && qq ? shownPhase(qq, now(), vv.status === 'paused') : null; };
  const paused = () => v()?.status === 'paused';
  const teamName = (teamId: string | null) => v()?.teams.find((x) => x.id === teamId)?.name ?? '';
  const setupQ = () => { const qq = q(); if (!qq) return null; for (const r of props.setup.rounds) for (const sq of r.questions) if (sq.id === qq.ref) return sq; return null; };
  const kind = () => v()?.round?.kind ?? null;
  const left = () => {
    const qq = q();
    if (!qq) return null;
    if (qq.remainingMs !== null) return Math.ceil(qq.remainingMs / 1000);
    if (qq.phase === 'open') return secondsLeft(qq.closesAt, now());
    if (qq.phase === 'buzzed') return secondsLeft(qq.answerClosesAt, now());
    return null;
  };

  const act = async (action: string, extra: Record<string, unknown> = {}) => {
    if (busy()) return false;
    setBusy(true);
    setProblem(null);
    try {
      await api(`/api/live/${props.setup.id}/host`, { method: 'POST', body: { requestId: requestId(), action, ...extra } });
      await feed.refresh();
      return true;
    } catch (e) {
      setProblem(e instanceof ApiError ? refusal(e) : String(e));
      if (e instanceof ApiError && e.errors) setAdjErrors(refusalFields(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const adjust = async (e: Event) => {
    e.preventDefault();
    setAdjErrors({});
    const ok = await act('adjust', { teamId: adjTeam(), delta: Number(adjDelta()), reason: adjReason() });
    if (ok) { setAdjDelta(''); setAdjReason(''); }
  };

  const can = {
    next: () => v()?.status !== 'finished' && (!q() || q()!.phase === 'revealed'),
    open: () => q()?.phase === 'shown' && !(kind() === 'risk' && q()!.stake === null),
    lock: () => phase() === 'open' || phase() === 'buzzed',
    judge: () => Boolean(q()) && kind() !== 'all' && q()!.phase !== 'shown' && q()!.phase !== 'revealed' && Boolean(q()!.turnTeamId || q()!.winner),
    reveal: () => Boolean(q()) && q()!.phase !== 'shown' && q()!.phase !== 'revealed' && phase() === 'locked',
  };

  const onKey = (e: KeyboardEvent) => {
    const el = e.target as HTMLElement | null;
    if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT')) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const k = e.key.toLowerCase();
    if (k === 'n' && can.next()) void act('next');
    else if (k === ' ') { e.preventDefault(); if (can.open()) void act('open'); else if (can.lock()) void act('lock'); }
    else if (k === 'y' && can.judge()) void act('judge', { correct: true });
    else if (k === 'w' && can.judge()) void act('judge', { correct: false });
    else if (k === 'r' && can.reveal()) void act('reveal');
    else if (k === 'p') void act(paused() ? 'resume' : 'pause');
    else if (k === 'u') void act('undo');
  };
  onMount(() => window.addEventListener('keydown', onKey));
  onCleanup(() => window.removeEventListener('keydown', onKey));
  createEffect(on(() => v()?.teams.length, () => { if (!adjTeam() && v()?.teams.length) setAdjTeam(v()!.teams[0]!.id); }));

  return (
    <div class="lh-console" data-testid="console">
      <Show when={problem()}><p class="alert alert-error" role="alert" data-testid="console-problem">{problem()}</p></Show>
      <div class="lh-console-grid">
        <section class="card lh-current" aria-live="polite">
          <Show when={q()} fallback={<p class="lh-idle">{v()?.status === 'finished' ? t('live.finished') : t('live.lobby')}</p>}>
            {(qq) => (
              <div class="stack" data-testid="console-question" data-phase={phase()}>
                <div class="lh-qhead">
                  <span class="badge badge-primary">{v()?.round ? t(`live.kind.${v()!.round!.kind}` as LiveKey) : ''}</span>
                  <span>{v()?.round?.title} · {t('live.question', { n: qq().number })} / {v()?.round?.questions}</span>
                  <span class="lh-phase" data-testid="console-phase">{v()?.status === 'finished' ? t('live.ended') : paused() ? t('live.paused') : t(`live.phase.${phase()}` as LiveKey)}</span>
                  <Show when={left() !== null}><strong class="lh-count">{left()}</strong></Show>
                </div>
                <Show when={qq().turnTeamId}><p class="lh-turn">{t('live.turnOf', { team: teamName(qq().turnTeamId) })}<Show when={qq().stake !== null}> · {t('live.stakeChosen', { n: qq().stake! })}</Show></p></Show>
                <Show when={qq().eligibleTeamIds}>{(ids) => <p>{t('live.eligible', { list: ids().map(teamName).join(t('live.listSep')) })}</p>}</Show>
                <p class="lh-stem">{qq().content.stem}</p>
                <ol class="lh-options">
                  <For each={qq().content.options}>{(o, i) => <li classList={{ 'lh-right': isRightOption(setupQ()?.answer, o.id) }}>{letter(i())}. {o.text}</li>}</For>
                </ol>
                <p class="lh-key">{t('live.answerKey')}{t('live.colon')}<strong>{answerText(setupQ()?.answer, qq().content.options, t('live.true'), t('live.false'))}</strong></p>
                <Show when={qq().winner}>{(w) => <p class="lh-winner">{t('live.buzzWinner', { team: teamName(w().teamId), name: w().name })}</p>}</Show>
                <For each={qq().fouls}>{(f) => <p class="lh-foul">{t('live.foul', { team: teamName(f.teamId), name: f.name })}</p>}</For>
                <Show when={kind() !== 'all' && (qq().turnTeamId || qq().winner)}>
                  <p class="lh-phone" data-testid="console-phone-answer">{t('live.phonesAnswer')}{t('live.colon')}
                    <Show when={hostView()?.teamAnswer} fallback={t('live.noPhoneAnswer')}>
                      {(ta) => <><strong>{ta().name} · {answerText(ta().response, qq().content.options, t('live.true'), t('live.false'))}</strong> {ta().correct ? t('live.phoneSaysRight') : t('live.phoneSaysWrong')}</>}
                    </Show>
                  </p>
                </Show>
                <Show when={kind() === 'all'}><p>{t('live.allAnswered', { n: hostView()?.answers ?? qq().answered, c: hostView()?.correct ?? 0 })}</p></Show>
                <Show when={qq().verdict}>{(vd) => <p class={vd().correct ? 'lh-ok' : 'lh-bad'}>{t(vd().correct ? 'live.verdictRight' : 'live.verdictWrong', { team: teamName(vd().teamId) })}</p>}</Show>
                <Show when={kind() === 'risk' && qq().phase === 'shown'}>
                  <div class="cluster" role="group" aria-label={t('live.stake')}>
                    <span>{t('live.stake')}</span>
                    <For each={v()?.stakes ?? []}>{(s) => <button type="button" class={`btn ${qq().stake === s ? 'btn-primary' : 'btn-secondary'}`} onClick={() => void act('stake', { stake: s })} data-testid={`stake-${s}`}>{s}</button>}</For>
                  </div>
                </Show>
              </div>
            )}
          </Show>
        </section>

        <section class="lh-controls" aria-label={t('live.console')}>
          <button class="btn btn-primary lh-big" disabled={busy() || !can.next()} onClick={() => void act('next')} data-testid="host-next">{t('live.next')} <kbd>N</kbd></button>
          <button class="btn btn-primary lh-big" disabled={busy() || !can.open()} onClick={() => void act('open')} data-testid="host-open">{t('live.openQ')} <kbd>␣</kbd></button>
          <button class="btn btn-secondary lh-big" disabled={busy() || !can.lock()} onClick={() => void act('lock')} data-testid="host-lock">{t('live.lock')} <kbd>␣</kbd></button>
          <div class="lh-judge">
            <button class="btn lh-big lh-btn-right" disabled={busy() || !can.judge()} onClick={() => void act('judge', { correct: true })} data-testid="host-right">{t('live.judgeRight')} <kbd>Y</kbd></button>
            <button class="btn lh-big lh-btn-wrong" disabled={busy() || !can.judge()} onClick={() => void act('judge', { correct: false })} data-testid="host-wrong">{t('live.judgeWrong')} <kbd>W</kbd></button>
          </div>
          <button class="btn btn-primary lh-big" disabled={busy() || !can.reveal()} onClick={() => void act('reveal')} data-testid="host-reveal">{t('live.reveal')} <kbd>R</kbd></button>
          <div class="lh-minor">
            <button class="btn btn-secondary" disabled={busy()} onClick={() => void act(paused() ? 'resume' : 'pause')} data-testid="host-pause">{paused() ? t('live.resume') : t('live.pause')} <kbd>P</kbd></button>
            <button class="btn btn-secondary" disabled={busy()} onClick={() => void act('undo')} data-testid="host-undo">{t('live.undo')} <kbd>U</kbd></button>
            <button class="btn btn-danger" disabled={busy() || v()?.status === 'finished'} onClick={() => { if (confirm(t('live.finishConfirm'))) void act('finish'); }} data-testid="host-finish">{t('live.finish')}</button>
          </div>
          <p class="hint">{t('live.shortcuts')}</p>
        </section>

        <section class="card lh-board" aria-label={t('live.scoreboard')}>
          <h2 class="card-title">{t('live.scoreboard')}</h2>
          <table class="table">
            <thead><tr><th>{t('live.rank')}</th><th>{t('live.team')}</th><th>{t('live.score')}</th></tr></thead>
            <tbody>
              <For each={v()?.teams ?? []}>{(x) => <tr data-testid="console-team"><td>{x.rank}</td><td>{x.name} <small class="muted">{t('live.seated', { n: x.seated })}</small></td><td><strong>{x.score}</strong></td></tr>}</For>
            </tbody>
          </table>
          <form class="stack lh-adjust" onSubmit={adjust} data-testid="adjust-form">
            <h3>{t('live.adjust')}</h3>
            <label class="field"><span class="label">{t('live.adjustTeam')}</span>
              <select class="input" value={adjTeam()} onChange={(e) => setAdjTeam(e.currentTarget.value)} name="team">
                <For each={v()?.teams ?? []}>{(x) => <option value={x.id}>{x.name}</option>}</For>
              </select></label>
            <label class="field"><span class="label">{t('live.adjustDelta')}</span>
              <input class="input" name="delta" inputmode="decimal" value={adjDelta()} onInput={(e) => setAdjDelta(e.currentTarget.value)} aria-invalid={Boolean(adjErrors().delta)} /></label>
            <label class="field"><span class="label">{t('live.adjustReason')}</span>
              <input class="input" name="reason" maxlength="200" value={adjReason()} onInput={(e) => setAdjReason(e.currentTarget.value)} aria-invalid={Boolean(adjErrors().reason)} /></label>
            <Show when={adjErrors().reason || adjErrors().delta}><p class="field-error">{adjErrors().reason ?? adjErrors().delta}</p></Show>
            <button type="submit" class="btn btn-secondary" disabled={busy()}>{t('live.adjustDo')}</button>
          </form>
        </section>
      </div>
    </div>
  );
}
