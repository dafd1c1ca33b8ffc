/**
 * Stable codes for the reasons an input is refused, so a page can say them in its reader's
 * language. The server keeps its English `errors` (for API clients and logs) and adds
 * `fieldCodes: { "<field>": { code, params } }` beside them; pages render the code through
 * src/i18n/field-errors.ts (the generic codes below) or their area's i18n module (domain codes such
 * as `org_unknown`), falling back to the English only for a code neither knows.
 *
 *   fieldCodeOfIssue(issue, input)   // a zod issue → { code: 'too_long', params: { max: 200 } }
 *
 * One mapping for every schema: a zod issue's own code and limit decide the message, so no schema
 * needs a Chinese copy of its English messages. A refinement that means something more specific
 * names its code in the issue (`ctx.addIssue({ code: 'custom', message, params: { code: 'bad_mobile' } })`).
 */

export interface MessageCode {
  code: string;
  params?: Record<string, string | number>;
}

/** Every generic field code this module (and src/core/text.ts) can produce; each has zh and en text. */
export const GENERIC_FIELD_CODES = [
  'required', 'too_short', 'too_long', 'too_small', 'too_small_exclusive', 'too_big', 'too_big_exclusive',
  'too_few', 'too_many', 'date_too_early', 'date_too_late', 'not_multiple',
  'expected_text', 'expected_number', 'expected_integer', 'expected_boolean', 'expected_list', 'expected_object', 'expected_date', 'invalid_type',
  'bad_email', 'bad_id', 'bad_date', 'bad_datetime', 'bad_url', 'bad_format', 'bad_mobile', 'bad_employee_no', 'bad_period',
  'not_an_option', 'unknown_field', 'invalid',
  'nul_char', 'control_char', 'line_break', 'nothing_to_change',
] as const;
export type GenericFieldCode = (typeof GENERIC_FIELD_CODES)[number];

/** The structural part of a zod (v4) issue this mapping reads; kept loose so no zod import is needed. */
export interface IssueLike {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  exact?: boolean;
  expected?: string;
  format?: string;
  divisor?: number | bigint;
  keys?: string[];
  params?: Record<string, unknown>;
}

const num = (v: number | bigint | undefined) => (v === undefined ? 0 : Number(v));
const day = (ms: number | bigint | undefined) => new Date(num(ms)).toISOString().slice(0, 10);

/** The value at a zod path inside the parsed input, or undefined when the path is missing. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

const EXPECTED: Record<string, GenericFieldCode> = {
  string: 'expected_text', number: 'expected_number', int: 'expected_integer', bigint: 'expected_integer', nan: 'expected_number',
  boolean: 'expected_boolean', array: 'expected_list', tuple: 'expected_list', set: 'expected_list',
  object: 'expected_object', record: 'expected_object', map: 'expected_object', date: 'expected_date',
};

const FORMAT: Record<string, GenericFieldCode> = {
  email: 'bad_email', uuid: 'bad_id', guid: 'bad_id', cuid: 'bad_id', cuid2: 'bad_id', ulid: 'bad_id', nanoid: 'bad_id',
  date: 'bad_date', datetime: 'bad_datetime', time: 'bad_datetime', duration: 'bad_format', url: 'bad_url',
};

/** The code and values of one zod issue; `input` (what was parsed) tells a missing field from a wrong one. */
export function fieldCodeOfIssue(issue: IssueLike, input?: unknown): MessageCode {
  // A refinement that names its own code wins: it knows more than the issue's shape.
  const own = issue.params?.code;
  if (typeof own === 'string') {
    const params: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(issue.params ?? {})) if (k !== 'code' && (typeof v === 'string' || typeof v === 'number')) params[k] = v;
    return { code: own, params };
  }
  switch (issue.code) {
    case 'invalid_type': {
      const missing = input !== undefined ? valueAt(input, issue.path) === undefined : /received undefined$/.test(issue.message);
      if (missing || (input !== undefined && valueAt(input, issue.path) === null && issue.expected !== 'null')) {
        return { code: 'required' };
      }
      return { code: EXPECTED[issue.expected ?? ''] ?? 'invalid_type' };
    }
    case 'too_small': {
      const min = num(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? { code: 'required' } : { code: 'too_short', params: { min } };
      if (issue.origin === 'array' || issue.origin === 'set') return { code: 'too_few', params: { min } };
      if (issue.origin === 'date') return { code: 'date_too_early', params: { min: day(issue.minimum) } };
      return { code: issue.inclusive === false ? 'too_small_exclusive' : 'too_small', params: { min } };
    }
    case 'too_big': {
      const max = num(issue.maximum);
      if (issue.origin === 'string') return { code: 'too_long', params: { max } };
      if (issue.origin === 'array' || issue.origin === 'set') return { code: 'too_many', params: { max } };
      if (issue.origin === 'date') return { code: 'date_too_late', params: { max: day(issue.maximum) } };
      return { code: issue.inclusive === false ? 'too_big_exclusive' : 'too_big', params: { max } };
    }
    case 'invalid_format':
      return { code: FORMAT[issue.format ?? ''] ?? (issue.format?.startsWith('iso') ? 'bad_datetime' : 'bad_format') };
    case 'not_multiple_of':
      return { code: 'not_multiple', params: { step: num(issue.divisor) } };
    case 'invalid_value':
      return { code: 'not_an_option' };
    case 'unrecognized_keys':
      return { code: 'unknown_field', params: { keys: (issue.keys ?? []).join(', ') } };
    default:
      // invalid_union, invalid_key, invalid_element and refinements without a code of their own.
      return { code: 'invalid' };
  }
}
