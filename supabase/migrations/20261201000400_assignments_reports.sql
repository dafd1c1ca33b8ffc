-- Required training by period, completion reports and the audit trail HR reads
-- (issue 11; docs/decisions/assignments-and-reports.md).
--
--   app.assignments         an exam and/or lessons required of org units (with subtree), positions or
--                           named people, for a period label (2026Q4), with a start and a due instant
--                           and an optional quarterly recurrence (each occurrence is its own row,
--                           linked to the one before by previous_id: creating the next never touches
--                           the last, and previous_id is unique so creating it twice creates one).
--   app.assignment_people   who was in scope, with the facts a status is derived from: their org unit
--                           when assigned, at the period's end (kept up to date by a trigger on
--                           app.members until the period ends, then frozen) and when completed; when
--                           they started and completed; the counted score; exemption and its reason.
--                           The facts are refreshed by triggers on app.attempts and app.lesson_progress,
--                           whatever path (submit, finalisation, regrade, manual mark) changes them.
--   statuses                derived, never stored: app_private.assignment_status here and
--                           assignmentStatus in src/core/completion.ts say the same (parity test).
--   app.audit_log           gains the person, org unit, exam and period an entry is about (filled by a
--                           trigger from the entity), so HR can filter it and read their subtree's
--                           entries; it stays append-only for every role.
--
-- Nobody writes app.assignment_people directly: scope sync and exemptions go through the
-- SECURITY DEFINER functions below, which check the caller's scope once and write the audit log.

-- ---------------------------------------------------------------------------------------------
-- Scope: policies below use app_private.managed_org_ids() (20261201000300_org_roster.sql: every org
-- unit the caller manages as trainer/HR/admin) as an uncorrelated `col in (select …)` — one hashed
-- set per statement instead of an in_scope() call per row (a report reads a million rows).

-- The units the caller manages, as rows, for report queries: one scope check per statement instead
-- of org_units' per-row policy (five helper calls for each of a few hundred units, in every join).
create function app_private.managed_units() returns setof app.org_units
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return query select o.* from app.org_units o where o.id in (select app_private.managed_org_ids());
end
$$;

-- The CSV export's formula guard, the SQL twin of neutraliseFormula (src/core/csv.ts): a text that a
-- spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a leading apostrophe.
-- The export streams CSV straight out of PostgreSQL (COPY), so the guard runs there.
create function app_private.csv_safe(t text) returns text
language sql immutable parallel safe
as $$
  select case when t ~ '^[=+\-@\t\r]' then '''' || t else t end
$$;

-- HR/admin (not trainers) for reports, exports and the audit page.
create function app_private.is_hr_or_admin() returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return app_private.has_role('hr') or app_private.has_role('admin');
end
$$;

create function app_private.is_manager() returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return app_private.has_role('trainer') or app_private.has_role('hr') or app_private.has_role('admin');
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Assignments
create table app.assignments (
  id uuid primary key default gen_random_uuid(),
  title text not null check (length(title) between 1 and 200),
  period text not null check (period ~ '^[0-9]{4}(Q[1-4]|H[12]|-(0[1-9]|1[0-2]))?$'),
  exam_id uuid references app.exams (id),
  lesson_ids text[] not null default '{}',
  -- The subtree the assignment belongs to: its managers see and change it; position targets are
  -- looked for inside it.
  owner_org_id uuid not null references app.org_units (id),
  -- [{"kind":"org","id":uuid,"subtree":bool} | {"kind":"position","value":text} | {"kind":"member","id":uuid}]
  targets jsonb not null check (jsonb_typeof(targets) = 'array' and jsonb_array_length(targets) between 1 and 500),
  starts_at timestamptz not null,
  due_at timestamptz not null,
  -- The end of the period (exclusive): the instant "org as of the period end" refers to.
  period_end timestamptz not null,
  recurrence text not null default 'none' check (recurrence in ('none', 'quarterly')),
  previous_id uuid unique references app.assignments (id),
  status text not null default 'active' check (status in ('active', 'cancelled')),
  created_by uuid references app.members (id),
  created_at timestamptz not null default now(),
  check (exam_id is not null or cardinality(lesson_ids) > 0),
  check (starts_at < due_at),
  check (recurrence = 'none' or period ~ '^[0-9]{4}Q[1-4]$')
);
create index assignments_period_idx on app.assignments (period);
create index assignments_owner_idx on app.assignments (owner_org_id);
create index assignments_exam_idx on app.assignments (exam_id) where exam_id is not null;

create table app.assignment_people (
  assignment_id uuid not null references app.assignments (id) on delete cascade,
  member_id uuid not null references app.members (id),
  assigned_at timestamptz not null default now(),
  assigned_org_unit_id uuid not null references app.org_units (id),
  period_end_org_unit_id uuid not null references app.org_units (id),
  -- The person's unit now (a copy of app.members.org_unit_id kept by the move trigger), so all three
  -- report views are columns of this row and the counts below can be kept per view.
  current_org_unit_id uuid not null references app.org_units (id),
  started_at timestamptz,
  completed_at timestamptz,
  completed_org_unit_id uuid references app.org_units (id),
  -- The exam grade per the exam's grading method (percent), whether it passes, attempts counted.
  score numeric(5,2),
  passed boolean,
  attempts_counted int not null default 0,
  lessons_read int not null default 0,
  exempt_reason text check (exempt_reason is null or length(exempt_reason) between 2 and 500),
  exempt_at timestamptz,
  exempt_by uuid references app.members (id),
  primary key (assignment_id, member_id),
  check ((exempt_reason is null) = (exempt_at is null))
);
-- The report groups one period's rows by an org column; the dashboard and the offer check look up
-- one member's rows; RLS filters by the two org columns.
create index assignment_people_member_idx on app.assignment_people (member_id);
create index assignment_people_period_end_org_idx on app.assignment_people (period_end_org_unit_id);
create index assignment_people_assigned_org_idx on app.assignment_people (assigned_org_unit_id);
create index assignment_people_current_org_idx on app.assignment_people (current_org_unit_id);

-- ---------------------------------------------------------------------------------------------
-- Status: the SQL twin of assignmentStatus (src/core/completion.ts). IMMUTABLE SQL so it is inlined
-- into the report query (no function call per row).
create function app_private.assignment_status(p_due timestamptz, p_completed timestamptz, p_started timestamptz,
                                              p_exempt boolean, p_now timestamptz) returns text
language sql immutable parallel safe
as $$
  select case
    when p_exempt then 'exempt'
    when p_completed is not null then case when p_completed <= p_due then 'completed' else 'completed_late' end
    when p_now > p_due then 'overdue'
    when p_started is not null then 'in_progress'
    else 'not_started'
  end
$$;
-- No SET search_path on purpose: a SET clause stops inlining, and the body names no relation or
-- function that a search path could redirect.

-- ---------------------------------------------------------------------------------------------
-- Facts refresh: the exam part mirrors examCompletion (src/core/completion.ts): attempts finished,
-- graded and started at or after the assignment's start, in start order; the grade per the exam's
-- method after each; passed when the last grade passes; passed at the finish of the attempt that
-- began the final passing run. Lessons: all read; done at the last read.
create function app_private.assignment_person_refresh(p_assignment uuid, p_member uuid) returns void
language plpgsql security definer
set search_path = ''
as $$
declare
  a record;
  r record;
  v_method text;
  v_pass numeric;
  v_n int := 0;
  v_sum numeric := 0;
  v_first numeric;
  v_best numeric;
  v_grade numeric;
  v_run timestamptz;
  v_exam_done timestamptz;
  v_score numeric;
  v_passed boolean;
  v_started timestamptz;
  v_lessons int := 0;
  v_lessons_done timestamptz;
  v_lessons_first timestamptz;
  v_done timestamptz;
  v_org uuid;
begin
  select x.* into a from app.assignments x where x.id = p_assignment;
  if not found then return; end if;
  if a.exam_id is not null then
    select e.grading_method, e.pass_percent into v_method, v_pass from app.exams e where e.id = a.exam_id;
    for r in
      select t.started_at, t.finished_at, t.percent from app.attempts t
      where t.exam_id = a.exam_id and t.member_id = p_member and t.started_at >= a.starts_at
        and t.state in ('submitted', 'auto_submitted') and t.percent is not null and t.finished_at is not null
      order by t.started_at, t.attempt_no
    loop
      v_n := v_n + 1;
      v_sum := v_sum + r.percent;
      if v_n = 1 then v_first := r.percent; v_best := r.percent; end if;
      v_best := greatest(v_best, r.percent);
      v_grade := case v_method when 'highest' then v_best when 'first' then v_first when 'latest' then r.percent
                               else round(v_sum / v_n, 2) end;
      if v_grade >= v_pass then
        v_run := coalesce(v_run, r.finished_at);
      else
        v_run := null;
      end if;
    end loop;
    v_score := v_grade;
    v_passed := case when v_n > 0 then v_grade >= v_pass end;
    v_exam_done := v_run;
    select min(t.started_at) into v_started from app.attempts t
      where t.exam_id = a.exam_id and t.member_id = p_member and t.started_at >= a.starts_at;
  end if;
  if cardinality(a.lesson_ids) > 0 then
    select count(*)::int, max(p.read_at), min(p.read_at) into v_lessons, v_lessons_done, v_lessons_first
      from app.lesson_progress p where p.member_id = p_member and p.lesson_id = any (a.lesson_ids);
    if v_lessons < cardinality(a.lesson_ids) then v_lessons_done := null; end if;
    v_started := least(v_started, v_lessons_first);
  end if;
  v_done := case
    when a.exam_id is not null and v_exam_done is null then null
    when cardinality(a.lesson_ids) > 0 and v_lessons_done is null then null
    else greatest(v_exam_done, v_lessons_done) end;
  select m.org_unit_id into v_org from app.members m where m.id = p_member;
  update app.assignment_people ap
     set started_at = v_started, completed_at = v_done,
         -- The unit at completion is kept while the completion instant stays the same (a regrade
         -- that does not change it does not move the person's completion to their new branch).
         completed_org_unit_id = case when v_done is null then null
                                      when ap.completed_at is not distinct from v_done and ap.completed_org_unit_id is not null then ap.completed_org_unit_id
                                      else v_org end,
         score = v_score, passed = v_passed, attempts_counted = v_n, lessons_read = v_lessons
   where ap.assignment_id = p_assignment and ap.member_id = p_member;
end
$$;

-- A new attempt marks the person as started (one indexed update, only when they have an assignment
-- of this exam that has not seen a start yet: the O(1) start stays O(1)).
create function app_private.assignments_on_attempt_insert() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  update app.assignment_people ap set started_at = new.started_at
    from app.assignments a
   where ap.member_id = new.member_id and a.id = ap.assignment_id and a.exam_id = new.exam_id
     and ap.started_at is null and new.started_at >= a.starts_at;
  return null;
end
$$;
create trigger attempts_assignments_insert after insert on app.attempts
  for each row execute function app_private.assignments_on_attempt_insert();

-- Finishing, grading, regrading: refresh every assignment of this exam the person has.
create function app_private.assignments_on_attempt_update() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  r record;
begin
  for r in select ap.assignment_id from app.assignment_people ap join app.assignments a on a.id = ap.assignment_id
           where ap.member_id = new.member_id and a.exam_id = new.exam_id loop
    perform app_private.assignment_person_refresh(r.assignment_id, new.member_id);
  end loop;
  return null;
end
$$;
create trigger attempts_assignments_update after update of state, percent, passed, finished_at on app.attempts
  for each row
  when (old.state is distinct from new.state or old.percent is distinct from new.percent
        or old.passed is distinct from new.passed or old.finished_at is distinct from new.finished_at)
  execute function app_private.assignments_on_attempt_update();

create function app_private.assignments_on_lesson_read() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  r record;
begin
  for r in select ap.assignment_id from app.assignment_people ap join app.assignments a on a.id = ap.assignment_id
           where ap.member_id = new.member_id and new.lesson_id = any (a.lesson_ids) loop
    perform app_private.assignment_person_refresh(r.assignment_id, new.member_id);
  end loop;
  return null;
end
$$;
create trigger lesson_progress_assignments after insert or update of read_at on app.lesson_progress
  for each row execute function app_private.assignments_on_lesson_read();

-- A person who moves keeps, for every assignment whose period has not ended, their new unit as the
-- unit "at the period end"; once a period has ended its rows no longer follow moves. The current
-- unit always follows.
create function app_private.assignments_on_member_move() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  update app.assignment_people ap
     set current_org_unit_id = new.org_unit_id,
         period_end_org_unit_id = case when a.period_end > now() then new.org_unit_id else ap.period_end_org_unit_id end
    from app.assignments a
   where ap.member_id = new.id and a.id = ap.assignment_id;
  return null;
end
$$;
create trigger members_assignments_move after update of org_unit_id on app.members
  for each row when (old.org_unit_id is distinct from new.org_unit_id)
  execute function app_private.assignments_on_member_move();

-- ---------------------------------------------------------------------------------------------
-- Scope sync: adds the active members the targets name (inside the owner's subtree) who are not in
-- scope yet; never removes anyone (people who leave or move keep their record; HR exempts them with
-- a reason when appropriate). Idempotent. Returns how many people were added. Called by the API
-- right after creating an assignment, by "sync" on demand and by the daily job (new hires).
create function app.sync_assignment_people(p_assignment uuid) returns int
language plpgsql security definer
set search_path = ''
as $$
declare
  a record;
  v_owner_path text;
  v_added int;
  r record;
begin
  select x.* into a from app.assignments x where x.id = p_assignment;
  if not found then
    raise exception 'assignment % does not exist', p_assignment using errcode = 'P0002';
  end if;
  -- Service work (the daily job) has no member; people must manage the assignment's unit.
  if coalesce(auth.role(), '') <> 'service_role' and not app_private.can_manage_org(a.owner_org_id) then
    raise exception 'new row violates row-level security policy for table "assignment_people"' using errcode = '42501';
  end if;
  if a.status <> 'active' then return 0; end if;
  select o.path into v_owner_path from app.org_units o where o.id = a.owner_org_id;
  with t as (
    select x ->> 'kind' as kind, x ->> 'id' as id, x ->> 'value' as value, coalesce((x ->> 'subtree')::boolean, true) as subtree
    from jsonb_array_elements(a.targets) x
  ), wanted as (
    select m.id, m.org_unit_id
    from app.members m
    join app.org_units o on o.id = m.org_unit_id
    where m.active and o.path like v_owner_path || '%'
      and (exists (select 1 from t join app.org_units tu on t.kind = 'org' and tu.id::text = t.id
                   where (t.subtree and o.path like tu.path || '%') or (not t.subtree and m.org_unit_id = tu.id))
           or exists (select 1 from t where t.kind = 'position' and m.position = t.value)
           or exists (select 1 from t where t.kind = 'member' and m.id::text = t.id))
  ), ins as (
    insert into app.assignment_people (assignment_id, member_id, assigned_org_unit_id, period_end_org_unit_id, current_org_unit_id)
    select p_assignment, w.id, w.org_unit_id, w.org_unit_id, w.org_unit_id from wanted w
    on conflict (assignment_id, member_id) do nothing
    returning member_id
  )
  select count(*)::int into v_added from ins;
  -- Anyone added who already has activity counting for it (a lesson read earlier, an attempt since
  -- the start) gets their facts now.
  if v_added > 0 then
    for r in select ap.member_id from app.assignment_people ap
             where ap.assignment_id = p_assignment and ap.started_at is null and ap.completed_at is null
               and (exists (select 1 from app.attempts t where t.member_id = ap.member_id and t.exam_id = a.exam_id and t.started_at >= a.starts_at)
                    or exists (select 1 from app.lesson_progress p where p.member_id = ap.member_id and p.lesson_id = any (a.lesson_ids)))
    loop
      perform app_private.assignment_person_refresh(p_assignment, r.member_id);
    end loop;
  end if;
  return v_added;
end
$$;

-- Exemption (豁免) and its withdrawal: HR/admin managing the person's unit; a reason is required; the
-- change and its before/after go to the audit log in the same transaction. p_reason null withdraws.
create function app.set_assignment_exemption(p_assignment uuid, p_member uuid, p_reason text) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_me uuid := app_private.current_member_id();
  v_before jsonb;
  v_after jsonb;
  v_org uuid;
begin
  select jsonb_build_object('exempt', ap.exempt_reason is not null, 'reason', ap.exempt_reason, 'at', ap.exempt_at, 'by', ap.exempt_by),
         ap.period_end_org_unit_id
    into v_before, v_org
    from app.assignment_people ap where ap.assignment_id = p_assignment and ap.member_id = p_member;
  if not found then
    raise exception 'this person is not in the assignment''s scope' using errcode = 'P0002';
  end if;
  if v_me is null or not app_private.is_hr_or_admin()
     or not (app_private.in_scope(v_org) or exists (select 1 from app.members m where m.id = p_member and app_private.in_scope(m.org_unit_id))) then
    raise exception 'only HR or an administrator managing this person may exempt them' using errcode = '42501';
  end if;
  if p_member = v_me then
    raise exception 'you cannot exempt yourself; ask another HR officer' using errcode = '42501';
  end if;
  if p_reason is not null and length(btrim(p_reason)) < 2 then
    raise exception 'give the reason for the exemption (at least 2 characters)' using errcode = '22023';
  end if;
  update app.assignment_people ap
     set exempt_reason = nullif(btrim(p_reason), ''), exempt_at = case when p_reason is null then null else now() end,
         exempt_by = case when p_reason is null then null else v_me end
   where ap.assignment_id = p_assignment and ap.member_id = p_member
  returning jsonb_build_object('exempt', ap.exempt_reason is not null, 'reason', ap.exempt_reason, 'at', ap.exempt_at, 'by', ap.exempt_by)
    into v_after;
  insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
  values (v_me, 'member', case when p_reason is null then 'assignment.exemption_withdrawn' else 'assignment.exempt' end,
          'assignment_person', p_assignment::text || ':' || p_member::text, v_before, v_after, coalesce(p_reason, 'withdrawn'));
  return v_after;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- An exam required by an assignment is offered to the people in its scope (exempt or not: an
-- exempt person may still choose to sit it). This is 20261201000200_exam_builder.sql's definition
-- (units, overrides, the exam's audience) plus one indexed lookup on the caller's own
-- assignment_people rows, reached only when the other checks have not already answered yes — the
-- start path (app.start_context, app.start_attempt) stays a handful of index probes.
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
  ) or exists (
    select 1 from app.assignment_people ap
    join app.assignments x on x.id = ap.assignment_id
    join app.exams e on e.id = x.exam_id
    where ap.member_id = app_private.current_member_id() and x.exam_id = exam and x.status = 'active' and e.status = 'published'
  );
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Audit log: what an entry is about, for filtering and for HR's subtree. Filled on insert from the
-- entity (never by the writer, so no writer can misfile an entry), then append-only like the rest.
alter table app.audit_log
  add column subject_member_id uuid references app.members (id),
  add column subject_org_unit_id uuid references app.org_units (id),
  add column exam_id uuid,
  add column period text;
create index audit_log_subject_member_idx on app.audit_log (subject_member_id);
create index audit_log_subject_org_idx on app.audit_log (subject_org_unit_id);
create index audit_log_exam_idx on app.audit_log (exam_id);
create index audit_log_at_idx on app.audit_log (at desc);

create function app_private.audit_log_subject() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_assignment uuid;
  v_member uuid;
begin
  new.subject_member_id := null; new.subject_org_unit_id := null; new.exam_id := null; new.period := null;
  if new.entity in ('attempt', 'attempt_slot') and new.entity_id ~ '^[0-9a-f-]{36}(:[0-9]+)?$' then
    -- A regrade names the attempt; a manual mark names '<attempt>:<slot>'.
    v_assignment := split_part(new.entity_id, ':', 1)::uuid;   -- (the attempt id here)
    select t.member_id, t.exam_id, m.org_unit_id into new.subject_member_id, new.exam_id, new.subject_org_unit_id
      from app.attempts t join app.members m on m.id = t.member_id where t.id = v_assignment;
    -- The period of the person's assignment this attempt counts for (the latest one begun before it).
    select x.period into new.period
      from app.assignment_people ap join app.assignments x on x.id = ap.assignment_id
      join app.attempts t on t.id = v_assignment
     where ap.member_id = t.member_id and x.exam_id = t.exam_id and x.starts_at <= t.started_at
     order by x.starts_at desc limit 1;
  elsif new.entity = 'assignment_person' and new.entity_id ~ '^[0-9a-f-]{36}:[0-9a-f-]{36}$' then
    v_assignment := split_part(new.entity_id, ':', 1)::uuid;
    v_member := split_part(new.entity_id, ':', 2)::uuid;
    select x.exam_id, x.period, ap.period_end_org_unit_id into new.exam_id, new.period, new.subject_org_unit_id
      from app.assignments x join app.assignment_people ap on ap.assignment_id = x.id and ap.member_id = v_member
     where x.id = v_assignment;
    new.subject_member_id := v_member;
  elsif new.entity = 'assignment' and new.entity_id ~ '^[0-9a-f-]{36}$' then
    select x.exam_id, x.period, x.owner_org_id into new.exam_id, new.period, new.subject_org_unit_id
      from app.assignments x where x.id = new.entity_id::uuid;
  elsif new.entity = 'exam' and new.entity_id ~ '^[0-9a-f-]{36}$' then
    select e.id, e.owner_org_id into new.exam_id, new.subject_org_unit_id from app.exams e where e.id = new.entity_id::uuid;
  elsif new.entity = 'member' and new.entity_id ~ '^[0-9a-f-]{36}$' then
    select m.id, m.org_unit_id into new.subject_member_id, new.subject_org_unit_id from app.members m where m.id = new.entity_id::uuid;
  end if;
  return new;
end
$$;
create trigger audit_log_subject before insert on app.audit_log
  for each row execute function app_private.audit_log_subject();

-- HR and admins read the entries about their subtree (admins: everything, as before); everyone
-- still reads the entries they wrote themselves.
drop policy audit_log_select on app.audit_log;
create policy audit_log_select on app.audit_log for select to authenticated
  using ((select app_private.has_role('admin'))
         or actor_member_id = (select app_private.current_member_id())
         or ((select app_private.is_hr_or_admin()) and subject_org_unit_id in (select app_private.managed_org_ids())));

-- Append-only for every role: the trigger refuses UPDATE/DELETE/TRUNCATE even for the table owner,
-- and no API role holds the privileges at all (service_role had ALL).
revoke update, delete, truncate on app.audit_log from service_role, authenticated;

-- ---------------------------------------------------------------------------------------------
-- Report counts, kept as rows change (the completion report for 100,000 people × 12 assignments
-- reads a few thousand of these instead of 1.2 million person rows; bench/RESULTS.md "hr-report").
-- Per assignment, view ('period_end' | 'assigned' | 'current') and org unit: how many people, and of
-- them the clock-free facts statuses are made of — exempt; completed on time or late (the due instant
-- is fixed per assignment); open and started or not; passed; scored (sum, best, 10-point bins). The
-- clock turns "open" into in progress / not started / overdue / at risk at read time
-- (functions/_lib/reports.ts), with the same rule as src/core/completion.ts. Maintained by the
-- statement triggers below for every insert, update and delete of app.assignment_people, and rebuilt
-- for an assignment whose due instant changes. tests/integration/assignments.test.ts recounts them
-- from the person rows after the fixture's moves, regrades and exemptions.
create table app.assignment_counts (
  assignment_id uuid not null references app.assignments (id) on delete cascade,
  basis text not null check (basis in ('period_end', 'assigned', 'current')),
  org_unit_id uuid not null references app.org_units (id),
  people int not null default 0,
  exempt int not null default 0,
  done_on_time int not null default 0,
  done_late int not null default 0,
  open_started int not null default 0,
  open_not_started int not null default 0,
  passed int not null default 0,
  scored int not null default 0,
  score_sum numeric not null default 0,
  best numeric(5,2),
  b0 int not null default 0, b1 int not null default 0, b2 int not null default 0, b3 int not null default 0, b4 int not null default 0,
  b5 int not null default 0, b6 int not null default 0, b7 int not null default 0, b8 int not null default 0, b9 int not null default 0,
  primary key (assignment_id, basis, org_unit_id)
);
create index assignment_counts_org_idx on app.assignment_counts (org_unit_id);

-- The statements that add (sign 1) or remove (sign -1) the contributions of a set of person rows:
-- `p_source` names a relation with app.assignment_people's columns — a trigger's transition table
-- (new_rows, old_rows) or a subquery. The caller EXECUTEs them itself: transition tables are visible
-- only to the trigger function's own statements. One upsert per (assignment, view, unit), straight
-- from the rows: a bank-wide assignment of 100,000 people is one aggregate.
create function app_private.assignment_counts_sql(p_source text, p_sign int) returns text[]
language plpgsql immutable
set search_path = ''
as $$
declare
  v_out text[];
begin
  v_out := array[format($sql$
  insert into app.assignment_counts as c (assignment_id, basis, org_unit_id, people, exempt, done_on_time, done_late, open_started,
                                          open_not_started, passed, scored, score_sum, best, b0, b1, b2, b3, b4, b5, b6, b7, b8, b9)
  select r.assignment_id, v.basis, v.org, %2$s * count(*)::int,
         %2$s * count(*) filter (where r.exempt_reason is not null)::int,
         %2$s * count(*) filter (where r.exempt_reason is null and r.completed_at <= a.due_at)::int,
         %2$s * count(*) filter (where r.exempt_reason is null and r.completed_at > a.due_at)::int,
         %2$s * count(*) filter (where r.exempt_reason is null and r.completed_at is null and r.started_at is not null)::int,
         %2$s * count(*) filter (where r.exempt_reason is null and r.completed_at is null and r.started_at is null)::int,
         %2$s * count(*) filter (where r.exempt_reason is null and r.passed)::int,
         %2$s * count(r.score) filter (where r.exempt_reason is null)::int,
         %2$s * coalesce(sum(r.score) filter (where r.exempt_reason is null), 0),
         case when %2$s > 0 then max(r.score) filter (where r.exempt_reason is null) end,
         %2$s * count(*) filter (where r.exempt_reason is null and r.score < 10)::int,
         %2$s * count(*) filter (where r.exempt_reason is null and r.score >= 10 and r.score < 20)::int,
         %2$s * count(*) filter (where r.exempt_reason is null and r.score >= 20 and r.score < 30)::int,
         %2$s * count(*) filter (where r.exempt_reason is null and r.score >= 30 and r.score < 40)::int,
         %2$s * count(*) filter (where r.exempt_reason is null and r.score >= 40 and r.score < 50)::int,
         %2$s * count(*) filter (where r.exempt_reason is null and r.score >= 50 and r.score < 60)::int,
         %2$s * count(*) filter (where r.exempt_reason is null and r.score >= 60 and r.score < 70)::int,
         %2$s * count(*) filter (where r.exempt_reason is null and r.score >= 70 and r.score < 80)::int,
         %2$s * count(*) filter (where r.exempt_reason is null and r.score >= 80 and r.score < 90)::int,
         %2$s * count(*) filter (where r.exempt_reason is null and r.score >= 90)::int
  from %1$s r
  join app.assignments a on a.id = r.assignment_id
  cross join lateral (values ('period_end', r.period_end_org_unit_id), ('assigned', r.assigned_org_unit_id), ('current', r.current_org_unit_id)) v(basis, org)
  group by r.assignment_id, v.basis, v.org
  on conflict (assignment_id, basis, org_unit_id) do update set
    people = c.people + excluded.people, exempt = c.exempt + excluded.exempt,
    done_on_time = c.done_on_time + excluded.done_on_time, done_late = c.done_late + excluded.done_late,
    open_started = c.open_started + excluded.open_started, open_not_started = c.open_not_started + excluded.open_not_started,
    passed = c.passed + excluded.passed, scored = c.scored + excluded.scored, score_sum = c.score_sum + excluded.score_sum,
    best = case when excluded.best is null then c.best when c.best is null then excluded.best else greatest(c.best, excluded.best) end,
    b0 = c.b0 + excluded.b0, b1 = c.b1 + excluded.b1, b2 = c.b2 + excluded.b2, b3 = c.b3 + excluded.b3, b4 = c.b4 + excluded.b4,
    b5 = c.b5 + excluded.b5, b6 = c.b6 + excluded.b6, b7 = c.b7 + excluded.b7, b8 = c.b8 + excluded.b8, b9 = c.b9 + excluded.b9
  $sql$, p_source, p_sign)];
  if p_sign < 0 then
    -- A best score cannot be taken back by subtraction: where a removed row held the best, look it
    -- up again among the rows that remain (rare: a top score regraded down, or its holder moved).
    v_out := v_out || format($sql$
    update app.assignment_counts c
       set best = (select max(ap.score) from app.assignment_people ap
                   where ap.assignment_id = c.assignment_id and ap.exempt_reason is null
                     and case c.basis when 'period_end' then ap.period_end_org_unit_id
                                      when 'assigned' then ap.assigned_org_unit_id else ap.current_org_unit_id end = c.org_unit_id)
      from (select distinct r.assignment_id, v.basis, v.org, r.score from %1$s r
            cross join lateral (values ('period_end', r.period_end_org_unit_id), ('assigned', r.assigned_org_unit_id), ('current', r.current_org_unit_id)) v(basis, org)
            where r.score is not null and r.exempt_reason is null) gone
     where c.assignment_id = gone.assignment_id and c.basis = gone.basis and c.org_unit_id = gone.org and gone.score >= c.best
    $sql$, p_source);
    v_out := v_out || 'delete from app.assignment_counts c where c.people = 0'::text;
  end if;
  return v_out;
end
$$;

create function app_private.assignment_people_counts() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  q text;
begin
  -- Transition tables exist only for the events that have them; each branch names only its own.
  if tg_op in ('UPDATE', 'DELETE') then
    foreach q in array app_private.assignment_counts_sql('old_rows', -1) loop execute q; end loop;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    foreach q in array app_private.assignment_counts_sql('new_rows', 1) loop execute q; end loop;
  end if;
  return null;
end
$$;
create trigger assignment_people_counts_insert after insert on app.assignment_people
  referencing new table as new_rows for each statement execute function app_private.assignment_people_counts();
create trigger assignment_people_counts_update after update on app.assignment_people
  referencing old table as old_rows new table as new_rows for each statement execute function app_private.assignment_people_counts();
create trigger assignment_people_counts_delete after delete on app.assignment_people
  referencing old table as old_rows for each statement execute function app_private.assignment_people_counts();

-- An assignment whose due instant changes (never through the API; by hand or in tests) has its
-- counts rebuilt: on time and late depend on it.
create function app_private.assignment_counts_rebuild() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  q text;
begin
  delete from app.assignment_counts where assignment_id = new.id;
  foreach q in array app_private.assignment_counts_sql(format('(select * from app.assignment_people where assignment_id = %L)', new.id), 1) loop
    execute q;
  end loop;
  return null;
end
$$;
create trigger assignments_counts_due after update of due_at on app.assignments
  for each row when (old.due_at is distinct from new.due_at)
  execute function app_private.assignment_counts_rebuild();

-- ---------------------------------------------------------------------------------------------
-- Grants and RLS
revoke all on function app_private.is_hr_or_admin() from public;
revoke all on function app_private.is_manager() from public;
revoke all on function app_private.managed_units() from public;
revoke all on function app_private.assignment_person_refresh(uuid, uuid) from public;
revoke all on function app.sync_assignment_people(uuid) from public;
revoke all on function app.set_assignment_exemption(uuid, uuid, text) from public;
grant execute on function app_private.is_hr_or_admin(), app_private.is_manager(), app_private.managed_units(), app_private.csv_safe(text) to authenticated, service_role;
grant execute on function app_private.assignment_status(timestamptz, timestamptz, timestamptz, boolean, timestamptz) to authenticated, service_role;
grant execute on function app.sync_assignment_people(uuid) to authenticated, service_role;
grant execute on function app.set_assignment_exemption(uuid, uuid, text) to authenticated;
-- Refreshing facts is the triggers' job (they run as their owner); nobody calls it directly.
revoke execute on function app_private.assignment_person_refresh(uuid, uuid) from authenticated, service_role;

alter table app.assignments enable row level security;
alter table app.assignment_people enable row level security;
alter table app.assignment_counts enable row level security;

grant select, insert on app.assignments to authenticated;
-- Cancelling is the only change to an assignment after creation (dates and targets of a published
-- requirement do not move under people's feet; create a new one instead).
grant update (status) on app.assignments to authenticated;
grant select on app.assignment_people to authenticated;
grant select on app.assignment_counts to authenticated;
grant all on app.assignments, app.assignment_people, app.assignment_counts to service_role;
revoke all on function app_private.assignment_counts_sql(text, int) from public, authenticated, service_role;

-- Managers (trainer/HR/admin) see the assignments of units in their subtree and those that concern
-- people of their subtree (a head-office assignment, seen by a branch's HR; the kept counts say
-- which, through their own policy, without reading person rows); everyone sees the assignments they are in.
create policy assignments_select on app.assignments for select to authenticated
  using (((select app_private.is_manager())
          and (owner_org_id in (select app_private.managed_org_ids()) or id in (select c.assignment_id from app.assignment_counts c)))
         or id in (select ap.assignment_id from app.assignment_people ap where ap.member_id = (select app_private.current_member_id())));
create policy assignments_insert on app.assignments for insert to authenticated
  with check ((select app_private.is_manager()) and (select app_private.in_scope(owner_org_id))
              and created_by = (select app_private.current_member_id())
              -- The exam must be one the caller can see (offered to them or managed by them).
              and (exam_id is null or exists (select 1 from app.exams e where e.id = exam_id and e.status = 'published')));
create policy assignments_update on app.assignments for update to authenticated
  using ((select app_private.is_manager()) and (select app_private.in_scope(owner_org_id)))
  with check ((select app_private.is_manager()) and (select app_private.in_scope(owner_org_id)));

-- A person's own rows; managers: rows whose unit when assigned, at the period end or now is theirs.
create policy assignment_people_select on app.assignment_people for select to authenticated
  using (member_id = (select app_private.current_member_id())
         or ((select app_private.is_manager())
             and (period_end_org_unit_id in (select app_private.managed_org_ids())
                  or assigned_org_unit_id in (select app_private.managed_org_ids())
                  or current_org_unit_id in (select app_private.managed_org_ids()))));

-- Counts: trainers, HR and admins, for the units they manage (the report is HR's; the assignment
-- list shows trainers their own assignments' progress).
create policy assignment_counts_select on app.assignment_counts for select to authenticated
  using ((select app_private.is_manager()) and org_unit_id in (select app_private.managed_org_ids()));
