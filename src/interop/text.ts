/**
 * Small text helpers shared by the interop modules without pulling in exceljs (so GIFT/XML/Aiken
 * parsers stay light in the browser).
 *
 *   looksLikeMarkup(text): boolean — HTML/script detection used for row-located rejections.
 */

/**
 * HTML or script markup: a tag (`<b>`, `</p>`, `<script`, `<img …>`, `<!-- `), a `javascript:`
 * URL, or an inline event handler. `<5万元` or `a < b > c` are not tags (a tag name starts with a
 * letter immediately after `<`, and must be closed by `>`).
 */
export function looksLikeMarkup(text: string): boolean {
  return /<\/?[a-z!][^<>]*>/i.test(text) || /javascript\s*:/i.test(text) || /\bon[a-z]+\s*=\s*["']/i.test(text);
}
