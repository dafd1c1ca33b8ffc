// "You don't have access to this page" with a way back: what a signed-in person sees on a page
// their role does not open (a 403 from the page's first request), instead of a loading skeleton.
import { Show } from 'solid-js';
import { localePath, type Locale, type translator } from '../../i18n/index.ts';
import { localDetail } from '../../client/problem-text.ts';

/**
 * `error`: the refusal, whose reason is said in the page's language from its code
 * (src/client/problem-text.ts); `detail`: a text the island already has in the page's language.
 */
export default function NoAccess(props: { locale: Locale; tr: ReturnType<typeof translator>; detail?: string; error?: unknown }) {
  const reason = () => (props.error ? localDetail(props.error, props.locale) : props.detail);
  return (
    <section class="card no-access" role="alert" aria-labelledby="no-access-title" data-testid="no-access">
      <h2 id="no-access-title">{props.tr('access.title')}</h2>
      <p>{props.tr('access.body')}</p>
      <Show when={reason()}>{(d) => <p class="muted small">{d()}</p>}</Show>
      <div class="cluster">
        <a class="btn btn-primary" href={localePath(props.locale, '/')}>{props.tr('access.home')}</a>
        <a class="btn btn-secondary" href={localePath(props.locale, '/results/')}>{props.tr('access.myResults')}</a>
      </div>
    </section>
  );
}
