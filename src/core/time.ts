/** Instants as accepted by src/core: Date objects (postgres.js), ISO strings (JSON) or epoch milliseconds. */
export type DateLike = Date | string | number;

/** Epoch milliseconds; throws RangeError on an unparseable value rather than computing with NaN. */
export function toMs(d: DateLike): number {
  const ms = d instanceof Date ? d.getTime() : typeof d === 'number' ? d : Date.parse(d);
  if (!Number.isFinite(ms)) throw new RangeError(`Not a valid date: ${String(d)}`);
  return ms;
}
