// /contests/edit/ (new) and /contests/edit/?id= (edit): a contest's definition — title, rounds
// (mock-contest papers the trainer manages, or live contests they host), teams (org units or hand-made lists), people entered on
// their own, the team scoring rule, participation weight, awards and the board's length. The
// server validates everything at once; its field errors appear next to the field or row they name.
import { createResource, createSignal, For, Index, onMount, Show } from 'solid-js';
import { ApiError, signInUrl } from '../client/api.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import { createContest, getContest, hostedLiveContests, mockExams, orgUnits, saveContest, teamUnitOptions, type AwardRule } from '../client/contests-api.ts';
import { localePath, translator, type Locale } from '../i18n/index.ts';
import { contestsTr, contestsZh, type ContestsKey } from '../i18n/contests.ts';
import LoadError from './shared/LoadError.tsx';
import { areaSay, localDetail, sayCode } from '../client/problem-text.ts';
import { valueOf } from './shared/resource.ts';

interface TeamDraft { kind: 'org' | 'hand'; name: string; orgUnit: string; members: string }
/** A round: a mock-contest exam (`ref` = exam id) or a live contest (`ref` = live contest id). */
interface RoundDraft { kind: 'exam' | 'live'; ref: string; title: string }
const splitList = (s: string) => s.split(/[\s,，、;；]+/).map((x) => x.trim()).filter(Boolean);
interface FieldCode { code: string; params?: Record<string, string | number> }

export default function ContestEdit(props: { locale: Locale }) {
  const tx = contestsTr(props.locale);
  const tr = translator(props.locale);
  const link = (path: string) => localePath(props.locale, path);
  const id = new URLSearchParams(location.search).get('id');

  const [title, setTitle] = createSignal('');
  const [description, setDescription] = createSignal('');
  const [owner, setOwner] = createSignal('');
  const [rounds, setRounds] = createSignal<RoundDraft[]>([{ kind: 'exam', ref: '', title: '' }]);
  const [teams, setTeams] = createSignal<TeamDraft[]>([]);
  const [individuals, setIndividuals] = createSignal('');
  const [method, setMethod] = createSignal<'average' | 'total' | 'best_n'>('average');
  const [bestN, setBestN] = createSignal(5);
  const [weight, setWeight] = createSignal(0);
  const [awards, setAwards] = createSignal<AwardRule>({ mode: 'count', first: 1, second: 2, third: 3 });
  const [boardTop, setBoardTop] = createSignal(10);
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [fieldCodes, setFieldCodes] = createSignal<Record<string, FieldCode>>({});
  const [message, setMessage] = createSignal<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [busy, setBusy] = createSignal(false);

  const [exams] = createResource(() => (hasStoredSession() ? 'go' : null), () => mockExams());
  const [lives] = createResource(() => (hasStoredSession() ? 'go' : null), () => hostedLiveContests());
  const [units] = createResource(() => (hasStoredSession() ? 'go' : null), () => orgUnits().then(teamUnitOptions).catch(() => []));
  const [loaded, { refetch }] = createResource(() => (hasStoredSession() && id ? id : null), async (cid) => {
    const c = await getContest(cid);
    setTitle(c.title);
    setDescription(c.description);
    setRounds(c.rounds.map((r): RoundDraft => (r.liveContestId ? { kind: 'live', ref: r.liveContestId, title: r.title } : { kind: 'exam', ref: r.examId ?? '', title: r.title })));
    setTeams(c.teams.map((t) => (t.kind === 'org_unit'
      ? { kind: 'org', name: t.name, orgUnit: t.orgUnit!.code, members: '' }
      : { kind: 'hand', name: t.name, orgUnit: '', members: t.members.map((m) => m.employeeNo ?? m.id).join('\n') })));
    setIndividuals(c.individuals.map((m) => m.employeeNo ?? m.id).join('\n'));
    setMethod(c.teamMethod);
    if (c.bestN) setBestN(c.bestN);
    setWeight(c.participationWeight);
    setAwards(c.awards);
    setBoardTop(c.boardTop);
    return c;
  });
  onMount(() => { if (!hasStoredSession()) location.assign(signInUrl()); });

  // A field error the server coded is shown in the page's language (the contest's own codes, then the
  // generic ones of src/i18n/field-errors.ts); others as the server wrote them.
  const areaText = areaSay<ContestsKey>(contestsZh, tx);
  const say = (key: string) => sayCode(props.locale, fieldCodes()[key], areaText) ?? errors()[key];
  const err = (key: string) => (key in errors() ? say(key) : undefined);
  const errUnder = (prefix: string) => Object.keys(errors()).filter((k) => k.startsWith(prefix)).map(say);
  const updateTeam = (i: number, patch: Partial<TeamDraft>) => setTeams((ts) => ts.map((t, j) => (j === i ? { ...t, ...patch } : t)));

  async function save(e: Event) {
    e.preventDefault();
    setErrors({});
    setFieldCodes({});
    setMessage(null);
    // A hand-made team needs a name (an org-unit team is named after its unit when left blank).
    const missing = Object.fromEntries(teams().flatMap((t, i) => (t.kind === 'hand' && !t.name.trim() ? [[`teams.${i}.name`, tx('err.team_name_missing')]] : [])));
    if (Object.keys(missing).length) {
      setErrors(missing);
      setMessage({ kind: 'error', text: tx('e.fix') });
      return;
    }
    setBusy(true);
    const body = {
      title: title(),
      description: description(),
      ...(owner() ? { ownerOrgUnit: owner() } : {}),
      rounds: rounds().filter((r) => r.ref).map((r) => ({ ...(r.kind === 'live' ? { liveContestId: r.ref } : { examId: r.ref }), ...(r.title ? { title: r.title } : {}) })),
      teams: teams().map((t) => (t.kind === 'org'
        ? { orgUnit: t.orgUnit.trim(), ...(t.name.trim() ? { name: t.name.trim() } : {}) }
        : { name: t.name.trim(), members: splitList(t.members) })),
      individuals: splitList(individuals()),
      teamMethod: method(),
      ...(method() === 'best_n' ? { bestN: bestN() } : {}),
      participationWeight: weight(),
      awards: awards(),
      boardTop: boardTop(),
    };
    try {
      const out = id ? await saveContest(id, body) : await createContest(body);
      if (!id) { location.assign(link(`/contests/view/?id=${encodeURIComponent(out.id)}`)); return; }
      setMessage({ kind: 'success', text: tx('e.saved') });
    } catch (x) {
      const a = x as ApiError;
      setErrors(a.errors ?? {});
      setFieldCodes(((a.problem as { fieldCodes?: Record<string, FieldCode> } | undefined)?.fieldCodes) ?? {});
      setMessage({ kind: 'error', text: a.errors ? tx('e.fix') : localDetail(a, props.locale, areaText) });
    } finally {
      setBusy(false);
    }
  }

  const num = (v: string, fallback: number) => (Number.isFinite(Number(v)) && v !== '' ? Number(v) : fallback);

  return (
    <form class="vstack contest-edit" onSubmit={save} novalidate>
      <header class="page-head">
        <p class="eyebrow"><a href={link('/contests/')}>{tx('c.title')}</a></p>
        <h1>{id ? tx('e.titleEdit') : tx('e.titleNew')}</h1>
      </header>
      <Show when={loaded.error}><LoadError error={loaded.error} onRetry={() => void refetch()} tr={tr} /></Show>
      <Show when={message()}>{(m) => <p class={`alert alert-${m().kind}`} role={m().kind === 'error' ? 'alert' : 'status'}>{m().text}</p>}</Show>

      <div class="card">
        <label class="field"><span>{tx('e.name')}</span>
          <input class="input" name="title" value={title()} onInput={(e) => setTitle(e.currentTarget.value)} maxLength={200} required aria-invalid={Boolean(err('title'))} />
          <Show when={err('title')}><span class="field-error">{err('title')}</span></Show>
        </label>
        <label class="field"><span>{tx('e.description')}</span>
          <textarea class="textarea" rows="2" value={description()} onInput={(e) => setDescription(e.currentTarget.value)} maxLength={2000} />
        </label>
        <Show when={!id}>
          <label class="field"><span>{tx('e.owner')}</span>
            <input class="input" name="ownerOrgUnit" value={owner()} onInput={(e) => setOwner(e.currentTarget.value)} maxLength={64} />
            <Show when={err('ownerOrgUnit')}><span class="field-error">{err('ownerOrgUnit')}</span></Show>
          </label>
        </Show>
      </div>

      <fieldset class="card">
        <legend>{tx('e.rounds')}</legend>
        <p class="small muted">{tx('e.roundsHint')}</p>
        <Index each={rounds()}>{(r, i) => {
          const update = (patch: Partial<RoundDraft>) => setRounds((rs) => rs.map((x, j) => (j === i ? { ...x, ...patch } : x)));
          return (
            <div class="edit-row">
              <label class="field"><span>{tx('e.roundKind')}</span>
                <select class="select" name={`round-${i}-kind`} value={r().kind} onChange={(e) => update({ kind: e.currentTarget.value as RoundDraft['kind'], ref: '' })}>
                  <option value="exam" selected={r().kind === 'exam'}>{tx('e.roundKind.exam')}</option>
                  <option value="live" selected={r().kind === 'live'}>{tx('e.roundKind.live')}</option>
                </select>
              </label>
              <Show when={r().kind === 'live'} fallback={
                <label class="field"><span>{tx('e.exam')} {i + 1}</span>
                  <select class="select" name={`round-${i}`} value={r().ref} onChange={(e) => update({ ref: e.currentTarget.value })}>
                    <option value="">{tx('e.chooseExam')}</option>
                    <For each={valueOf(exams) ?? []}>{(ex) => <option value={ex.id} selected={ex.id === r().ref}>{ex.title}{ex.status === 'draft' ? `（${tx('c.status.draft')}）` : ''}</option>}</For>
                  </select>
                  <Show when={err(`rounds.${i}.examId`)}><span class="field-error">{err(`rounds.${i}.examId`)}</span></Show>
                </label>
              }>
                <label class="field"><span>{tx('e.live')} {i + 1}</span>
                  <select class="select" name={`round-${i}-live`} value={r().ref} onChange={(e) => update({ ref: e.currentTarget.value })}>
                    <option value="">{tx('e.chooseLive')}</option>
                    <For each={valueOf(lives) ?? []}>{(l) => <option value={l.id} selected={l.id === r().ref}>{l.title}{l.started ? '' : `（${tx('e.liveNotStarted')}）`}</option>}</For>
                  </select>
                  <Show when={err(`rounds.${i}.liveContestId`)}><span class="field-error">{err(`rounds.${i}.liveContestId`)}</span></Show>
                </label>
              </Show>
              <label class="field"><span>{tx('e.roundTitle')}</span>
                <input class="input" value={r().title} maxLength={100} onInput={(e) => update({ title: e.currentTarget.value })} />
              </label>
              <button type="button" class="btn btn-ghost btn-sm" onClick={() => setRounds((rs) => rs.filter((_, j) => j !== i))}>{tx('e.remove')}</button>
            </div>
          );
        }}</Index>
        <details class="small muted contest-live-help">
          <summary>{tx('e.liveHelpTitle')}</summary>
          <p>{tx('e.liveHelp')}</p>
        </details>
        <Show when={err('rounds')}><p class="field-error">{err('rounds')}</p></Show>
        <button type="button" class="btn btn-secondary btn-sm" onClick={() => setRounds((rs) => [...rs, { kind: 'exam', ref: '', title: '' }])}>{tx('e.addRound')}</button>
      </fieldset>

      <fieldset class="card">
        <legend>{tx('e.teams')}</legend>
        <p class="small muted">{tx('e.teamsHint')}</p>
        <Index each={teams()}>{(t, i) => (
          <div class="edit-row">
            <Show when={t().kind === 'org'} fallback={
              <label class="field edit-wide"><span>{tx('e.members')}</span>
                <textarea class="textarea" rows="2" name={`team-${i}-members`} value={t().members} onInput={(e) => updateTeam(i, { members: e.currentTarget.value })} />
                <For each={errUnder(`teams.${i}.members`)}>{(m) => <span class="field-error">{m}</span>}</For>
              </label>
            }>
              <label class="field"><span>{tx('e.orgUnit')}</span>
                <select class="select" name={`team-${i}-org`} value={t().orgUnit} onChange={(e) => updateTeam(i, { orgUnit: e.currentTarget.value })}
                  aria-invalid={Boolean(err(`teams.${i}.orgUnit`))} data-testid="team-unit">
                  <option value="">{tx('e.chooseUnit')}</option>
                  {/* A unit saved earlier but no longer offered (closed, or moved out of view) stays selectable. */}
                  <Show when={t().orgUnit && !(valueOf(units) ?? []).some((u) => u.code === t().orgUnit)}><option value={t().orgUnit} selected>{t().orgUnit}</option></Show>
                  <For each={valueOf(units) ?? []}>{(u) => <option value={u.code} selected={u.code === t().orgUnit}>{tx('e.unitOption', { path: u.label, n: u.people })}</option>}</For>
                </select>
                <Show when={err(`teams.${i}.orgUnit`)}><span class="field-error">{err(`teams.${i}.orgUnit`)}</span></Show>
              </label>
            </Show>
            <label class="field"><span>{tx('e.teamName')}</span>
              <input class="input" name={`team-${i}-name`} value={t().name} onInput={(e) => updateTeam(i, { name: e.currentTarget.value })} maxLength={60} />
              <Show when={err(`teams.${i}.name`) || err(`teams.${i}`)}><span class="field-error">{err(`teams.${i}.name`) || err(`teams.${i}`)}</span></Show>
            </label>
            <button type="button" class="btn btn-ghost btn-sm" onClick={() => setTeams((ts) => ts.filter((_, j) => j !== i))}>{tx('e.remove')}</button>
          </div>
        )}</Index>
        <Show when={err('teams')}><p class="field-error">{err('teams')}</p></Show>
        <div class="cluster">
          <button type="button" class="btn btn-secondary btn-sm" onClick={() => setTeams((ts) => [...ts, { kind: 'org', name: '', orgUnit: '', members: '' }])}>{tx('e.addOrgTeam')}</button>
          <button type="button" class="btn btn-secondary btn-sm" onClick={() => setTeams((ts) => [...ts, { kind: 'hand', name: '', orgUnit: '', members: '' }])}>{tx('e.addHandTeam')}</button>
        </div>
        <label class="field"><span>{tx('e.individuals')}</span>
          <textarea class="textarea" rows="2" name="individuals" value={individuals()} onInput={(e) => setIndividuals(e.currentTarget.value)} />
          <For each={errUnder('individuals')}>{(m) => <span class="field-error">{m}</span>}</For>
        </label>
      </fieldset>

      <fieldset class="card">
        <legend>{tx('c.settings')}</legend>
        <div class="edit-row">
          <label class="field"><span>{tx('e.method')}</span>
            <select class="select" value={method()} onChange={(e) => setMethod(e.currentTarget.value as 'average')}>
              <option value="average">{tx('c.method.average')}</option>
              <option value="total">{tx('c.method.total')}</option>
              <option value="best_n">{tx('c.method.best_n', { n: 'N' })}</option>
            </select>
          </label>
          <Show when={method() === 'best_n'}>
            <label class="field"><span>{tx('e.bestN')}</span>
              <input class="input" type="number" min="1" max="1000" value={bestN()} onInput={(e) => setBestN(num(e.currentTarget.value, 1))} />
              <Show when={err('bestN')}><span class="field-error">{err('bestN')}</span></Show>
            </label>
          </Show>
          <label class="field"><span>{tx('e.weight')}</span>
            <input class="input" type="number" min="0" max="1" step="0.1" value={weight()} onInput={(e) => setWeight(num(e.currentTarget.value, 0))} />
            <Show when={err('participationWeight')}><span class="field-error">{err('participationWeight')}</span></Show>
          </label>
          <label class="field"><span>{tx('e.boardTop')}</span>
            <input class="input" type="number" min="3" max="50" value={boardTop()} onInput={(e) => setBoardTop(num(e.currentTarget.value, 10))} />
            <Show when={err('boardTop')}><span class="field-error">{err('boardTop')}</span></Show>
          </label>
        </div>
        <div class="edit-row">
          <label class="field"><span>{tx('e.awards')}</span>
            <select class="select" value={awards().mode} onChange={(e) => setAwards((a) => ({ ...a, mode: e.currentTarget.value as 'count' | 'share' }))}>
              <option value="count">{tx('e.awardMode.count')}</option>
              <option value="share">{tx('e.awardMode.share')}</option>
            </select>
          </label>
          <For each={['first', 'second', 'third'] as const}>{(k) => (
            <label class="field"><span>{tx(`e.${k}`)}</span>
              <input class="input" type="number" min="0" max={awards().mode === 'share' ? 100 : 1000} value={awards()[k]} onInput={(e) => setAwards((a) => ({ ...a, [k]: num(e.currentTarget.value, 0) }))} />
              <Show when={err(`awards.${k}`)}><span class="field-error">{err(`awards.${k}`)}</span></Show>
            </label>
          )}</For>
        </div>
      </fieldset>

      <div class="cluster">
        <button type="submit" class="btn btn-primary" disabled={busy()} data-testid="save-contest">{tx('e.save')}</button>
        <a class="btn btn-ghost" href={id ? link(`/contests/view/?id=${encodeURIComponent(id)}`) : link('/contests/')}>{tx('e.cancel')}</a>
      </div>
    </form>
  );
}
