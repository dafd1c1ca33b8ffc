// Path parameters. A malformed id cannot name anything, so it is a 404 (not a 400 from a failed
// uuid cast deep in SQL); a malformed slot number is a field error.
import { badRequest, notFound, readablePathPart } from './http.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function idParam(params: Record<string, string | undefined>, name: string, what: string): string {
  const value = params[name];
  if (!value || !UUID.test(value)) throw notFound(`There is no ${what} with the id "${readablePathPart(value ?? '')}".`);
  return value.toLowerCase();
}

export function slotParam(params: Record<string, string | undefined>): number {
  const raw = params.slot ?? '';
  const n = Number(raw);
  if (!/^\d{1,4}$/.test(raw) || !Number.isInteger(n) || n < 1) {
    throw badRequest('The slot in the path must be a question number such as 1, 2, 3.', { errors: { slot: `"${readablePathPart(raw)}" is not a question number.` } });
  }
  return n;
}
