-- Roster import at bank scale on the embedded database (issue 11: a 20,000-row preview in < 10 s,
-- also for the monthly re-upload where every row is unchanged). Profile (bench/RESULTS.md, roster
-- section): on PGlite a preview row stored in app.roster_import_rows costs its share of a ~5.6 MB
-- JSON parameter plus a row insert with two indexes and two foreign-key checks — about half of the
-- re-upload's CPU time — and the preview context answered 10,000 "taken" emails that were each
-- held by the very person whose row named them.
--
-- 1. Unchanged rows are kept as one row per import holding four parallel arrays (sequence, sheet
--    row, member, member version). They are what an unchanged row always was: the commit writes
--    nothing for them and only checks that none of those people changed since the preview; the
--    preview list shows them with the member's current name and unit (equal to the file's, or the
--    commit is refused as stale).
-- 2. app.roster_preview_facts replaces app.roster_preview_context: emails come with the 工号 of
--    the row that names them, and an email is reported only when someone other than that person
--    holds it.
-- 3. app.commit_roster_import also refuses when an unchanged person changed since the preview.

create table app.roster_import_unchanged (
  import_id uuid primary key references app.roster_imports (id) on delete cascade,
  seqs int[] not null,
  row_nos int[] not null,
  member_ids uuid[] not null,
  -- Each member's updated_at when previewed (as app.roster_import_rows.member_version).
  member_versions timestamptz[] not null,
  check (cardinality(seqs) = cardinality(row_nos) and cardinality(seqs) = cardinality(member_ids)
         and cardinality(seqs) = cardinality(member_versions))
);
alter table app.roster_import_unchanged enable row level security;
grant select, insert on app.roster_import_unchanged to authenticated;
grant all on app.roster_import_unchanged to service_role;
-- As app.roster_import_rows: readable with the import, written only into one's own open preview.
create policy roster_import_unchanged_select on app.roster_import_unchanged for select to authenticated
  using (import_id in (select id from app.roster_imports));
create policy roster_import_unchanged_insert on app.roster_import_unchanged for insert to authenticated
  with check (import_id in (select id from app.roster_imports
                            where status = 'previewed' and created_by = (select app_private.current_member_id())));

-- What a preview needs to know beyond the caller's RLS view (as roster_preview_context did):
--   outside: the 工号 in p_nos held by a member outside the scope (HR cannot see them and must not
--            overwrite them);
--   emailsTaken: for p_emails [[工号, email], …] (the emails the file's rows name), every holder
--            of the email — a member with it, else the member behind a sign-in account with it (''
--            for an account without a member) — unless that row's own 工号 is the only holder.
-- The planner (src/interop/roster.ts planRoster) flags an email when a holder other than the row's
-- own 工号 exists, so leaving out "held only by the row's own person" changes no outcome.
create function app.roster_preview_facts(p_scope uuid, p_nos jsonb, p_emails jsonb) returns jsonb
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
  -- Holders exactly as roster_preview_context found them: a member with the email, else the member
  -- behind a sign-in account with it ('' for an account without a member).
  with wanted as (
    select distinct p ->> 0 as row_employee_no, lower(p ->> 1) as email from jsonb_array_elements(p_emails) p
  ), holders as (
    select w.row_employee_no, w.email, coalesce(m.employee_no, mu.employee_no, '') as holder
    from wanted w
    left join app.members m on m.email = w.email
    left join auth.users u on lower(u.email) = w.email
    left join app.members mu on mu.user_id = u.id
    where m.id is not null or u.id is not null
  ), reported as (
    select distinct h.email, h.holder from holders h
    where exists (select 1 from holders o
                  where o.email = h.email and o.row_employee_no = h.row_employee_no and o.holder <> o.row_employee_no)
  )
  select coalesce(jsonb_agg(jsonb_build_object('email', email, 'employeeNo', holder)), '[]') into v_emails from reported;
  return jsonb_build_object('outside', v_outside, 'emailsTaken', v_emails);
end
$$;
revoke all on function app.roster_preview_facts(uuid, jsonb, jsonb) from public;
grant execute on function app.roster_preview_facts(uuid, jsonb, jsonb) to authenticated;

drop function app.roster_preview_context(uuid, jsonb, jsonb);

-- As in 20261201000300_org_roster.sql, plus: unchanged people (app.roster_import_unchanged) count
-- as stale when they changed since the preview or are gone.
create or replace function app.commit_roster_import(p_import uuid, p_confirm_deactivate int, p_accounts jsonb) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_me uuid := app_private.current_member_id();
  v_imp app.roster_imports;
  v_stale int;
  v_stale_unchanged int;
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
  select count(*) into v_stale_unchanged
  from app.roster_import_unchanged c
  cross join lateral unnest(c.member_ids, c.member_versions) as u(member_id, member_version)
  left join app.members m on m.id = u.member_id
  where c.import_id = p_import and (m.id is null or m.updated_at is distinct from u.member_version);
  v_stale := v_stale + v_stale_unchanged;
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
