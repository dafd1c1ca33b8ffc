-- A person who signed in with an initial password (roster import, an account an administrator
-- created, an administrator's reset — all kept in app.initial_passwords until first use) must
-- choose their own password before using anything else (issue 11).
--
-- * app.password_change_required marks the account from the moment its initial password is
--   claimed at the first sign-in (app.claim_initial_password, redefined below) until the person
--   sets a password of their own (app.change_own_password).
-- * The functions refuse every call of such an account with 403 password_change_required
--   (functions/_lib/auth.ts: the session check reads the mark in the same statement; the hot paths
--   that piggyback the check on their first statement get it from app_private.assert_session_active,
--   redefined below). What stays reachable: GET /api/me (who is signed in, and that a change is
--   due), GET/POST /api/password (the change itself), /api/sign-in, and the auth server's own
--   endpoints (refresh, sign-out).

create table app.password_change_required (
  user_id uuid primary key references auth.users (id) on delete cascade,
  since timestamptz not null default now()
);
alter table app.password_change_required enable row level security;
grant select on app.password_change_required to authenticated;
grant all on app.password_change_required to service_role;
-- A person may see only their own mark (the session check reads it as the caller); only the
-- security-definer functions below write it.
create policy password_change_required_select on app.password_change_required for select to authenticated
  using (user_id = (select auth.uid()));

-- As in 20261201000300_org_roster.sql, plus: the account must choose its own password next.
create or replace function app.claim_initial_password(p_user uuid, p_sha256 text, p_hash text) returns boolean
language plpgsql security definer
set search_path = ''
as $$
begin
  if p_hash !~ '^\$2[aby]\$[0-9]{2}\$' then
    raise exception 'not a bcrypt hash';
  end if;
  delete from app.initial_passwords where user_id = p_user and sha256 = p_sha256 and expires_at > now();
  if not found then
    return false;
  end if;
  update auth.users set encrypted_password = p_hash, updated_at = now() where id = p_user and encrypted_password is null;
  if not found then
    return false;
  end if;
  insert into app.password_change_required (user_id) values (p_user)
  on conflict (user_id) do update set since = now();
  return true;
end
$$;

-- As in 20261130000100_o1_start.sql, plus: an account that must change its password is refused
-- with the same SQLSTATE and hint 'password_change_required' (functions/_lib/auth.ts tells the two
-- apart), so the functions that piggyback the session check refuse it too.
create or replace function app_private.assert_session_active(p_user uuid, p_session uuid) returns void
language plpgsql
set search_path = ''
as $$
begin
  if not app_private.session_is_active(p_user, p_session) then
    raise exception 'session ended' using errcode = '28000',
      detail = 'The access token''s session was signed out, or its account was disabled or removed.';
  end if;
  if exists (select 1 from app.password_change_required where user_id = p_user) then
    raise exception 'password change required' using errcode = '28000', hint = 'password_change_required',
      detail = 'The account signed in with an initial password and must choose its own first.';
  end if;
end
$$;

-- Sets the caller's own new password (the bcrypt hash; functions/password.ts has checked the
-- current password with the auth server and the new one against the password rules), lifts the
-- mark, ends every session of the account (the function signs the person in again with the new
-- password) and writes the audit row — without any password or hash in it. For the service role
-- only: the user id comes from the verified access token.
create function app.change_own_password(p_user uuid, p_hash text) returns void
language plpgsql security definer
set search_path = ''
as $$
declare
  v_member uuid;
  v_forced boolean;
begin
  if p_hash !~ '^\$2[aby]\$[0-9]{2}\$' then
    raise exception 'not a bcrypt hash';
  end if;
  update auth.users set encrypted_password = p_hash, updated_at = now() where id = p_user;
  if not found then
    raise exception 'There is no account with this id.' using errcode = 'P0002';
  end if;
  delete from app.password_change_required where user_id = p_user;
  v_forced := found;
  -- An initial password still waiting (an administrator reset it meanwhile) is superseded.
  delete from app.initial_passwords where user_id = p_user;
  delete from auth.sessions where user_id = p_user;
  select id into v_member from app.members where user_id = p_user;
  insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
  values (v_member, 'member', 'member.password_change', 'member', coalesce(v_member::text, p_user::text),
          null, jsonb_build_object('required', v_forced), case when v_forced then 'initial_password' end);
end
$$;
revoke all on function app.change_own_password(uuid, text) from public;
grant execute on function app.change_own_password(uuid, text) to service_role;

-- What functions/password.ts needs about the caller's account (for the service role: the auth
-- schema is not granted to API roles): the sign-in email, the 工号 (the password rules keep both
-- out of a new password) and whether a change is required.
create function app.password_account(p_user uuid) returns table (email text, employee_no text, required boolean)
language sql stable security definer
set search_path = ''
as $$
  select u.email::text, m.employee_no, exists (select 1 from app.password_change_required p where p.user_id = u.id)
  from auth.users u left join app.members m on m.user_id = u.id
  where u.id = p_user
$$;
revoke all on function app.password_account(uuid) from public;
grant execute on function app.password_account(uuid) to service_role;
