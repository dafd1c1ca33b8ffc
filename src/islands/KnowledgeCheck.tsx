// Inline knowledge check on a lesson page (client:visible). The questions arrive in their PUBLIC
// shape only (no key, no explanation); each answer is sent to POST /api/practice/answers and the
// server's verdict, right answer, explanation and source are shown. supabase-js and the API client
// are loaded on the first submit, so the island itself stays small.
import { createSignal, For, Index, Match, onMount, Show, Switch } from 'solid-js';
import { hasStoredSession } from '../client/session-hint.ts';

export interface KcQuestion {
  id: string;
  type: 'single' | 'multiple' | 'truefalse' | 'fill';
  stem: string;
  options?: Array<{ id: string; text: string }>;
  blankCount?: number;
  /** Pre-resolved link to the question's source (built from its public citation). */
  source: { label: string; href: string };
}

type Labels = Record<
  | 'kc.submit' | 'kc.submitting' | 'kc.correct' | 'kc.incorrect' | 'kc.rightAnswer' | 'kc.explanation' | 'kc.source'
  | 'kc.true' | 'kc.false' | 'kc.blank' | 'kc.chooseOne' | 'kc.chooseMany' | 'kc.trueFalse' | 'kc.fill' | 'kc.empty'
  | 'kc.signIn' | 'kc.signInCta' | 'kc.error' | 'kc.unavailable' | 'kc.retry' | 'kc.question',
  string
>;

interface Props {
  questions: KcQuestion[];
  labels: Labels;
  signInHref: string;
}

type Response = string | string[] | boolean;

interface Verdict {
  correct: boolean;
  rightAnswer?: unknown;
  explanation?: string;
  source?: unknown;
}

const fmt = (s: string, vars: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));

export default function KnowledgeCheck(props: Props) {
  const [signedIn, setSignedIn] = createSignal<boolean | null>(null);
  onMount(() => {
    setSignedIn(hasStoredSession());
    // Signing in or out in another tab.
    window.addEventListener('storage', () => setSignedIn(hasStoredSession()));
  });
  return (
    <div class="kc">
      {/* Before hydration the CSS (html[data-auth]) decides; afterwards the island does. */}
      <Show when={signedIn() !== true}>
        <div class={`alert alert-info kc-signin ${signedIn() === null ? 'when-signed-out' : ''}`}>
          <p>{props.labels['kc.signIn']}</p>
          <a class="btn btn-primary btn-sm" href={props.signInHref}>{props.labels['kc.signInCta']}</a>
        </div>
      </Show>
      <ol class="kc-list">
        <Index each={props.questions}>
          {(q, i) => <Question q={q()} n={i + 1} labels={props.labels} enabled={signedIn() === true} />}
        </Index>
      </ol>
    </div>
  );
}

function Question(p: { q: KcQuestion; n: number; labels: Labels; enabled: boolean }) {
  const L = p.labels;
  const q = p.q;
  const [single, setSingle] = createSignal<string | null>(null);
  const [multi, setMulti] = createSignal<string[]>([]);
  const [tf, setTf] = createSignal<boolean | null>(null);
  const [blanks, setBlanks] = createSignal<string[]>(Array.from({ length: q.blankCount ?? 1 }, () => ''));
  const [state, setState] = createSignal<'idle' | 'sending' | 'done' | 'error'>('idle');
  const [verdict, setVerdict] = createSignal<Verdict | null>(null);
  const [message, setMessage] = createSignal('');

  const response = (): Response | null => {
    switch (q.type) {
      case 'single': return single();
      case 'multiple': return multi().length ? [...multi()].sort() : null;
      case 'truefalse': return tf();
      case 'fill': return blanks().some((b) => b.trim()) ? blanks().map((b) => b.trim()) : null;
    }
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const r = response();
    if (r === null) return void setMessage(L['kc.empty']);
    setMessage('');
    setState('sending');
    try {
      const { api } = await import('../client/api.ts');
      const v = await api<Verdict>('/api/practice/answers', {
        method: 'POST',
        body: { questionId: q.id, response: r, context: 'knowledge_check' },
      });
      setVerdict(v);
      setState('done');
    } catch (err) {
      const status = (err as { status?: number }).status ?? 0;
      setMessage(status === 404 || status === 405 || status >= 500 ? L['kc.unavailable'] : (err as { detail?: string }).detail || L['kc.error']);
      setState('error');
    }
  };

  const retry = () => {
    setVerdict(null);
    setState('idle');
  };

  const optionText = (id: string) => q.options?.find((o) => o.id === id)?.text;
  const answerText = (a: unknown): string => {
    if (typeof a === 'boolean') return a ? L['kc.true'] : L['kc.false'];
    if (typeof a === 'string') return optionText(a) ? `${a}. ${optionText(a)}` : a;
    if (Array.isArray(a)) {
      // fill: one entry per blank, each a string or a list of accepted alternatives
      if (q.type === 'fill') return a.map((b, i) => `${fmt(L['kc.blank'], { n: i + 1 })}：${Array.isArray(b) ? b.join(' / ') : String(b)}`).join('；');
      return a.map((x) => answerText(x)).join('；');
    }
    // fill, as the API sends it: { blanks: [[accepted, …], …], orderInsensitive }
    if (a && typeof a === 'object' && Array.isArray((a as { blanks?: unknown }).blanks)) return answerText((a as { blanks: unknown[] }).blanks);
    return a == null ? '' : String(a);
  };

  const kind = { single: L['kc.chooseOne'], multiple: L['kc.chooseMany'], truefalse: L['kc.trueFalse'], fill: L['kc.fill'] }[q.type];
  const locked = () => !p.enabled || state() === 'sending' || state() === 'done';
  const name = `kc-${q.id}`;

  return (
    <li class="kc-q card" data-question={q.id} data-state={state()} data-correct={verdict() ? String(verdict()!.correct) : undefined}>
      <form onSubmit={submit} novalidate>
        <fieldset disabled={locked()}>
          <legend>
            <span class="kc-kind">{fmt(L['kc.question'], { n: p.n })} · {kind}</span>
            <span class="kc-stem">{q.stem}</span>
          </legend>
          <Switch>
            <Match when={q.type === 'single' || q.type === 'multiple'}>
              <ul class="kc-options" role="list">
                <For each={q.options ?? []}>
                  {(o) => (
                    <li>
                      <label class="kc-option">
                        <input
                          type={q.type === 'single' ? 'radio' : 'checkbox'}
                          name={name}
                          value={o.id}
                          checked={q.type === 'single' ? single() === o.id : multi().includes(o.id)}
                          onChange={(ev) => {
                            if (q.type === 'single') setSingle(o.id);
                            else setMulti((m) => (ev.currentTarget.checked ? [...m, o.id] : m.filter((x) => x !== o.id)));
                          }}
                        />
                        <span class="kc-opt-id">{o.id}</span>
                        <span>{o.text}</span>
                      </label>
                    </li>
                  )}
                </For>
              </ul>
            </Match>
            <Match when={q.type === 'truefalse'}>
              <ul class="kc-options kc-tf" role="list">
                <For each={[true, false]}>
                  {(v) => (
                    <li>
                      <label class="kc-option">
                        <input type="radio" name={name} value={String(v)} checked={tf() === v} onChange={() => setTf(v)} />
                        <span>{v ? L['kc.true'] : L['kc.false']}</span>
                      </label>
                    </li>
                  )}
                </For>
              </ul>
            </Match>
            <Match when={q.type === 'fill'}>
              <div class="kc-blanks">
                <Index each={blanks()}>
                  {(b, i) => (
                    <label class="field">
                      <span class="label">{fmt(L['kc.blank'], { n: i + 1 })}</span>
                      <input
                        class="input"
                        type="text"
                        autocomplete="off"
                        value={b()}
                        onInput={(ev) => {
                          const v = ev.currentTarget.value;
                          setBlanks((all) => all.map((x, j) => (j === i ? v : x)));
                        }}
                      />
                    </label>
                  )}
                </Index>
              </div>
            </Match>
          </Switch>
        </fieldset>
        <div class="kc-actions">
          <Show
            when={state() === 'done'}
            fallback={
              <button type="submit" class="btn btn-primary btn-sm" disabled={locked()}>
                {state() === 'sending' ? L['kc.submitting'] : L['kc.submit']}
              </button>
            }
          >
            <button type="button" class="btn btn-secondary btn-sm" onClick={retry}>{L['kc.retry']}</button>
          </Show>
          <span class="kc-msg" role="status">{message()}</span>
        </div>
      </form>
      <div aria-live="polite">
        <Show when={verdict()}>
          {(v) => (
            <div class={`kc-feedback ${v().correct ? 'is-correct' : 'is-wrong'}`}>
              <p class="kc-verdict">{v().correct ? `✓ ${L['kc.correct']}` : `✗ ${L['kc.incorrect']}`}</p>
              <Show when={v().rightAnswer !== undefined && v().rightAnswer !== null}>
                <p><strong>{L['kc.rightAnswer']}：</strong>{answerText(v().rightAnswer)}</p>
              </Show>
              <Show when={v().explanation}>
                <p><strong>{L['kc.explanation']}：</strong>{v().explanation}</p>
              </Show>
              <p class="kc-source"><strong>{L['kc.source']}：</strong><a href={q.source.href}>{q.source.label}</a></p>
            </div>
          )}
        </Show>
      </div>
    </li>
  );
}
