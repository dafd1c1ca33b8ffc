/**
 * What text may contain. One rule for every string that comes in (request bodies, query strings,
 * content files): no control characters. PostgreSQL cannot store U+0000 at all ("invalid byte
 * sequence"), and the other C0/C1 controls are never typed by a person; they only arrive from
 * broken clients or from someone probing, and would end up in exports and audit logs.
 *
 * Tab, line feed and carriage return are ordinary in multi-line text (answers, comments,
 * descriptions), so `findControlChar` allows them; fields that are one line by nature (titles,
 * codes, names, event details) use `singleLine()`, which refuses them as well.
 *
 *   parseWith(schema, value)          // functions/_lib/http.ts runs findControlChar on every input
 *   title: z.string().trim().min(1).superRefine(singleLine)   // a one-line field in a schema
 */
/** C0 controls except tab/LF/CR, DEL, and the C1 controls. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
/** The same plus tab, LF, CR and the Unicode line/paragraph separators. */
const CONTROL_OR_BREAK = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/u;

const codePoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The field-error message for a string with a forbidden character, or null when it is clean. */
export function controlCharMessage(s: string, opts: { singleLine?: boolean } = {}): string | null {
  const m = (opts.singleLine ? CONTROL_OR_BREAK : CONTROL).exec(s);
  if (!m) return null;
  const ch = m[0];
  if (ch === '\u0000') return 'Contains a NUL character (U+0000), which cannot be stored. Remove it and send the text again.';
  if (opts.singleLine && /[\t\n\r\u2028\u2029]/.test(ch)) return `Must be a single line: remove the line break or tab (${codePoint(ch)}).`;
  return `Contains an invisible control character (${codePoint(ch)}). Remove it and send the text again.`;
}

/** The stable code of `controlCharMessage` (src/core/field-codes.ts), for pages that say it in their language. */
export function controlCharCode(s: string, opts: { singleLine?: boolean } = {}): { code: string; params: { cp: string } } | null {
  const m = (opts.singleLine ? CONTROL_OR_BREAK : CONTROL).exec(s);
  if (!m) return null;
  const ch = m[0];
  const code = ch === '\u0000' ? 'nul_char' : opts.singleLine && /[\t\n\r\u2028\u2029]/.test(ch) ? 'line_break' : 'control_char';
  return { code, params: { cp: codePoint(ch) } };
}

/**
 * The first string (or object key) anywhere in a parsed JSON value or query object that holds a
 * control character: `{ path: 'answers.3', message }`, or null. Paths use the same dotted form as
 * the schemas' field errors, so the browser shows the message next to the right input.
 */
export function findControlChar(value: unknown, path: (string | number)[] = []): { path: string; message: string; code: { code: string; params: { cp: string } } } | null {
  const at = (p: (string | number)[]) => (p.length ? p.join('.') : '(body)');
  if (typeof value === 'string') {
    const message = controlCharMessage(value);
    return message ? { path: at(path), message, code: controlCharCode(value)! } : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findControlChar(value[i], [...path, i]);
      if (hit) return hit;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      // A bad key is reported at its parent: echoing the key would echo the character.
      const keyMessage = controlCharMessage(key, { singleLine: true });
      if (keyMessage) return { path: at(path), message: `A field name ${keyMessage.charAt(0).toLowerCase()}${keyMessage.slice(1)}`, code: controlCharCode(key, { singleLine: true })! };
      const hit = findControlChar(inner, [...path, key]);
      if (hit) return hit;
    }
  }
  return null;
}

/**
 * Refinement for one-line fields; chain it after `.trim()` so that whitespace the field drops
 * anyway is not refused: `z.string().trim().min(1).superRefine(singleLine)`.
 */
export function singleLine(s: string, ctx: { addIssue: (issue: { code: 'custom'; message: string; params?: Record<string, string> }) => void }): void {
  const message = controlCharMessage(s, { singleLine: true });
  // The code travels in the issue's params, so the page says it in its language (field-codes.ts).
  if (message) {
    const c = controlCharCode(s, { singleLine: true })!;
    ctx.addIssue({ code: 'custom', message, params: { code: c.code, cp: c.params.cp } });
  }
}
