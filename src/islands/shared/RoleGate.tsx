// The role check a page makes on load (GET /api/me roles), before showing anything a person cannot
// use: a trainer opening /admin/roster-import/ sees one NoAccess box saying who may use the page,
// not an upload form refused only after the upload. Placed by the page component before the page's
// island, which sits in a wrapper rendered `hidden` (id `target`); the gate shows the wrapper once
// the roles allow it. When the roles cannot be read (signed out, network) the wrapper is shown and
// the island decides as before (it sends signed-out readers to sign in; the server checks anyway).
import { createResource, Show } from 'solid-js';
import { cachedMe, fetchMe, hasStoredSession } from '../../client/session-hint.ts';
import { translator, type Locale } from '../../i18n/index.ts';
import { rolesAllow } from '../../i18n/access.ts';
import NoAccess from './NoAccess.tsx';

export default function RoleGate(props: { locale: Locale; roles: string[]; target: string }) {
  const tr = translator(props.locale);
  const reveal = () => document.getElementById(props.target)?.removeAttribute('hidden');
  // The cached /api/me (the header's menu keeps it fresh) decides at once; otherwise ask.
  const [verdict] = createResource(() => (hasStoredSession() ? true : null), async () => {
    const cached = cachedMe();
    let roles = cached?.me.roles;
    if (!roles) roles = await fetchMe().then((m) => m.roles, () => undefined);
    const ok = rolesAllow(roles, props.roles);
    if (ok !== false) reveal();
    return ok;
  });
  if (!hasStoredSession()) reveal();
  return (
    <>
      <Show when={verdict.loading}><div class="skeleton app-fallback" /></Show>
      <Show when={verdict.state === 'ready' && verdict() === false}>
        <NoAccess locale={props.locale} tr={tr} roles={props.roles} />
      </Show>
    </>
  );
}
