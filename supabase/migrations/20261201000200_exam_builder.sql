-- Exam builder (issue 9; docs/decisions/exam-builder.md):
--
--   1. Blueprint sections name the banks they draw from. Exams made before that drew on every
--      bank; they are rewritten to name the official bank, which is what they were built for.
--   2. Audience beyond org units: named members, and a role within an org unit's subtree
--      (app.exam_audience), each with a due date; app_private.exam_offered_to_me learns both, and
--      app.exam_audience_of(exam) lists the people an exam is offered to (results: who has not
--      started; prepared papers).
--   3. Every change of a published exam's settings, and every status change (publish, unpublish,
--      archive), is written to app.audit_log with before/after by a trigger, whatever path makes it.
--   4. (The bank table's usage and facility: app.question_times_used in 20261201000100.)
--   5. An index for the grading queue.

-- ---------------------------------------------------------------------------------------------
-- 1. Existing blueprints: sections without banks or fixed questions draw on the official bank.
update app.exams e
set blueprint = jsonb_set(e.blueprint, '{sections}', (
  select coalesce(jsonb_agg(case when s ? 'banks' or s ? 'questionIds' then s else s || '{"banks": ["official"]}'::jsonb end order by i), '[]'::jsonb)
  from jsonb_array_elements(e.blueprint -> 'sections') with ordinality as t(s, i)))
where jsonb_typeof(e.blueprint -> 'sections') = 'array';

-- ---------------------------------------------------------------------------------------------
-- 2. Audience: named members, or members holding a role within an org unit's subtree. Org units
--    (with their subtree) stay in app.exam_assignments.
create table app.exam_audience (
  id bigint generated always as identity primary key,
  exam_id uuid not null references app.exams (id) on delete cascade,
  member_id uuid references app.members (id),
  role text check (role in ('employee', 'trainer', 'hr', 'admin')),
  org_unit_id uuid references app.org_units (id),
  due_at timestamptz,
  created_at timestamptz not null default now(),
  check ((member_id is not null and role is null and org_unit_id is null)
      or (member_id is null and role is not null and org_unit_id is not null))
);
-- The offered-to-me check looks up (exam, me) and (exam, role rows): both partial indexes serve it.
create unique index exam_audience_member_uq on app.exam_audience (exam_id, member_id) where member_id is not null;
create unique index exam_audience_role_uq on app.exam_audience (exam_id, role, org_unit_id) where role is not null;
create index exam_audience_member_idx on app.exam_audience (member_id);

alter table app.exam_audience enable row level security;
grant select, insert, delete on app.exam_audience to authenticated;
grant update (due_at) on app.exam_audience to authenticated;
grant all on app.exam_audience to service_role;

-- Read: the exam's managers, and a named member their own row. Write: whoever manages the exam
-- (as for app.exam_assignments), only for people and units in their subtree.
create policy exam_audience_select on app.exam_audience for select to authenticated
  using ((select app_private.manages_exam(exam_id)) or member_id = (select app_private.current_member_id()));
create policy exam_audience_insert on app.exam_audience for insert to authenticated
  with check ((select app_private.manages_exam(exam_id))
              and (member_id is null or (select app_private.can_see_member(member_id)))
              and (org_unit_id is null or (select app_private.in_scope(org_unit_id))));
create policy exam_audience_update on app.exam_audience for update to authenticated
  using ((select app_private.manages_exam(exam_id)))
  with check ((select app_private.manages_exam(exam_id)));
create policy exam_audience_delete on app.exam_audience for delete to authenticated
  using ((select app_private.manages_exam(exam_id))
         and (member_id is null or (select app_private.can_see_member(member_id)))
         and (org_unit_id is null or (select app_private.in_scope(org_unit_id))));

-- The audience rows that offer an exam to me: I am named, or I hold a named role within a subtree
-- holding my unit. One helper, so every definition of exam_offered_to_me (this migration's, and any
-- later one that adds its own way of offering an exam) asks the same question with one call. Two
-- index probes by exam id (the partial unique indexes above).
create function app_private.exam_audience_offers_me(exam uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_member uuid := app_private.current_member_id();
begin
  if v_member is null then
    return false;
  end if;
  return exists (select 1 from app.exam_audience au where au.exam_id = exam and au.member_id = v_member)
    or exists (
      select 1 from app.exam_audience au
      join app.org_units t on t.id = au.org_unit_id
      join app.members m on m.id = v_member
      join app.org_units own on own.id = m.org_unit_id
      where au.exam_id = exam and au.role is not null and au.role = any (m.roles) and own.path like t.path || '%');
end
$$;

-- Offered to me: published, and assigned to my unit or an ancestor, or overridden for me (as
-- before), or offered by the audience rows above. The start path (app.start_context,
-- app.start_attempt) calls this once per call; the audience adds two index probes, reached only
-- when the unit and override checks have not already answered yes.
create or replace function app_private.exam_offered_to_me(exam uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return exists (
    select 1
    from app.exams e
    join app.exam_assignments a on a.exam_id = e.id
    join app.org_units target on target.id = a.org_unit_id
    join app.members m on m.user_id = (select auth.uid()) and m.active
    join app.org_units own on own.id = m.org_unit_id
    where e.id = exam and e.status = 'published' and own.path like target.path || '%'
  ) or exists (
    select 1 from app.exam_overrides o
    join app.exams e on e.id = o.exam_id
    where o.exam_id = exam and e.status = 'published' and o.member_id = app_private.current_member_id()
  ) or (
    exists (select 1 from app.exams e where e.id = exam and e.status = 'published')
    and app_private.exam_audience_offers_me(exam)
  );
end
$$;

-- The people an exam is offered to (same rule as exam_offered_to_me, for every active member the
-- caller may see; the service role sees all), with their earliest due date. SECURITY INVOKER: RLS on
-- members decides whom a trainer or HR sees.
create function app.exam_audience_of(p_exam uuid) returns table (member_id uuid, due_at timestamptz)
language sql stable security invoker
set search_path = ''
as $$
  select m.id, min(x.due_at)
  from app.members m
  join app.org_units own on own.id = m.org_unit_id
  join lateral (
    select a.due_at from app.exam_assignments a join app.org_units t on t.id = a.org_unit_id
      where a.exam_id = p_exam and own.path like t.path || '%'
    union all
    select au.due_at from app.exam_audience au where au.exam_id = p_exam and au.member_id = m.id
    union all
    select au.due_at from app.exam_audience au join app.org_units t on t.id = au.org_unit_id
      where au.exam_id = p_exam and au.role is not null and au.role = any (m.roles) and own.path like t.path || '%'
    union all
    select null::timestamptz from app.exam_overrides o where o.exam_id = p_exam and o.member_id = m.id
  ) x on true
  where m.active
  group by m.id
$$;
revoke all on function app.exam_audience_of(uuid) from public;
grant execute on function app.exam_audience_of(uuid) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- 3. Audit of settings. A published exam's every settings change, and every status change, is
--    written with the changed fields only (before/after), the member who made it ('system:service'
--    for service work) and the API's reason (transaction-local app.audit_reason). A draft nobody has
--    taken may be edited freely; a draft with attempts is audited like a published exam, or
--    unpublish → edit → republish would change existing takers' review policy, pass mark or
--    grading without a trace.
create function app_private.exams_audit_settings() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_old jsonb := to_jsonb(old);
  v_new jsonb := to_jsonb(new);
  v_before jsonb := '{}'::jsonb;
  v_after jsonb := '{}'::jsonb;
  v_key text;
  v_actor uuid;
begin
  foreach v_key in array array['title', 'description', 'kind', 'status', 'owner_org_id', 'window_open', 'window_close',
      'time_limit_sec', 'grace_sec', 'attempts_allowed', 'grading_method', 'pass_percent', 'multiple_rule',
      'shuffle_questions', 'shuffle_options', 'focus_loss_limit', 'review_policy', 'blueprint'] loop
    if (v_old -> v_key) is distinct from (v_new -> v_key) then
      v_before := v_before || jsonb_build_object(v_key, v_old -> v_key);
      v_after := v_after || jsonb_build_object(v_key, v_new -> v_key);
    end if;
  end loop;
  if v_after = '{}'::jsonb then
    return new;
  end if;
  new.updated_at := now();
  if old.status = 'published' or new.status is distinct from old.status
     or exists (select 1 from app.attempts a where a.exam_id = new.id) then
    v_actor := app_private.current_member_id();
    insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
    values (v_actor, case when v_actor is null then 'system:service' else 'member' end,
            case when new.status is distinct from old.status then 'exam.status' else 'exam.settings' end,
            'exam', new.id::text, v_before, v_after, nullif(current_setting('app.audit_reason', true), ''));
  end if;
  return new;
end
$$;
create trigger exams_audit_settings before update on app.exams
  for each row execute function app_private.exams_audit_settings();

-- ---------------------------------------------------------------------------------------------
-- 5. The grading queue reads finished attempts that still wait for a mark, per exam.
create index attempts_needs_grading_idx on app.attempts (exam_id) where needs_grading;

revoke all on all functions in schema app_private from public;
grant execute on all functions in schema app_private to authenticated, service_role;
