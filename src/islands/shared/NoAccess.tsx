// "You don't have access to this page" with a way back: what a signed-in person sees on a page
// their role does not open (the page's role check on load, or a 403 from its first request),
// instead of a loading skeleton or a form they cannot use.
import { Show } from 'solid-js';
import { localePath, type Locale, type translator } from '../../i18n/index.ts';
import { accessSentence } from '../../i18n/access.ts';
import { localDetail } from '../../client/problem-text.ts';

/** The roles a `role_required` refusal names (`params.roles = "hr,admin"`), or null for any other refusal. */
function rolesOfRefusal(error: unknown): string[] | null {
  const p = (error as { problem?: { code?: unknown; params?: { roles?: unknown } } } | null)?.problem;
  return p?.code === 'role_required' && typeof p.params?.roles === 'string' ? p.params.roles.split(',').filter(Boolean) : null;
}

/**
 * `roles`: who may use the page — the box then says exactly that, in one sentence, instead of the
 * shell's general one. A `role_required` refusal in `error` names them too. `error`: any other
 * refusal, said in the page's language from its code (src/client/problem-text.ts), below;
 * `detail`: a text the island already has in the page's language.
 */
export default function NoAccess(props: { locale: Locale; tr: ReturnType<typeof translator>; detail?: string; error?: unknown; roles?: readonly string[] }) {
  const roles = () => props.roles ?? rolesOfRefusal(props.error);
  const body = () => {
    const r = roles();
    return r && r.length ? accessSentence(props.locale, r) : props.tr('access.body');
  };
  // The refusal's own sentence only when it adds something: "only X may …" would repeat the body.
  const reason = () => (props.error && !rolesOfRefusal(props.error) ? localDetail(props.error, props.locale) : props.error ? null : props.detail);
  return (
    <section class="card no-access" role="alert" aria-labelledby="no-access-title" data-testid="no-access">
      <h2 id="no-access-title">{props.tr('access.title')}</h2>
      <p data-testid="no-access-body">{body()}</p>
      <Show when={reason()}>{(d) => <p class="muted small">{d()}</p>}</Show>
      <div class="cluster">
        <a class="btn btn-primary" href={localePath(props.locale, '/')}>{props.tr('access.home')}</a>
        <a class="btn btn-secondary" href={localePath(props.locale, '/results/')}>{props.tr('access.myResults')}</a>
      </div>
    </section>
  );
}
