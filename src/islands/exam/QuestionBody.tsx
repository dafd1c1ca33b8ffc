// One question's stem and answer controls, shared by the exam runner, practice and review.
// Native radios and checkboxes (not divs with roles) so keyboards, screen readers and old WebViews
// behave without extra code; the option "cards" are only styling on <label>.
import { For, Index, Match, Show, Switch, type JSX } from 'solid-js';
import type { QuestionPublic, QuestionResponse } from '../../core/questions.ts';
import { optionLetter } from '../../client/format.ts';
import { translator, type Locale } from '../../i18n/index.ts';

interface Props {
  question: QuestionPublic;
  response: QuestionResponse;
  /** Absent = read-only (review). */
  onChange?: (next: QuestionResponse) => void;
  /** Unique per rendered question (input ids and radio group names). */
  idPrefix: string;
  locale: Locale;
  /** After an answer is checked: mark the right options / the chosen wrong ones. */
  reveal?: { rightAnswer: unknown } | null;
  /** id of the element that names the group (the question heading). */
  labelledBy?: string;
}

const BLANK_RUN = /_{3,}/;

/** The response after pressing number key `index` (0-based) on this question, or undefined. */
export function responseForKey(question: QuestionPublic, response: QuestionResponse, index: number): QuestionResponse | undefined {
  if (question.type === 'truefalse') return index === 0 ? true : index === 1 ? false : undefined;
  const option = question.options[index];
  if (!option) return undefined;
  if (question.type === 'single') return option.id;
  if (question.type === 'multiple') return toggle(Array.isArray(response) ? response : [], option.id, question);
  return undefined;
}

/** Multiple choice: toggle an id, keeping the display order (so saved responses are stable). */
function toggle(current: readonly string[], id: string, question: QuestionPublic): string[] | null {
  const set = current.indexOf(id) === -1 ? current.concat(id) : current.filter((x) => x !== id);
  const ordered = question.options.map((o) => o.id).filter((x) => set.indexOf(x) !== -1);
  return ordered.length === 0 ? null : ordered;
}

export default function QuestionBody(props: Props) {
  const tr = translator(props.locale);
  const readOnly = () => !props.onChange;
  const name = () => `${props.idPrefix}-opt`;

  const rightIds = (): string[] | null => {
    const r = props.reveal?.rightAnswer;
    if (r === undefined || r === null) return null;
    if (typeof r === 'string') return [r];
    if (Array.isArray(r) && r.every((x) => typeof x === 'string')) return r as string[];
    return null;
  };
  const chosen = (id: string) => {
    const r = props.response;
    return typeof r === 'string' ? r === id : Array.isArray(r) ? r.indexOf(id) !== -1 : false;
  };
  const optionClass = (id: string) => {
    const right = rightIds();
    let c = 'q-option';
    if (chosen(id)) c += ' is-chosen';
    if (right) {
      if (right.indexOf(id) !== -1) c += ' is-right';
      else if (chosen(id)) c += ' is-wrong';
    }
    return c;
  };
  const tfClass = (value: boolean) => {
    let c = 'q-option';
    if (props.response === value) c += ' is-chosen';
    const r = props.reveal?.rightAnswer;
    if (typeof r === 'boolean') {
      if (r === value) c += ' is-right';
      else if (props.response === value) c += ' is-wrong';
    }
    return c;
  };

  // Checkboxes have no arrow-key movement of their own; give them the radio-group feel.
  const onOptionsKey: JSX.EventHandler<HTMLElement, KeyboardEvent> = (e) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const target = e.target as HTMLElement;
    if (!(target instanceof HTMLInputElement) || target.type !== 'checkbox') return;
    const inputs = Array.prototype.slice.call(e.currentTarget.querySelectorAll('input')) as HTMLInputElement[];
    const i = inputs.indexOf(target);
    const next = inputs[(i + (e.key === 'ArrowDown' ? 1 : inputs.length - 1)) % inputs.length];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  };

  const blanks = (): string[] => {
    const n = props.question.blankCount ?? 1;
    const r = Array.isArray(props.response) ? props.response : [];
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(r[i] ?? '');
    return out;
  };
  const setBlank = (i: number, value: string) => {
    const next = blanks();
    next[i] = value;
    props.onChange?.(next.every((b) => b === '') ? null : next);
  };
  const stemParts = () => props.question.stem.split(BLANK_RUN);
  const inlineBlanks = () => props.question.type === 'fill' && stemParts().length - 1 === (props.question.blankCount ?? 1);

  const blankInput = (i: number) => (
    <input
      class="input q-blank"
      id={`${props.idPrefix}-blank-${i}`}
      type="text"
      autocomplete="off"
      autocapitalize="off"
      spellcheck={false}
      aria-label={tr('question.blank', { n: i + 1 })}
      value={blanks()[i] ?? ''}
      readOnly={readOnly()}
      onInput={(e) => setBlank(i, e.currentTarget.value)}
    />
  );

  return (
    <div class="q-body">
      <Show when={inlineBlanks()} fallback={<p class="q-stem">{props.question.stem}</p>}>
        <p class="q-stem q-stem-fill">
          <Index each={stemParts()}>
            {(part, i) => (
              <>
                {part()}
                <Show when={i < stemParts().length - 1}>{blankInput(i)}</Show>
              </>
            )}
          </Index>
        </p>
      </Show>

      <Switch>
        <Match when={props.question.type === 'single' || props.question.type === 'multiple'}>
          <Show when={props.question.type === 'multiple'}>
            <p class="q-hint">{tr('question.multipleHint')}</p>
          </Show>
          <div
            class="q-options"
            role={props.question.type === 'single' ? 'radiogroup' : 'group'}
            aria-labelledby={props.labelledBy}
            onKeyDown={onOptionsKey}
          >
            <For each={props.question.options}>
              {(o, i) => (
                <label class={optionClass(o.id)}>
                  <input
                    type={props.question.type === 'single' ? 'radio' : 'checkbox'}
                    name={name()}
                    value={o.id}
                    checked={chosen(o.id)}
                    disabled={readOnly()}
                    onChange={() => {
                      if (props.question.type === 'single') props.onChange?.(o.id);
                      else props.onChange?.(toggle(Array.isArray(props.response) ? props.response : [], o.id, props.question));
                    }}
                  />
                  <span class="q-letter" aria-hidden="true">{optionLetter(i())}</span>
                  <span class="q-text"><span class="visually-hidden">{optionLetter(i())}. </span>{o.text}</span>
                </label>
              )}
            </For>
          </div>
        </Match>
        <Match when={props.question.type === 'truefalse'}>
          <div class="q-options q-options-tf" role="radiogroup" aria-labelledby={props.labelledBy}>
            <For each={[true, false]}>
              {(value, i) => (
                <label class={tfClass(value)}>
                  <input
                    type="radio"
                    name={name()}
                    value={String(value)}
                    checked={props.response === value}
                    disabled={readOnly()}
                    onChange={() => props.onChange?.(value)}
                  />
                  <span class="q-letter" aria-hidden="true">{value ? '✓' : '✗'}</span>
                  <span class="q-text">{tr(value ? 'question.true' : 'question.false')}<span class="visually-hidden"> ({i() + 1})</span></span>
                </label>
              )}
            </For>
          </div>
        </Match>
        <Match when={props.question.type === 'fill' && !inlineBlanks()}>
          <div class="q-blanks">
            <Index each={blanks()}>
              {(_, i) => (
                <label class="field">
                  <span class="label">{tr('question.blank', { n: i + 1 })}</span>
                  {blankInput(i)}
                </label>
              )}
            </Index>
          </div>
        </Match>
        <Match when={props.question.type === 'short'}>
          <textarea
            class="textarea q-short"
            id={`${props.idPrefix}-short`}
            rows={6}
            aria-labelledby={props.labelledBy}
            placeholder={tr('question.shortPlaceholder')}
            value={typeof props.response === 'string' ? props.response : ''}
            readOnly={readOnly()}
            onInput={(e) => props.onChange?.(e.currentTarget.value === '' ? null : e.currentTarget.value)}
          />
        </Match>
      </Switch>
    </div>
  );
}
