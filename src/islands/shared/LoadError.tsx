// The "could not load, try again" alert every data island shows when its first request fails.
// The reason is said in the page's language from the problem's code (src/client/problem-text.ts).
import type { translator } from '../../i18n/index.ts';
import { localeFromPath } from '../../i18n/index.ts';
import { localDetail } from '../../client/problem-text.ts';

export default function LoadError(props: { error: unknown; onRetry: () => void; tr: ReturnType<typeof translator> }) {
  const detail = () => (props.error ? localDetail(props.error, localeFromPath(location.pathname)) : props.tr('error.generic'));
  return (
    <div class="alert alert-error" role="alert">
      <span>{props.tr('app.error', { detail: detail() })}</span>
      <button type="button" class="btn btn-secondary btn-sm" onClick={() => props.onRetry()}>{props.tr('app.retry')}</button>
    </div>
  );
}
