-- Exam engine: exams and their settings, assignments to org units, per-member overrides, attempts
-- (slots pin question versions), the append-only response log, attempt events (focus loss, copy),
-- and practice history with FSRS cards (the wrong-answer book is derived from it).
--
-- Who writes what:
--   authenticated  starts its own attempts, saves responses to its own live attempt before the
--                  deadline + grace, records its own attempt events and practice answers.
--   service_role   grades, finalises overdue attempts, regrades (always with an audit_log entry).
-- Scores are never writable by `authenticated`: column-level grants below leave them out.

create table app.exams (
  id uuid primary key default gen_random_uuid(),
  title text not null check (length(title) between 1 and 200),
  description text not null default '',
  kind text not null check (kind in ('practice', 'exam', 'mock_contest')),
  status text not null default 'published' check (status in ('draft', 'published', 'archived')),
  owner_org_id uuid not null references app.org_units (id),
  created_by uuid references app.members (id),
  window_open timestamptz,
  window_close timestamptz,
  time_limit_sec int check (time_limit_sec is null or time_limit_sec between 30 and 86400),
  grace_sec int not null default 60 check (grace_sec between 0 and 600),
  attempts_allowed int not null default 1 check (attempts_allowed >= 0),   -- 0 = unlimited
  grading_method text not null default 'highest' check (grading_method in ('highest', 'latest', 'first', 'average')),
  pass_percent numeric(5,2) not null default 60 check (pass_percent between 0 and 100),
  multiple_rule text not null default 'all_or_nothing' check (multiple_rule in ('all_or_nothing', 'half_for_subset', 'per_option')),
  shuffle_questions boolean not null default true,
  shuffle_options boolean not null default true,
  focus_loss_limit int not null default 0 check (focus_loss_limit >= 0),  -- 0 = log only
  review_policy jsonb not null,
  blueprint jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (window_open is null or window_close is null or window_open < window_close)
);
create index exams_owner_idx on app.exams (owner_org_id);

create table app.exam_assignments (
  exam_id uuid not null references app.exams (id) on delete cascade,
  org_unit_id uuid not null references app.org_units (id),
  due_at timestamptz,
  primary key (exam_id, org_unit_id)
);
create index exam_assignments_org_idx on app.exam_assignments (org_unit_id);

create table app.exam_overrides (
  exam_id uuid not null references app.exams (id) on delete cascade,
  member_id uuid not null references app.members (id),
  extra_time_sec int not null default 0 check (extra_time_sec between 0 and 86400),
  extra_attempts int not null default 0 check (extra_attempts between 0 and 100),
  window_open timestamptz,
  window_close timestamptz,
  primary key (exam_id, member_id)
);

create table app.attempts (
  id uuid primary key default gen_random_uuid(),
  exam_id uuid not null references app.exams (id),
  member_id uuid not null references app.members (id),
  attempt_no int not null check (attempt_no >= 1),
  state text not null default 'in_progress' check (state in ('in_progress', 'submitted', 'auto_submitted', 'abandoned')),
  seed bigint not null,
  started_at timestamptz not null default now(),
  deadline timestamptz,
  grace_sec int not null,
  finished_at timestamptz,
  score numeric(8,2),
  max_score numeric(8,2),
  percent numeric(5,2),
  passed boolean,
  needs_grading boolean not null default false,
  graded_at timestamptz,
  focus_losses int not null default 0,
  unique (exam_id, member_id, attempt_no),
  check ((state = 'in_progress') = (finished_at is null))
);
-- Never two live attempts for one person and exam.
create unique index attempts_one_live_idx on app.attempts (exam_id, member_id) where state = 'in_progress';
create index attempts_member_idx on app.attempts (member_id);
create index attempts_overdue_idx on app.attempts (deadline) where state = 'in_progress';

create table app.attempt_slots (
  attempt_id uuid not null references app.attempts (id) on delete cascade,
  slot int not null check (slot >= 1),
  question_version_id uuid not null references app.question_versions (id),
  points numeric(6,2) not null check (points > 0),
  option_order jsonb,               -- display order of option ids, null when not shuffled/no options
  response jsonb,                   -- current response (latest seq wins)
  response_seq int not null default 0,
  responded_at timestamptz,
  flagged boolean not null default false,
  state text,                       -- grading state, set by grading only
  mark numeric(8,4),                -- set by grading only (src/core keeps 4 decimals per slot)
  primary key (attempt_id, slot)
);

-- Append-only log of every response a client sent and the server accepted.
create table app.response_events (
  id bigint generated always as identity primary key,
  attempt_id uuid not null references app.attempts (id) on delete cascade,
  slot int not null,
  seq int not null check (seq >= 1),
  response jsonb,
  server_at timestamptz not null default now(),
  unique (attempt_id, slot, seq)
);

-- Papers assembled ahead of a synchronised start (POST /api/exams/:examId/papers, trainers/admins):
-- the slot plan [{slot, vid, points, oo}] a member's FIRST attempt at the exam will get, drawn from
-- the bank at bank_rev for the exam's settings at plan_key. A start uses it only while both still
-- match (otherwise it assembles as usual), so a prepared paper never outlives a content or
-- blueprint change. Written by the service role only; a member reads only their own.
create table app.prepared_papers (
  exam_id uuid not null references app.exams (id) on delete cascade,
  member_id uuid not null references app.members (id),
  seed bigint not null,
  bank_rev bigint not null,
  plan_key text not null,
  slots jsonb not null,
  prepared_at timestamptz not null default now(),
  primary key (exam_id, member_id)
);

create table app.attempt_events (
  id bigint generated always as identity primary key,
  attempt_id uuid not null references app.attempts (id) on delete cascade,
  kind text not null check (kind in ('focus_loss', 'copy', 'paste', 'fullscreen_exit', 'resume', 'forced_submit')),
  at timestamptz not null default now(),
  detail jsonb not null default '{}'
);
create index attempt_events_attempt_idx on app.attempt_events (attempt_id);

create table app.practice_answers (
  id bigint generated always as identity primary key,
  member_id uuid not null references app.members (id),
  question_id text not null references app.questions (id),
  question_version_id uuid not null references app.question_versions (id),
  response jsonb not null,
  correct boolean not null,
  context text not null default 'practice' check (context in ('practice', 'knowledge_check', 'exam')),
  answered_at timestamptz not null default now()
);
create index practice_answers_member_idx on app.practice_answers (member_id, answered_at desc);

-- One FSRS card per member and question; in_wrong_book is true after a wrong answer until the
-- member answers it right again or removes it.
create table app.practice_cards (
  member_id uuid not null references app.members (id),
  question_id text not null references app.questions (id),
  card jsonb not null,
  due_at timestamptz not null,
  reps int not null default 0,
  lapses int not null default 0,
  last_correct boolean not null,
  in_wrong_book boolean not null default false,
  wrong_count int not null default 0,
  updated_at timestamptz not null default now(),
  primary key (member_id, question_id)
);
create index practice_cards_due_idx on app.practice_cards (member_id, due_at);

-- Append-only tables stay append-only.
create trigger response_events_append_only before update or delete on app.response_events
  for each row execute function app_private.audit_log_is_append_only();
create trigger attempt_events_append_only before update or delete on app.attempt_events
  for each row execute function app_private.audit_log_is_append_only();

-- ---------------------------------------------------------------------------------------------
-- Helpers (PL/pgSQL for cached plans; see the note in 20261122000100_foundation.sql)
create function app_private.can_manage_org(unit uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return (app_private.has_role('trainer') or app_private.has_role('hr') or app_private.has_role('admin'))
         and app_private.in_scope(unit);
end
$$;

-- I manage an exam when its owning unit is in the subtree I manage (trainer/HR/admin).
create function app_private.manages_exam(exam uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return coalesce((select app_private.can_manage_org(e.owner_org_id) from app.exams e where e.id = exam), false);
end
$$;

-- An exam is offered to me when it is published and assigned to my unit or one of its ancestors.
create function app_private.exam_offered_to_me(exam uuid) returns boolean
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
  );
end
$$;

-- A member whose attempts I may read: myself, or someone in the subtree I manage.
create function app_private.can_see_member(member uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return member = app_private.current_member_id()
      or exists (select 1 from app.members m where m.id = member and app_private.can_manage_org(m.org_unit_id));
end
$$;

-- My live attempt that still accepts responses (deadline + grace, server time).
create function app_private.attempt_accepts_my_responses(attempt uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return exists (
    select 1 from app.attempts a
    where a.id = attempt
      and a.member_id = app_private.current_member_id()
      and a.state = 'in_progress'
      and (a.deadline is null or clock_timestamp() <= a.deadline + make_interval(secs => a.grace_sec)));
end
$$;

create function app_private.attempt_is_mine(attempt uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return exists (select 1 from app.attempts a where a.id = attempt and a.member_id = app_private.current_member_id());
end
$$;

create function app_private.attempt_visible(attempt uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return exists (select 1 from app.attempts a where a.id = attempt and app_private.can_see_member(a.member_id));
end
$$;

-- My attempts, and my live attempts that still accept responses (exactly the set for which
-- attempt_accepts_my_responses is true: same conditions, same server clock). The slot and
-- response-event policies use them as an uncorrelated `attempt_id in (select …)`, computed once per
-- statement as a hashed set, instead of a helper call per row (a paper has 50+ slots).
create function app_private.my_attempt_ids() returns setof uuid
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return query select a.id from app.attempts a where a.member_id = app_private.current_member_id();
end
$$;

create function app_private.my_open_attempt_ids() returns setof uuid
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return query
    select a.id from app.attempts a
    where a.member_id = app_private.current_member_id()
      and a.state = 'in_progress'
      and (a.deadline is null or clock_timestamp() <= a.deadline + make_interval(secs => a.grace_sec));
end
$$;

revoke all on all functions in schema app_private from public;
grant execute on all functions in schema app_private to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Grants. Column lists keep scores and grading state out of reach of `authenticated`.
alter table app.exams enable row level security;
alter table app.exam_assignments enable row level security;
alter table app.exam_overrides enable row level security;
alter table app.attempts enable row level security;
alter table app.attempt_slots enable row level security;
alter table app.response_events enable row level security;
alter table app.attempt_events enable row level security;
alter table app.practice_answers enable row level security;
alter table app.practice_cards enable row level security;
alter table app.prepared_papers enable row level security;

grant select, insert, update on app.exams to authenticated;
grant select, insert, delete on app.exam_assignments to authenticated;
grant select, insert, update, delete on app.exam_overrides to authenticated;
grant select on app.attempts to authenticated;
grant insert (exam_id, member_id, attempt_no, seed, started_at, deadline, grace_sec) on app.attempts to authenticated;
grant update (focus_losses) on app.attempts to authenticated;
grant select on app.attempt_slots to authenticated;
grant insert (attempt_id, slot, question_version_id, points, option_order) on app.attempt_slots to authenticated;
grant update (response, response_seq, responded_at, flagged) on app.attempt_slots to authenticated;
grant select, insert on app.response_events, app.attempt_events to authenticated;
grant select, insert on app.practice_answers to authenticated;
grant select, insert, update, delete on app.practice_cards to authenticated;
grant select on app.prepared_papers to authenticated;
grant all on app.prepared_papers to service_role;
grant all on app.exams, app.exam_assignments, app.exam_overrides, app.attempts, app.attempt_slots,
  app.response_events, app.attempt_events, app.practice_answers, app.practice_cards to service_role;

-- exams: offered to me, or managed by me (trainers/HR/admins in scope). Only trainers/admins write.
create policy exams_select on app.exams for select to authenticated
  using ((select app_private.exam_offered_to_me(id)) or (select app_private.can_manage_org(owner_org_id)));
create policy exams_insert on app.exams for insert to authenticated
  with check (((select app_private.has_role('trainer')) or (select app_private.has_role('admin')))
              and (select app_private.in_scope(owner_org_id)));
create policy exams_update on app.exams for update to authenticated
  using (((select app_private.has_role('trainer')) or (select app_private.has_role('admin'))) and (select app_private.in_scope(owner_org_id)))
  with check (((select app_private.has_role('trainer')) or (select app_private.has_role('admin'))) and (select app_private.in_scope(owner_org_id)));

create policy exam_assignments_select on app.exam_assignments for select to authenticated
  using (exists (select 1 from app.exams e where e.id = exam_id));
-- Assigning needs both: the exam is mine to manage, and the target unit is in my subtree.
create policy exam_assignments_write on app.exam_assignments for insert to authenticated
  with check ((select app_private.manages_exam(exam_id)) and (select app_private.in_scope(org_unit_id)));
create policy exam_assignments_delete on app.exam_assignments for delete to authenticated
  using ((select app_private.manages_exam(exam_id)) and (select app_private.in_scope(org_unit_id)));

create policy exam_overrides_select on app.exam_overrides for select to authenticated
  using ((select app_private.can_see_member(member_id)));
-- Overrides: trainers/admins who manage the exam, for members in their subtree, never themselves.
create policy exam_overrides_insert on app.exam_overrides for insert to authenticated
  with check (((select app_private.has_role('trainer')) or (select app_private.has_role('admin')))
              and (select app_private.manages_exam(exam_id))
              and member_id <> (select app_private.current_member_id())
              and (select app_private.can_see_member(member_id)));
create policy exam_overrides_update on app.exam_overrides for update to authenticated
  using (((select app_private.has_role('trainer')) or (select app_private.has_role('admin')))
         and (select app_private.manages_exam(exam_id))
         and member_id <> (select app_private.current_member_id()) and (select app_private.can_see_member(member_id)));
create policy exam_overrides_delete on app.exam_overrides for delete to authenticated
  using (((select app_private.has_role('trainer')) or (select app_private.has_role('admin')))
         and (select app_private.manages_exam(exam_id))
         and member_id <> (select app_private.current_member_id()) and (select app_private.can_see_member(member_id)));

-- attempts: I start my own attempts at exams offered to me; I and my managers read them.
create policy attempts_select on app.attempts for select to authenticated
  using ((select app_private.can_see_member(member_id)));
create policy attempts_insert on app.attempts for insert to authenticated
  with check (member_id = (select app_private.current_member_id()) and (select app_private.exam_offered_to_me(exam_id)));
create policy attempts_update_focus on app.attempts for update to authenticated
  using (member_id = (select app_private.current_member_id()) and state = 'in_progress')
  with check (member_id = (select app_private.current_member_id()));

-- Slots and response events: my own attempts are one hashed set per statement; managers reading
-- others' attempts take the attempt_visible path per row (my attempts ⊆ attempt_visible, so the
-- result is exactly attempt_visible).
create policy attempt_slots_select on app.attempt_slots for select to authenticated
  using (attempt_id in (select app_private.my_attempt_ids()) or (select app_private.attempt_visible(attempt_id)));
create policy attempt_slots_insert on app.attempt_slots for insert to authenticated
  with check (attempt_id in (select app_private.my_open_attempt_ids()));
create policy attempt_slots_update on app.attempt_slots for update to authenticated
  using (attempt_id in (select app_private.my_open_attempt_ids()))
  with check (attempt_id in (select app_private.my_open_attempt_ids()));

create policy response_events_select on app.response_events for select to authenticated
  using (attempt_id in (select app_private.my_attempt_ids()) or (select app_private.attempt_visible(attempt_id)));
create policy response_events_insert on app.response_events for insert to authenticated
  with check (attempt_id in (select app_private.my_open_attempt_ids()));

create policy attempt_events_select on app.attempt_events for select to authenticated
  using ((select app_private.attempt_visible(attempt_id)));
create policy attempt_events_insert on app.attempt_events for insert to authenticated
  with check ((select app_private.attempt_is_mine(attempt_id)));

create policy practice_answers_select on app.practice_answers for select to authenticated
  using ((select app_private.can_see_member(member_id)));
create policy practice_answers_insert on app.practice_answers for insert to authenticated
  with check (member_id = (select app_private.current_member_id()));

create policy practice_cards_all on app.practice_cards for all to authenticated
  using (member_id = (select app_private.current_member_id()))
  with check (member_id = (select app_private.current_member_id()));

create policy prepared_papers_select on app.prepared_papers for select to authenticated
  using (member_id = (select app_private.current_member_id()));

-- ---------------------------------------------------------------------------------------------
-- One autosave in one call (functions/_lib/responses.ts): the attempt must be mine, in progress and
-- within deadline + grace on the database clock (the same rule as acceptsResponse in src/core and
-- the policies above); then the event is appended (idempotent on seq) and the slot moves forward
-- when the seq is newer. SECURITY INVOKER: it runs as the caller, so every policy above still
-- applies; PL/pgSQL so its statements' plans are cached per session. Writes nothing when it
-- answers ok = false (the function then explains why, step by step).
create function app.save_response(p_attempt uuid, p_slot int, p_seq int, p_response jsonb, p_flagged boolean)
returns table (server_now timestamptz, ok boolean, saved_at timestamptz, applied boolean, latest_seq int, prior_at timestamptz)
language plpgsql security invoker
set search_path = ''
as $$
declare
  v_now timestamptz := clock_timestamp();
  v_state text;
  v_deadline timestamptz;
  v_grace int;
  v_mine boolean;
  v_saved timestamptz;
  v_seq int;
  v_prior timestamptz;
begin
  select a.state, a.deadline, a.grace_sec, a.member_id = app_private.current_member_id()
    into v_state, v_deadline, v_grace, v_mine
    from app.attempts a where a.id = p_attempt;
  if not found or not v_mine or v_state <> 'in_progress'
     or (v_deadline is not null and v_now > v_deadline + make_interval(secs => v_grace)) then
    return query select v_now, false, null::timestamptz, false, null::int, null::timestamptz;
    return;
  end if;
  insert into app.response_events (attempt_id, slot, seq, response, server_at)
    values (p_attempt, p_slot, p_seq, p_response, clock_timestamp())
    on conflict (attempt_id, slot, seq) do nothing
    returning server_at into v_saved;
  if v_saved is null then
    -- A retry of a save that already arrived: nothing changes; report what was stored for it.
    select e.server_at into v_prior from app.response_events e where e.attempt_id = p_attempt and e.slot = p_slot and e.seq = p_seq;
    select s.response_seq into v_seq from app.attempt_slots s where s.attempt_id = p_attempt and s.slot = p_slot;
    return query select v_now, true, null::timestamptz, false, v_seq, v_prior;
    return;
  end if;
  update app.attempt_slots s
    set response = p_response, response_seq = p_seq, responded_at = v_saved, flagged = coalesce(p_flagged, s.flagged)
    where s.attempt_id = p_attempt and s.slot = p_slot and s.response_seq < p_seq
    returning s.response_seq into v_seq;
  if found then
    return query select v_now, true, v_saved, true, v_seq, null::timestamptz;
    return;
  end if;
  -- An older seq than the slot's: logged, not applied.
  select s.response_seq into v_seq from app.attempt_slots s where s.attempt_id = p_attempt and s.slot = p_slot;
  return query select v_now, true, v_saved, false, v_seq, null::timestamptz;
end
$$;
revoke all on function app.save_response(uuid, int, int, jsonb, boolean) from public;
grant execute on function app.save_response(uuid, int, int, jsonb, boolean) to authenticated, service_role;
