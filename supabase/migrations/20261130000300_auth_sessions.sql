-- Access tokens end with their session (security finding 6).
--
-- A JWT stays valid until it expires, whoever signed it; so functions also ask the database whether
-- the token's session still exists and its account may still sign in. The question is asked of
-- auth.sessions/auth.users as Supabase Auth (GoTrue) keeps them, so the same check works on a
-- Supabase project (where GoTrue owns the auth schema: sign-out deletes the session row, deleting a
-- user cascades to it, banning sets banned_until, a soft delete sets deleted_at) and with local auth
-- (supabase/compat/supabase-shim.sql recreates those columns and src/server/local-auth.ts keeps
-- them the same way).
--
-- security definer: functions call it as the signed-in caller (role authenticated, one statement
-- with the caller's claims, no extra transaction), which has no grant on auth.*; the owner
-- (postgres, which runs migrations, also on Supabase) can read both tables. It answers one boolean,
-- and an authenticated caller may only ask about their own user id.
create or replace function app_private.session_is_active(p_user uuid, p_session uuid) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1
    from auth.sessions s
    join auth.users u on u.id = s.user_id
    where s.id = p_session
      and s.user_id = p_user
      -- Read the claims directly: after a transaction that set them, the setting reads '' (not
      -- null) for the rest of the session, which the shim's auth.role() cannot parse.
      and (coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role', '') <> 'authenticated'
           or p_user::text = nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
      and (s.not_after is null or s.not_after > now())
      and (u.banned_until is null or u.banned_until <= now())
      and u.deleted_at is null
  )
$$;

revoke all on function app_private.session_is_active(uuid, uuid) from public;
grant execute on function app_private.session_is_active(uuid, uuid) to authenticated, service_role;
