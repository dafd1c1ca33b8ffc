-- Organisation and people: closing org units, moving subtrees, member contact fields and position,
-- deactivation that ends sessions, an audit trail of every org/member change, and stored roster
-- imports (parse → preview → commit exactly what was previewed). Decisions:
-- docs/decisions/org-and-roster.md.

-- ---------------------------------------------------------------------------------------------
-- Org units: closing keeps the row (history: members' old records, attempts, reports point at it).
alter table app.org_units add column closed_at timestamptz;

-- The path trigger (20261122000100) now also refuses a move under the unit's own subtree and a
-- new child or a move under a closed unit. Descendants' paths are rewritten by the AFTER trigger
-- below, so a moved subtree keeps "is X in Y's subtree" right for every unit in it.
create or replace function app_private.org_units_set_path() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  parent_path text;
  parent_closed timestamptz;
begin
  if new.parent_id is null then
    new.path := '/' || new.code || '/';
  else
    select path, closed_at into parent_path, parent_closed from app.org_units where id = new.parent_id;
    if parent_path is null then
      raise exception 'parent org unit % does not exist', new.parent_id;
    end if;
    if tg_op = 'UPDATE' and parent_path like old.path || '%' then
      raise exception 'An org unit cannot be moved under itself or one of its own sub-units.'
        using errcode = 'P0001', hint = 'org_move_cycle';
    end if;
    if parent_closed is not null and (tg_op = 'INSERT' or new.parent_id is distinct from old.parent_id) then
      raise exception 'The chosen parent unit is closed; choose an open unit.'
        using errcode = 'P0001', hint = 'org_parent_closed';
    end if;
    new.path := parent_path || new.code || '/';
  end if;
  return new;
end
$$;

-- Rewrites the paths of every descendant when a unit's path changed (moved, or its code changed).
-- One statement: '/HQ/QD/…' → '/HQ/JN/QD/…'. Codes are globally unique, so no rewritten path can
-- collide with another unit's. Updating only `path` does not fire the BEFORE trigger (it watches
-- parent_id and code), so this does not recurse. security definer: the whole subtree must move
-- even if RLS would hide part of it from the caller.
create function app_private.org_units_rewrite_subtree() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  update app.org_units
     set path = new.path || substr(path, length(old.path) + 1)
   where path like old.path || '%' and id <> new.id;
  return null;
end
$$;
create trigger org_units_rewrite_subtree
  after update of parent_id, code on app.org_units
  for each row when (old.path is distinct from new.path)
  execute function app_private.org_units_rewrite_subtree();

-- Closing: refused while active people or open sub-units remain (they must be moved first).
-- The message names the numbers so the admin knows what is left; the API checks first and answers
-- with the same numbers as fields, this is the last line of defence.
create function app_private.org_units_check_close() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_people int;
  v_units int;
begin
  select count(*) into v_people
  from app.members m join app.org_units o on o.id = m.org_unit_id
  where m.active and o.path like old.path || '%';
  select count(*) into v_units
  from app.org_units o where o.parent_id = old.id and o.closed_at is null;
  if v_people > 0 or v_units > 0 then
    raise exception 'This unit still has % active people and % open sub-units; move them to another unit before closing it.', v_people, v_units
      using errcode = 'P0001', hint = 'org_close_not_empty';
  end if;
  return new;
end
$$;
create trigger org_units_check_close
  before update of closed_at on app.org_units
  for each row when (old.closed_at is null and new.closed_at is not null)
  execute function app_private.org_units_check_close();

-- Every change to the tree is audited (a handful of rows per change, so row-level is fine).
create function app_private.org_units_audit() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_actor uuid := app_private.current_member_id();
  v_action text;
  v_before jsonb;
  v_after jsonb := jsonb_build_object('code', new.code, 'name', new.name, 'kind', new.kind, 'parent_id', new.parent_id,
                                      'path', new.path, 'closed_at', new.closed_at);
begin
  if tg_op = 'INSERT' then
    v_action := 'org_unit.create';
  else
    v_before := jsonb_build_object('code', old.code, 'name', old.name, 'kind', old.kind, 'parent_id', old.parent_id,
                                   'path', old.path, 'closed_at', old.closed_at);
    if v_before = v_after then
      return null;
    end if;
    v_action := case
      when old.closed_at is null and new.closed_at is not null then 'org_unit.close'
      when old.closed_at is not null and new.closed_at is null then 'org_unit.reopen'
      when old.parent_id is distinct from new.parent_id then 'org_unit.move'
      -- A descendant whose path followed a move: recorded so its history shows the new place.
      when old.path is distinct from new.path and old.code = new.code then 'org_unit.path'
      else 'org_unit.update' end;
  end if;
  insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
  values (v_actor, case when v_actor is null then 'system:service' else 'member' end, v_action, 'org_unit', new.id::text,
          v_before, v_after, nullif(current_setting('app.audit_reason', true), ''));
  return null;
end
$$;
create trigger org_units_audit after insert or update on app.org_units
  for each row execute function app_private.org_units_audit();

-- ---------------------------------------------------------------------------------------------
-- Members: position (岗位), contact fields, deactivation time.
-- employee_no stays text with the existing check (^[A-Za-z0-9_-]{1,32}$): all-digit numbers with
-- leading zeros ("000123"), letter prefixes ("QD00123") and dashes are what banks use.
alter table app.members
  add column position text check (position is null or length(position) between 1 and 64),
  add column email text check (email is null or (length(email) <= 254 and email ~ '^[^[:space:]@]+@[^[:space:]@]+\.[^[:space:]@]+$' and email = lower(email))),
  add column mobile text check (mobile is null or mobile ~ '^1[3-9][0-9]{9}$'),
  add column deactivated_at timestamptz;
create unique index members_email_idx on app.members (email) where email is not null;
-- Prefix search by 工号 on 100k members, and the sign-in lookup (case-insensitive).
create index members_employee_no_pattern_idx on app.members (employee_no text_pattern_ops);
create index members_employee_no_upper_idx on app.members (upper(employee_no));
create index members_name_idx on app.members (name text_pattern_ops);
create index members_active_org_idx on app.members (org_unit_id) where active;

-- updated_at moves on every real change: a roster preview remembers it and the commit refuses to
-- apply a preview to a member changed since.
create function app_private.members_touch() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if row(new.*) is distinct from row(old.*) then
    new.updated_at := clock_timestamp();
    if old.active and not new.active then
      new.deactivated_at := coalesce(new.deactivated_at, now());
    elsif new.active then
      new.deactivated_at := null;
    end if;
  end if;
  return new;
end
$$;
create trigger members_touch before update on app.members
  for each row execute function app_private.members_touch();

-- A member cannot be placed in a closed unit.
create function app_private.members_check_unit() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if exists (select 1 from app.org_units where id = new.org_unit_id and closed_at is not null) then
    raise exception 'The org unit is closed; choose an open unit.' using errcode = 'P0001', hint = 'org_unit_closed';
  end if;
  return new;
end
$$;
create trigger members_check_unit before insert or update of org_unit_id on app.members
  for each row execute function app_private.members_check_unit();

-- Deactivating ends the person's sessions and blocks sign-in (as Supabase Auth bans do:
-- banned_until, which app_private.session_is_active and local auth read); reactivating lifts it.
-- Every record stays.
create function app_private.members_sync_account() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if new.user_id is null then
    return null;
  end if;
  if old.active and not new.active then
    -- A far-future instant rather than 'infinity', which JavaScript clients read as an invalid date.
    update auth.users set banned_until = now() + interval '100 years' where id = new.user_id;
    delete from auth.sessions where user_id = new.user_id;
  elsif not old.active and new.active then
    update auth.users set banned_until = null where id = new.user_id;
  end if;
  -- The member's email is their sign-in email once they have one.
  if new.email is not null and new.email is distinct from old.email then
    update auth.users set email = new.email, updated_at = now() where id = new.user_id;
  end if;
  return null;
end
$$;
create trigger members_sync_account after update of active, email on app.members
  for each row execute function app_private.members_sync_account();

-- Every member change is audited with before/after. Statement-level with transition tables, so a
-- roster commit of 20,000 people writes its audit rows in one statement. The reason comes from
-- the transaction-local setting app.audit_reason (the roster commit sets 'roster_import:<id>').
create function app_private.members_audit_row(m app.members) returns jsonb
language sql immutable
set search_path = ''
as $$
  select jsonb_build_object('employee_no', m.employee_no, 'name', m.name, 'org_unit_id', m.org_unit_id,
    'scope_org_id', m.scope_org_id, 'roles', to_jsonb(m.roles), 'position', m.position, 'email', m.email,
    'mobile', m.mobile, 'active', m.active, 'user_id', m.user_id)
$$;

create function app_private.members_audit_insert() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_actor uuid := app_private.current_member_id();
begin
  insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
  select v_actor, case when v_actor is null then 'system:service' else 'member' end, 'member.create', 'member', n.id::text,
         null, app_private.members_audit_row(n), nullif(current_setting('app.audit_reason', true), '')
  from new_rows n;
  return null;
end
$$;
create function app_private.members_audit_update() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_actor uuid := app_private.current_member_id();
begin
  insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
  select v_actor, case when v_actor is null then 'system:service' else 'member' end,
         case when o.active and not n.active then 'member.deactivate'
              when not o.active and n.active then 'member.reactivate'
              else 'member.update' end,
         'member', n.id::text, app_private.members_audit_row(o), app_private.members_audit_row(n),
         nullif(current_setting('app.audit_reason', true), '')
  from new_rows n join old_rows o on o.id = n.id
  where app_private.members_audit_row(o) is distinct from app_private.members_audit_row(n);
  return null;
end
$$;
create trigger members_audit_insert after insert on app.members
  referencing new table as new_rows for each statement execute function app_private.members_audit_insert();
create trigger members_audit_update after update on app.members
  referencing old table as old_rows new table as new_rows for each statement execute function app_private.members_audit_update();

-- ---------------------------------------------------------------------------------------------
-- Policy helpers.

-- Org units in the caller's managed subtree (all of them for admins; none for employees). Used as
-- `x in (select app_private.managed_org_ids())`, which PostgreSQL evaluates once per statement as a
-- hashed subplan instead of calling in_scope() for each of 100,000 member rows.
create function app_private.managed_org_ids() returns setof uuid
language plpgsql stable security definer
set search_path = ''
as $$
begin
  if app_private.has_role('admin') then
    return query select id from app.org_units;
  elsif app_private.has_role('trainer') or app_private.has_role('hr') then
    return query select id from app.org_units where path like app_private.scope_path() || '%';
  end if;
end
$$;

-- May the caller import a roster for this subtree: admins anywhere, HR within their own scope.
create function app_private.can_import_roster(unit uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return app_private.has_role('admin') or (app_private.has_role('hr') and app_private.in_scope(unit));
end
$$;

revoke all on function app_private.org_units_rewrite_subtree(), app_private.org_units_check_close(),
  app_private.org_units_audit(), app_private.members_touch(), app_private.members_check_unit(),
  app_private.members_sync_account(), app_private.members_audit_insert(), app_private.members_audit_update(),
  app_private.members_audit_row(app.members) from public;
revoke all on function app_private.managed_org_ids(), app_private.can_import_roster(uuid) from public;
grant execute on function app_private.managed_org_ids(), app_private.can_import_roster(uuid), app_private.members_audit_row(app.members)
  to authenticated, service_role;

-- Same meaning as before (you; trainers/HR/admins in their scope), evaluated once per statement.
alter policy members_select on app.members
  using (user_id = (select auth.uid()) or org_unit_id in (select app_private.managed_org_ids()));

-- ---------------------------------------------------------------------------------------------
-- Roster imports: the parsed file, every row's outcome, committed or not. The preview IS these
-- rows; the commit applies them (app.commit_roster_import) and nothing else.
create table app.roster_imports (
  id uuid primary key default gen_random_uuid(),
  created_by uuid not null references app.members (id),
  -- The subtree the import may touch (HR: within their scope; admins: anywhere). A full roster
  -- deactivates the people of this subtree who are missing from the file.
  scope_org_id uuid not null references app.org_units (id),
  file_name text not null check (length(file_name) between 1 and 255),
  file_sha256 text not null check (file_sha256 ~ '^[0-9a-f]{64}$'),
  file_format text not null check (file_format in ('xlsx', 'csv')),
  encoding text,
  full_roster boolean not null default false,
  status text not null default 'previewed' check (status in ('previewed', 'committed', 'cancelled')),
  -- Counts by outcome, and the header columns found.
  summary jsonb not null default '{}',
  created_at timestamptz not null default now(),
  committed_at timestamptz,
  committed_by uuid references app.members (id),
  result jsonb
);
create index roster_imports_scope_idx on app.roster_imports (scope_org_id);
create index roster_imports_created_by_idx on app.roster_imports (created_by, created_at desc);

create table app.roster_import_rows (
  import_id uuid not null references app.roster_imports (id) on delete cascade,
  seq int not null,
  -- Spreadsheet row (1-based, as Excel shows it); null for a deactivation (a person not in the file).
  row_no int,
  outcome text not null check (outcome in ('new', 'update', 'unchanged', 'problem', 'deactivate')),
  employee_no text,
  member_id uuid references app.members (id),
  -- The member's updated_at when previewed: the commit refuses if it moved since.
  member_version timestamptz,
  -- What the row will write: {employeeNo, name, orgUnitId, position, email, mobile, roles}.
  draft jsonb,
  -- {field: {from, to}} for updates.
  changes jsonb,
  -- [{column, code, value, params}] for problems.
  problems jsonb,
  primary key (import_id, seq)
);
create index roster_import_rows_outcome_idx on app.roster_import_rows (import_id, outcome);

alter table app.roster_imports enable row level security;
alter table app.roster_import_rows enable row level security;
grant select, insert on app.roster_imports, app.roster_import_rows to authenticated;
grant all on app.roster_imports, app.roster_import_rows to service_role;

-- Admins see every import; HR those of their subtree; trainers and employees none.
create policy roster_imports_select on app.roster_imports for select to authenticated
  using ((select app_private.can_import_roster(scope_org_id)));
create policy roster_imports_insert on app.roster_imports for insert to authenticated
  with check (created_by = (select app_private.current_member_id()) and status = 'previewed'
              and (select app_private.can_import_roster(scope_org_id)));
-- Rows follow their import (the subquery applies roster_imports' own policy, once per statement).
create policy roster_import_rows_select on app.roster_import_rows for select to authenticated
  using (import_id in (select id from app.roster_imports));
create policy roster_import_rows_insert on app.roster_import_rows for insert to authenticated
  with check (import_id in (select id from app.roster_imports
                            where status = 'previewed' and created_by = (select app_private.current_member_id())));

-- ---------------------------------------------------------------------------------------------
-- What a preview needs to know beyond the caller's RLS view: for each 工号 in the file, whether a
-- member outside the caller's scope already holds it (HR cannot see them, and must not overwrite
-- them), and which sign-in emails are already used by someone else. Answers only those facts.
create function app.roster_preview_context(p_scope uuid, p_nos jsonb, p_emails jsonb) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_scope_path text;
  v_outside jsonb;
  v_emails jsonb;
begin
  if not app_private.can_import_roster(p_scope) then
    raise exception 'Only HR (within their scope) and administrators can import a roster here.' using errcode = '42501';
  end if;
  select path into v_scope_path from app.org_units where id = p_scope;
  select coalesce(jsonb_agg(m.employee_no), '[]') into v_outside
  from app.members m join app.org_units o on o.id = m.org_unit_id
  where m.employee_no in (select jsonb_array_elements_text(p_nos)) and o.path not like v_scope_path || '%';
  -- An email is taken when a member with another 工号 has it, or a sign-in account not linked to
  -- the member with that 工号 uses it.
  select coalesce(jsonb_agg(jsonb_build_object('email', x.email, 'employeeNo', coalesce(m.employee_no, mu.employee_no, ''))), '[]')
    into v_emails
  from (select distinct lower(value) as email from jsonb_array_elements_text(p_emails)) x
  left join app.members m on m.email = x.email
  left join auth.users u on lower(u.email) = x.email
  left join app.members mu on mu.user_id = u.id
  where m.id is not null or u.id is not null;
  return jsonb_build_object('outside', v_outside, 'emailsTaken', v_emails);
end
$$;
revoke all on function app.roster_preview_context(uuid, jsonb, jsonb) from public;
grant execute on function app.roster_preview_context(uuid, jsonb, jsonb) to authenticated;

-- Initial passwords (roster import, admin-created accounts, password resets) wait here as a
-- SHA-256 until their first use; the account's own hash (auth.users.encrypted_password) stays null
-- meanwhile, so the auth server refuses the password like any wrong one. On the first sign-in with
-- it, functions/sign-in.ts finds the match (app.initial_password_matches), computes the bcrypt hash
-- at the normal cost and stores it (app.claim_initial_password), then signs in as usual.
-- Why: a bulk import creates 20,000 accounts; bcrypt for each at commit time took minutes
-- (bench/RESULTS.md), while a SHA-256 of a random 12-character password (~69 bits) is as safe to
-- keep for a while as an API token's, and each person pays one bcrypt when they first sign in.
-- Unused initial passwords expire after 30 days (an administrator issues a new one).
create table app.initial_passwords (
  user_id uuid primary key references auth.users (id) on delete cascade,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '30 days'
);
-- Only security-definer functions touch it; no role may read it directly.
alter table app.initial_passwords enable row level security;
revoke all on app.initial_passwords from authenticated, anon;
grant all on app.initial_passwords to service_role;

-- The user whose unexpired initial password has this SHA-256, if the account may sign in at all
-- (active member, not banned); for the sign-in function (service_role).
create function app.initial_password_matches(p_email text, p_sha256 text) returns uuid
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_user uuid;
begin
  select u.id into v_user
  from auth.users u
  join app.initial_passwords p on p.user_id = u.id
  join app.members m on m.user_id = u.id
  where lower(u.email) = lower(p_email) and p.sha256 = p_sha256 and p.expires_at > now()
    and m.active and (u.banned_until is null or u.banned_until <= now()) and u.encrypted_password is null;
  return v_user;
end
$$;

-- Stores the bcrypt hash of a matched initial password and forgets the initial one (once: the
-- pending row must still match).
create function app.claim_initial_password(p_user uuid, p_sha256 text, p_hash text) returns boolean
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
  return found;
end
$$;
revoke all on function app.initial_password_matches(text, text), app.claim_initial_password(uuid, text, text) from public;
grant execute on function app.initial_password_matches(text, text), app.claim_initial_password(uuid, text, text) to service_role;

-- Commits a previewed import in one transaction, exactly as previewed:
--   * refuses (40001) if any member it touches changed since the preview, or a 工号 it creates now
--     exists, or an org unit it uses was closed — preview again;
--   * refuses (P0001) a full roster's deactivations unless p_confirm_deactivate equals their number;
--   * creates sign-in accounts for new people from p_accounts [{seq, userId, email, sha256}]: the
--     account has no password hash yet, its initial password waits in app.initial_passwords as a
--     SHA-256 until the first sign-in (see there); the plain passwords are never here;
--   * writes members (audited by the members triggers with reason roster_import:<id>) and marks
--     the import committed.
create function app.commit_roster_import(p_import uuid, p_confirm_deactivate int, p_accounts jsonb) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_me uuid := app_private.current_member_id();
  v_imp app.roster_imports;
  v_stale int;
  v_deact int;
  v_new int;
  v_upd int;
  v_result jsonb;
begin
  select * into v_imp from app.roster_imports where id = p_import for update;
  if v_imp.id is null or v_me is null or not app_private.can_import_roster(v_imp.scope_org_id) then
    raise exception 'There is no roster import with this id that you may commit.' using errcode = '42501';
  end if;
  if v_imp.status <> 'previewed' then
    raise exception 'This import was already %; upload the file again for a new preview.', v_imp.status
      using errcode = 'P0001', hint = 'roster_import_not_open';
  end if;

  select count(*) into v_stale
  from app.roster_import_rows r
  left join app.members m on m.id = r.member_id
  where r.import_id = p_import and (
       (r.outcome in ('update', 'unchanged', 'deactivate') and (m.id is null or m.updated_at is distinct from r.member_version))
    or (r.outcome = 'new' and exists (select 1 from app.members x where x.employee_no = r.employee_no))
    or (r.outcome in ('new', 'update') and exists (select 1 from app.org_units o where o.id = (r.draft ->> 'orgUnitId')::uuid and o.closed_at is not null)));
  if v_stale > 0 then
    raise exception '% people in this import changed since the preview; upload the file again for a fresh preview.', v_stale
      using errcode = '40001', hint = 'roster_import_stale';
  end if;

  select count(*) filter (where outcome = 'deactivate'), count(*) filter (where outcome = 'new'), count(*) filter (where outcome = 'update')
    into v_deact, v_new, v_upd
  from app.roster_import_rows where import_id = p_import;
  if v_deact > 0 and p_confirm_deactivate is distinct from v_deact then
    raise exception 'This full roster deactivates % people; confirm that number to commit.', v_deact
      using errcode = 'P0001', hint = 'roster_confirm_deactivate';
  end if;
  if coalesce(jsonb_array_length(p_accounts), 0) <> v_new then
    raise exception 'Sign-in accounts for % new people are required, % were given.', v_new, coalesce(jsonb_array_length(p_accounts), 0);
  end if;

  perform set_config('app.audit_reason', 'roster_import:' || p_import::text, true);

  -- New sign-in accounts (Supabase Auth's own columns; auth.identities where it exists, as
  -- Supabase Auth's admin API creates users).
  insert into auth.users (id, email, encrypted_password, email_confirmed_at, raw_user_meta_data, raw_app_meta_data, aud, role)
  select (a ->> 'userId')::uuid, lower(a ->> 'email'), null, now(),
         jsonb_build_object('name', r.draft ->> 'name', 'employee_no', r.employee_no),
         '{"provider":"email","providers":["email"]}'::jsonb, 'authenticated', 'authenticated'
  from jsonb_array_elements(p_accounts) a
  join app.roster_import_rows r on r.import_id = p_import and r.seq = (a ->> 'seq')::int and r.outcome = 'new';
  if to_regclass('auth.identities') is not null then
    execute $i$
      insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
      select a ->> 'userId', (a ->> 'userId')::uuid,
             jsonb_build_object('sub', a ->> 'userId', 'email', lower(a ->> 'email'), 'email_verified', true), 'email', now(), now()
      from jsonb_array_elements($1) a$i$ using p_accounts;
  end if;

  insert into app.initial_passwords (user_id, sha256)
  select (a ->> 'userId')::uuid, a ->> 'sha256' from jsonb_array_elements(p_accounts) a;

  insert into app.members (user_id, employee_no, name, org_unit_id, position, email, mobile, roles)
  select (a ->> 'userId')::uuid, r.employee_no, r.draft ->> 'name', (r.draft ->> 'orgUnitId')::uuid,
         r.draft ->> 'position', r.draft ->> 'email', r.draft ->> 'mobile',
         array(select jsonb_array_elements_text(r.draft -> 'roles'))
  from app.roster_import_rows r
  join jsonb_array_elements(p_accounts) a on (a ->> 'seq')::int = r.seq
  where r.import_id = p_import and r.outcome = 'new';

  update app.members m
     set name = r.draft ->> 'name',
         org_unit_id = (r.draft ->> 'orgUnitId')::uuid,
         position = r.draft ->> 'position',
         email = r.draft ->> 'email',
         mobile = r.draft ->> 'mobile',
         roles = array(select jsonb_array_elements_text(r.draft -> 'roles')),
         active = true
    from app.roster_import_rows r
   where r.import_id = p_import and r.outcome = 'update' and m.id = r.member_id;

  update app.members m
     set active = false
    from app.roster_import_rows r
   where r.import_id = p_import and r.outcome = 'deactivate' and m.id = r.member_id;

  v_result := jsonb_build_object('created', v_new, 'updated', v_upd, 'deactivated', v_deact);
  update app.roster_imports
     set status = 'committed', committed_at = now(), committed_by = v_me, result = v_result
   where id = p_import;
  insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
  values (v_me, 'member', 'roster_import.commit', 'roster_import', p_import::text, null,
          v_result || jsonb_build_object('file', v_imp.file_name, 'sha256', v_imp.file_sha256, 'fullRoster', v_imp.full_roster), null);
  return v_result;
end
$$;
revoke all on function app.commit_roster_import(uuid, int, jsonb) from public;
grant execute on function app.commit_roster_import(uuid, int, jsonb) to authenticated;

-- A preview nobody will commit: its creator or an admin cancels it (kept as history).
create function app.cancel_roster_import(p_import uuid) returns void
language plpgsql security definer
set search_path = ''
as $$
begin
  update app.roster_imports set status = 'cancelled'
   where id = p_import and status = 'previewed' and app_private.can_import_roster(scope_org_id);
  if not found then
    raise exception 'There is no open roster preview with this id that you may cancel.' using errcode = 'P0001';
  end if;
end
$$;
revoke all on function app.cancel_roster_import(uuid) from public;
grant execute on function app.cancel_roster_import(uuid) to authenticated;

-- Sign in with 工号: the email of the account behind an employee number (case-insensitive), for
-- the sign-in function running as service_role. Deactivated people resolve too (their account is
-- banned, so the auth server answers as it does for their email). Null when unknown or ambiguous.
create function app.sign_in_email(p_employee_no text) returns text
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_email text;
  v_n int;
begin
  select min(u.email), count(*) into v_email, v_n
  from app.members m join auth.users u on u.id = m.user_id
  where upper(m.employee_no) = upper(p_employee_no);
  return case when v_n = 1 then v_email end;
end
$$;
revoke all on function app.sign_in_email(text) from public;
grant execute on function app.sign_in_email(text) to service_role;
grant usage on schema app to service_role;

-- An administrator gives a member a new initial password (new account or reset): creates the
-- sign-in account when the member has none (with p_email), else clears the account's password and
-- ends every session. The initial password waits as a SHA-256 in app.initial_passwords until its
-- first use; the plain password never reaches the database.
create function app.set_member_password(p_member uuid, p_email text, p_sha256 text) returns uuid
language plpgsql security definer
set search_path = ''
as $$
declare
  v_user uuid;
  v_no text;
  v_name text;
begin
  if not app_private.has_role('admin') then
    raise exception 'Only administrators can set passwords.' using errcode = '42501';
  end if;
  select user_id, employee_no, name into v_user, v_no, v_name from app.members where id = p_member;
  if v_no is null then
    raise exception 'There is no member with this id.' using errcode = 'P0001';
  end if;
  if v_user is null then
    v_user := gen_random_uuid();
    insert into auth.users (id, email, encrypted_password, email_confirmed_at, raw_user_meta_data, raw_app_meta_data, aud, role)
    values (v_user, lower(p_email), null, now(), jsonb_build_object('name', v_name, 'employee_no', v_no),
            '{"provider":"email","providers":["email"]}'::jsonb, 'authenticated', 'authenticated');
    if to_regclass('auth.identities') is not null then
      execute $i$
        insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
        values ($1::text, $1, jsonb_build_object('sub', $1::text, 'email', $2, 'email_verified', true), 'email', now(), now())$i$
      using v_user, lower(p_email);
    end if;
    update app.members set user_id = v_user where id = p_member;
  else
    update auth.users set encrypted_password = null, updated_at = now() where id = v_user;
    delete from auth.sessions where user_id = v_user;
  end if;
  insert into app.initial_passwords (user_id, sha256) values (v_user, p_sha256)
  on conflict (user_id) do update set sha256 = excluded.sha256, created_at = now(), expires_at = now() + interval '30 days';
  insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
  values (app_private.current_member_id(), 'member', 'member.set_password', 'member', p_member::text, null, null, null);
  return v_user;
end
$$;
revoke all on function app.set_member_password(uuid, text, text) from public;
grant execute on function app.set_member_password(uuid, text, text) to authenticated;
