-- Foundation: organisation tree, members, append-only audit log, and the helpers RLS policies use.
-- App tables live in schema "app", which Supabase's Data API does not expose: the browser reaches
-- data only through /api/*. RLS is still enabled on every table (defence in depth), and every
-- user request runs as role "authenticated" with the caller's JWT claims, so these policies decide.

create schema if not exists app;
create schema if not exists app_private;

grant usage on schema app to authenticated, service_role;
-- app_private holds security-definer helpers; callers may execute them but not see inside.
grant usage on schema app_private to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Organisation tree: 总行 → 分行 → 支行 → 网点/部门.
-- A materialised path ("/HQ/QD/QD-SN/") makes "is X in Y's subtree" one indexed prefix match,
-- works in PGlite and plain PostgreSQL without extensions, and is cheap for trees of a few
-- thousand units.
create table app.org_units (
  id uuid primary key default gen_random_uuid(),
  -- No '_' or '%': paths are compared with LIKE prefix patterns, where those are wildcards.
  code text not null unique check (code ~ '^[A-Za-z0-9-]{1,32}$'),
  name text not null check (length(name) between 1 and 100),
  kind text not null check (kind in ('head_office', 'branch', 'sub_branch', 'outlet', 'department')),
  parent_id uuid references app.org_units (id) on delete restrict,
  path text not null unique,
  created_at timestamptz not null default now()
);
create index org_units_path_idx on app.org_units (path text_pattern_ops);
create index org_units_parent_idx on app.org_units (parent_id);

-- path is derived from the parent, never written by hand. security definer: the parent must be
-- found even when the caller cannot see it, so that the RLS check (not this lookup) decides.
create function app_private.org_units_set_path() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  parent_path text;
begin
  if new.parent_id is null then
    new.path := '/' || new.code || '/';
  else
    select path into parent_path from app.org_units where id = new.parent_id;
    if parent_path is null then
      raise exception 'parent org unit % does not exist', new.parent_id;
    end if;
    new.path := parent_path || new.code || '/';
  end if;
  return new;
end
$$;
create trigger org_units_set_path
  before insert or update of parent_id, code on app.org_units
  for each row execute function app_private.org_units_set_path();

-- ---------------------------------------------------------------------------------------------
-- Members: the bank's staff, linked to auth users.
create table app.members (
  id uuid primary key default gen_random_uuid(),
  user_id uuid unique,
  employee_no text not null unique check (employee_no ~ '^[A-Za-z0-9_-]{1,32}$'),
  name text not null check (length(name) between 1 and 64),
  org_unit_id uuid not null references app.org_units (id) on delete restrict,
  -- Trainers and HR act on a subtree: scope_org_id is its root (defaults to their own unit).
  scope_org_id uuid references app.org_units (id) on delete restrict,
  roles text[] not null default '{employee}'
    check (roles <@ array['employee', 'trainer', 'hr', 'admin']::text[] and cardinality(roles) >= 1),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index members_org_unit_idx on app.members (org_unit_id);
create index members_user_idx on app.members (user_id);

-- ---------------------------------------------------------------------------------------------
-- Audit log: append-only record of who changed which score or setting, with before/after.
create table app.audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  actor_member_id uuid references app.members (id),
  actor_label text not null,            -- 'member' | 'system:<job>' so service work is attributable
  action text not null,
  entity text not null,
  entity_id text not null,
  before jsonb,
  after jsonb,
  reason text
);
create index audit_log_entity_idx on app.audit_log (entity, entity_id);
create index audit_log_actor_idx on app.audit_log (actor_member_id);

create function app_private.audit_log_is_append_only() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'audit_log is append-only' using errcode = 'insufficient_privilege';
end
$$;
create trigger audit_log_append_only
  before update or delete on app.audit_log
  for each row execute function app_private.audit_log_is_append_only();
create trigger audit_log_no_truncate
  before truncate on app.audit_log
  for each statement execute function app_private.audit_log_is_append_only();

-- ---------------------------------------------------------------------------------------------
-- Helpers for policies. security definer so that policies on members do not recurse into
-- members' own policies; search_path = '' so they cannot be hijacked.
--
-- PL/pgSQL, not SQL, on purpose: a SQL-language function that is SECURITY DEFINER with SET
-- search_path cannot be inlined, and PostgreSQL re-plans its body for every statement that calls it
-- (and, when one helper calls another, for every row a policy checks). PL/pgSQL caches the plans of
-- its statements for the life of the session, which is what a pooled function connection is
-- (bench/RESULTS.md: a helper called once per statement ~0.16 ms → ~0.04 ms).

-- The caller's member id. Policies call it many times per request (9× in one autosave), so the
-- answer is remembered for the rest of the transaction in the transaction-local setting
-- app.member_cache, keyed by the JWT subject it was looked up for: a different sub in the same
-- transaction (service work, tests switching claims) never sees another person's id, and the
-- setting vanishes at commit/rollback. Only server code runs SQL (no Data API on app schemas), so
-- nobody can plant a value; a planted value would still have to name the caller's own sub.
create function app_private.current_member_id() returns uuid
language plpgsql stable security definer
set search_path = ''
as $$
declare
  uid uuid := auth.uid();
  cached text;
  found_id uuid;
begin
  if uid is null then
    return null;
  end if;
  cached := current_setting('app.member_cache', true);
  if cached is not null and cached <> '' and left(cached, 36) = uid::text then
    return nullif(substr(cached, 38), '')::uuid;
  end if;
  select id into found_id from app.members where user_id = uid and active;
  perform set_config('app.member_cache', uid::text || '|' || coalesce(found_id::text, ''), true);
  return found_id;
end
$$;

create function app_private.has_role(wanted text) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return coalesce(
    (select wanted = any (roles) from app.members where user_id = (select auth.uid()) and active),
    false);
end
$$;

-- The path of the subtree the caller manages (trainer/hr/admin), or null.
create function app_private.scope_path() returns text
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return (
    select o.path
    from app.members m
    join app.org_units o on o.id = coalesce(m.scope_org_id, m.org_unit_id)
    where m.user_id = (select auth.uid()) and m.active);
end
$$;

-- True when org unit `unit` lies in the caller's managed subtree. Admins see everything.
create function app_private.in_scope(unit uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  if app_private.has_role('admin') then
    return true;
  end if;
  return exists (
    select 1 from app.org_units o
    where o.id = unit and o.path like app_private.scope_path() || '%');
end
$$;

-- Org units on the path from the root to the caller's own unit (for breadcrumbs like 总行 › 青岛分行 › 市南支行).
create function app_private.is_own_ancestor(unit uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return exists (
    select 1
    from app.members m
    join app.org_units own on own.id = m.org_unit_id
    join app.org_units a on a.id = unit
    where m.user_id = (select auth.uid()) and m.active and own.path like a.path || '%');
end
$$;

revoke all on all functions in schema app_private from public;
grant execute on all functions in schema app_private to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Row level security.
alter table app.org_units enable row level security;
alter table app.members enable row level security;
alter table app.audit_log enable row level security;

grant select, insert, update, delete on app.org_units to authenticated;
grant select, insert, update on app.members to authenticated;
grant select, insert on app.audit_log to authenticated;
grant all on app.org_units, app.members, app.audit_log to service_role;

-- org_units: everyone sees the path to their own unit; managers see their subtree; admins edit.
create policy org_units_select on app.org_units for select to authenticated
  using ((select app_private.is_own_ancestor(id)) or (
    ((select app_private.has_role('trainer')) or (select app_private.has_role('hr')) or (select app_private.has_role('admin')))
    and (select app_private.in_scope(id))));
create policy org_units_insert on app.org_units for insert to authenticated
  with check ((select app_private.has_role('admin')));
create policy org_units_update on app.org_units for update to authenticated
  using ((select app_private.has_role('admin'))) with check ((select app_private.has_role('admin')));
create policy org_units_delete on app.org_units for delete to authenticated
  using ((select app_private.has_role('admin')));

-- members: you see yourself; trainers and HR see members in their subtree; admins manage everyone.
create policy members_select on app.members for select to authenticated
  using (user_id = (select auth.uid()) or (
    ((select app_private.has_role('trainer')) or (select app_private.has_role('hr')) or (select app_private.has_role('admin')))
    and (select app_private.in_scope(org_unit_id))));
create policy members_insert on app.members for insert to authenticated
  with check ((select app_private.has_role('admin')));
create policy members_update on app.members for update to authenticated
  using ((select app_private.has_role('admin'))) with check ((select app_private.has_role('admin')));

-- audit_log: anyone may append an entry in their own name; admins read all, others their own.
create policy audit_log_insert on app.audit_log for insert to authenticated
  with check (actor_member_id = (select app_private.current_member_id()) and actor_label = 'member');
create policy audit_log_select on app.audit_log for select to authenticated
  using ((select app_private.has_role('admin')) or actor_member_id = (select app_private.current_member_id()));
