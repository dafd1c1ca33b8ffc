// /contests/seasons/ — season rankings for trainers, HR and admins: the list of seasons, a form to
// create one (exams and contests with weights), and with ?id= the season's ranking per person and
// per org unit (score = Σ weight × percent ÷ Σ weight; a missed item counts 0).
import { createResource, createSignal, For, Index, onMount, Show } from 'solid-js';
import { ApiError, signInUrl } from '../client/api.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import { createSeason, getSeason, listContests, listSeasons, saveSeason, type SeasonDetail } from '../client/contests-api.ts';
import { getScopeExams } from '../client/trainer-api.ts';
import { formatNumber } from '../client/format.ts';
import { localePath, translator, type Locale } from '../i18n/index.ts';
import { contestsTr, contestsZh, type ContestsKey } from '../i18n/contests.ts';
import { areaSay, localDetail, localFieldErrors } from '../client/problem-text.ts';
import LoadError from './shared/LoadError.tsx';
import NoAccess from './shared/NoAccess.tsx';
import { errorStatus, valueOf } from './shared/resource.ts';

interface ItemDraft { ref: string; weight: number }

export default function Seasons(props: { locale: Locale }) {
  const tx = contestsTr(props.locale);
  const tr = translator(props.locale);
  const link = (path: string) => localePath(props.locale, path);
  const id = new URLSearchParams(location.search).get('id');
  onMount(() => { if (!hasStoredSession()) location.assign(signInUrl()); });

  const [seasons, { refetch }] = createResource(() => (hasStoredSession() && !id ? 'go' : null), () => listSeasons());
  const [season, { refetch: refetchSeason, mutate }] = createResource(() => (hasStoredSession() && id ? id : null), (sid) => getSeason(sid));
  // What can be counted: exams offered to me or managed by me (not those that only reach my people)
  // and contests I manage (value "exam:<id>" / "contest:<id>").
  const [choices] = createResource(() => (hasStoredSession() ? 'go' : null), async () => {
    const [exams, contests] = await Promise.all([getScopeExams().catch(() => []), listContests().catch(() => [])]);
    return [
      ...exams.filter((e) => e.usable && e.kind !== 'practice' && e.status !== 'draft').map((e) => ({ value: `exam:${e.id}`, label: e.title })),
      ...contests.filter((c) => c.manages && c.status !== 'draft').map((c) => ({ value: `contest:${c.id}`, label: `${tx('c.title')}：${c.title}` })),
    ];
  });

  const [title, setTitle] = createSignal('');
  const [unitKind, setUnitKind] = createSignal<'branch' | 'sub_branch' | 'department'>('branch');
  const [items, setItems] = createSignal<ItemDraft[]>([{ ref: '', weight: 1 }]);
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [message, setMessage] = createSignal<string | null>(null);

  const fill = (s: SeasonDetail) => {
    setTitle(s.title);
    setUnitKind(s.unitKind);
    setItems(s.items.map((i) => ({ ref: i.examId ? `exam:${i.examId}` : `contest:${i.contestId}`, weight: i.weight })));
  };

  async function submit(e: Event) {
    e.preventDefault();
    setErrors({});
    setMessage(null);
    const body = {
      title: title(), unitKind: unitKind(),
      items: items().filter((i) => i.ref).map((i) => {
        const [kind, ref] = i.ref.split(':');
        return kind === 'exam' ? { examId: ref, weight: i.weight } : { contestId: ref, weight: i.weight };
      }),
    };
    try {
      if (id) mutate(await saveSeason(id, body).then(() => getSeason(id)));
      else { const s = await createSeason(body); location.assign(link(`/contests/seasons/?id=${encodeURIComponent(s.id)}`)); }
    } catch (x) {
      const a = x as ApiError;
      // In the page's language from the codes (src/client/problem-text.ts); seasons share the contests' texts.
      const say = areaSay<ContestsKey>(contestsZh, tx);
      setErrors(localFieldErrors(a, props.locale, say));
      setMessage(a.errors ? tx('e.fix') : localDetail(a, props.locale, say));
    }
  }

  const form = () => (
    <form class="card vstack season-form" onSubmit={submit} novalidate>
      <Show when={message()}><p class="alert alert-error" role="alert">{message()}</p></Show>
      <div class="edit-row">
        <label class="field"><span>{tx('s.name')}</span>
          <input class="input" value={title()} onInput={(e) => setTitle(e.currentTarget.value)} maxLength={200} />
          <Show when={errors().title}><span class="field-error">{errors().title}</span></Show>
        </label>
        <label class="field"><span>{tx('s.unitKind')}</span>
          <select class="select" value={unitKind()} onChange={(e) => setUnitKind(e.currentTarget.value as 'branch')}>
            <option value="branch">{tx('s.unit.branch')}</option>
            <option value="sub_branch">{tx('s.unit.sub_branch')}</option>
            <option value="department">{tx('s.unit.department')}</option>
          </select>
        </label>
      </div>
      <p class="small muted">{tx('s.items')}</p>
      <Index each={items()}>{(it, i) => (
        <div class="edit-row">
          <label class="field edit-wide"><span class="visually-hidden">{tx('s.items')} {i + 1}</span>
            <select class="select" value={it().ref} onChange={(e) => setItems((xs) => xs.map((x, j) => (j === i ? { ...x, ref: e.currentTarget.value } : x)))}>
              <option value="">{tx('e.chooseExam')}</option>
              <For each={valueOf(choices) ?? []}>{(c) => <option value={c.value} selected={c.value === it().ref}>{c.label}</option>}</For>
            </select>
            <For each={Object.entries(errors()).filter(([k]) => k === `items.${i}` || k.startsWith(`items.${i}.`)).map(([, v]) => v)}>{(m) => <span class="field-error">{m}</span>}</For>
          </label>
          <label class="field"><span>{tx('s.weight')}</span>
            <input class="input" type="number" min="0.01" step="0.5" value={it().weight} onInput={(e) => setItems((xs) => xs.map((x, j) => (j === i ? { ...x, weight: Number(e.currentTarget.value) } : x)))} />
          </label>
          <button type="button" class="btn btn-ghost btn-sm" onClick={() => setItems((xs) => xs.filter((_, j) => j !== i))}>{tx('e.remove')}</button>
        </div>
      )}</Index>
      <div class="cluster">
        <button type="button" class="btn btn-secondary btn-sm" onClick={() => setItems((xs) => [...xs, { ref: '', weight: 1 }])}>{tx('s.addExam')}</button>
        <button type="submit" class="btn btn-primary">{tx('e.save')}</button>
      </div>
    </form>
  );

  return (
    <div class="vstack seasons">
      <Show when={!id}>
        <Show when={errorStatus(seasons) === 403}><NoAccess locale={props.locale} tr={tr} error={seasons.error} /></Show>
        <Show when={seasons.error && errorStatus(seasons) !== 403}><LoadError error={seasons.error} onRetry={() => void refetch()} tr={tr} /></Show>
        <Show when={valueOf(seasons)}>{(list) => (
          <>
            <Show when={list().length} fallback={<p class="card empty">{tx('s.none')}</p>}>
              <ul class="contest-cards">
                <For each={list()}>{(s) => (
                  <li class="card"><h2 class="card-title"><a href={link(`/contests/seasons/?id=${encodeURIComponent(s.id)}`)}>{s.title}</a></h2>
                    <p class="small muted">{tx('c.owner', { name: s.ownerName })} · {s.items} · {tx(`s.unit.${s.unitKind as 'branch'}`)}</p></li>
                )}</For>
              </ul>
            </Show>
            <h2>{tx('s.new')}</h2>
            {form()}
          </>
        )}</Show>
      </Show>
      <Show when={id}>
        <p><a href={link('/contests/seasons/')}>← {tx('s.back')}</a></p>
        <Show when={season.error}><LoadError error={season.error} onRetry={() => void refetchSeason()} tr={tr} /></Show>
        <Show when={valueOf(season)}>{(s) => (
          <>
            <h2>{s().title}</h2>
            <p class="small muted">{s().items.map((i) => `${i.title}（${tx('s.weight')} ${formatNumber(i.weight)}）`).join('、')}</p>
            <div class="season-grid">
              <section aria-labelledby="season-units">
                <h3 id="season-units">{tx('s.units')}（{tx(`s.unit.${s().unitKind}`)}）</h3>
                <div class="table-wrap"><table class="table" data-testid="season-units">
                  <thead><tr><th>{tx('b.rank')}</th><th>{tx('p.org')}</th><th class="num">{tx('s.peopleCount')}</th><th class="num">{tx('s.avg')}</th></tr></thead>
                  <tbody><For each={s().ranking.units}>{(u) => <tr><td>{u.rank}</td><td>{u.unitName}</td><td class="num">{u.people}</td><td class="num">{formatNumber(u.score)}</td></tr>}</For></tbody>
                </table></div>
              </section>
              <section aria-labelledby="season-people">
                <h3 id="season-people">{tx('s.people')}</h3>
                <div class="table-wrap"><table class="table" data-testid="season-people">
                  <thead><tr><th>{tx('b.rank')}</th><th>{tx('b.name')}</th><th>{tx('p.org')}</th>
                    <For each={s().items}>{(i) => <th class="num">{i.title}</th>}</For>
                    <th class="num">{tx('s.score')}</th></tr></thead>
                  <tbody><For each={s().ranking.people}>{(p) => (
                    <tr><td>{p.rank}</td><td>{p.name}<span class="muted small"> {p.employeeNo}</span></td><td>{p.unitName || '—'}</td>
                      <For each={s().items}>{(i) => <td class="num">{p.perItem[i.id] == null ? '—' : `${formatNumber(p.perItem[i.id])}%`}</td>}</For>
                      <td class="num"><strong>{formatNumber(p.score)}</strong></td></tr>
                  )}</For></tbody>
                </table></div>
              </section>
            </div>
            <Show when={s().edits}>
              <details class="card" onToggle={(e) => { if (e.currentTarget.open) fill(s()); }}>
                <summary>{tx('c.edit')}</summary>
                {form()}
              </details>
            </Show>
          </>
        )}</Show>
      </Show>
    </div>
  );
}
