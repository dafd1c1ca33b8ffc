/**
 * Fill-in-the-blank comparison.
 *
 * Staff type on phones and PCs with Chinese IMEs that switch between full-width and half-width
 * forms, insert spaces, and produce Chinese or ASCII punctuation at random. None of that is what a
 * blank examines, so both the response and every accepted alternative are normalised the same way
 * before an exact comparison. Meaning-level variants (十五日 vs 15日 vs 15天) are NOT guessed here:
 * the bank lists them as alternatives.
 */

// Applied after NFKC, which has already folded the full-width block (，：；？！（）［］％０-９Ａ-Ｚ) to ASCII.
const PUNCTUATION: Readonly<Record<string, string>> = {
  '。': '.',
  '、': ',',
  '∶': ':',
  '⋯': '...',
  // Brackets of every kind become round ones: 国办发〔2015〕81号, 国办发[2015]81号 and 国办发(2015)81号
  // are the same answer.
  '〔': '(', '〕': ')', '【': '(', '】': ')', '〖': '(', '〗': ')', '〘': '(', '〙': ')',
  '[': '(', ']': ')', '{': '(', '}': ')', '⦅': '(', '⦆': ')',
  // Dashes and minus signs.
  '—': '-', '–': '-', '―': '-', '‐': '-', '‑': '-', '‒': '-', '−': '-', '﹣': '-',
  '〜': '~',
  '・': '·', '•': '·', '‧': '·', '∙': '·',
};

// Quotation and title marks are decoration around a name (《消费者权益保护法》, “首问负责制”); a
// taker who omits them, or types ASCII ones, has given the same answer.
// ASCII < and > are kept: they can be the answer (a threshold), and are not title marks in Chinese.
const DROPPED = /["'“”„‟‘’‚‛「」『』《》〈〉«»‹›]/gu;
// \s covers ASCII and Unicode spaces incl. U+3000; zero-width characters are not \s but are invisible.
const SPACES = /[\s\u200b-\u200d\u2060\ufeff]+/gu;
const TRAILING = /[.,;:!?]+$/u;

/** The canonical form of a blank answer (may be '' when the input has no content). */
export function normaliseBlank(input: string): string {
  let s = input.normalize('NFKC').toLowerCase().replace(SPACES, '').replace(DROPPED, '');
  let out = '';
  for (const ch of s) out += PUNCTUATION[ch] ?? ch;
  s = out.replace(/-{2,}/g, '-'); // 中文破折号 "——" is two dashes
  // A full stop or comma typed out of habit at the end of a blank is not part of the answer.
  return s.replace(TRAILING, '');
}

/** True when `response` equals one of `alternatives` after normalisation. An empty response never matches. */
export function blankMatches(response: string, alternatives: readonly string[]): boolean {
  const r = normaliseBlank(response);
  return r !== '' && alternatives.some((a) => normaliseBlank(a) === r);
}

export interface BlankMarking {
  /** One flag per blank of the question (response position), true when that answer is credited. */
  correct: boolean[];
  /** Number of credited blanks. */
  count: number;
}

/**
 * Marks each blank of a fill response.
 *
 * In order: response i is compared with blank i's alternatives.
 * Order-insensitive: each response may fill any blank, each blank is credited at most once, and a
 * response repeating an earlier one (after normalisation) is not credited — otherwise "name two of
 * the eight rights", keyed as two blanks that each list all eight, would give full marks for
 * writing 知情权 twice (Moodle's gapfill calls this "no duplicates"). Synonyms listed as separate
 * alternatives are not detected as repeats; key such blanks with one group per item instead.
 * The assignment is a maximum bipartite matching (Kuhn's augmenting paths): greedy first-fit
 * undercounts when alternatives overlap, e.g. blanks [[X, Y], [X]] answered [X, Y].
 *
 * Missing responses count as empty; responses beyond the number of blanks are ignored.
 */
export function markBlanks(responses: readonly string[], blanks: readonly (readonly string[])[], orderInsensitive: boolean): BlankMarking {
  const n = blanks.length;
  const norm = Array.from({ length: n }, (_, i) => normaliseBlank(responses[i] ?? ''));
  const accepted = blanks.map((alts) => new Set(alts.map(normaliseBlank).filter((a) => a !== '')));

  if (!orderInsensitive) {
    const correct = norm.map((r, i) => r !== '' && (accepted[i] as Set<string>).has(r));
    return { correct, count: correct.filter(Boolean).length };
  }

  // Left: response positions; right: blanks. blankOwner[j] = response index matched to blank j.
  const blankOwner: (number | null)[] = new Array<number | null>(n).fill(null);
  const repeat = norm.map((r, i) => norm.indexOf(r) !== i);
  const canFill = (i: number, j: number): boolean =>
    norm[i] !== '' && !repeat[i] && (accepted[j] as Set<string>).has(norm[i] as string);
  const tryAssign = (i: number, visited: boolean[]): boolean => {
    for (let j = 0; j < n; j++) {
      if (visited[j] || !canFill(i, j)) continue;
      visited[j] = true;
      const owner = blankOwner[j];
      if (owner === null || owner === undefined || tryAssign(owner, visited)) {
        blankOwner[j] = i;
        return true;
      }
    }
    return false;
  };
  for (let i = 0; i < n; i++) tryAssign(i, new Array<boolean>(n).fill(false));

  const correct = new Array<boolean>(n).fill(false);
  for (const owner of blankOwner) if (owner !== null) correct[owner] = true;
  return { correct, count: correct.filter(Boolean).length };
}
