// The "could not load, try again" alert every data island shows when its first request fails.
import type { translator } from '../../i18n/index.ts';

export default function LoadError(props: { error: unknown; onRetry: () => void; tr: ReturnType<typeof translator> }) {
  const detail = () => (props.error as { detail?: string } | undefined)?.detail || props.tr('error.generic');
  return (
    <div class="alert alert-error" role="alert">
      <span>{props.tr('app.error', { detail: detail() })}</span>
      <button type="button" class="btn btn-secondary btn-sm" onClick={() => props.onRetry()}>{props.tr('app.retry')}</button>
    </div>
  );
}
