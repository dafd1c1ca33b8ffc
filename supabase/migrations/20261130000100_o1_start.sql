-- A start that writes O(1) rows (issue 7 §4; docs/decisions/o1-exam-start.md).
--
-- Before: a start inserted the attempt and one app.attempt_slots row per question (51 rows, each slot
-- with two foreign-key checks and an RLS check) at the bell. Now:
--   app.attempts.paper        the paper, stored once on the attempt: [{slot, vid, points, oo}] in slot
--                             order (question version, points, option order). Validated when the
--                             attempt is inserted (slots 1..n, every version exists, points in range)
--                             and immutable afterwards. Question versions are themselves immutable and
--                             never deleted (20261122000200), so a checked version id stays pinned.
--   app.attempt_responses     per-slot answer and grading state, a row only once something happens to
--                             the slot: the first save (upsert keyed by attempt + slot; the event log
--                             keeps idempotency by (attempt, slot, seq)) or grading.
--   app.attempt_slots         a VIEW with the old table's columns (paper ⟕ responses), security_invoker
--                             so the caller's RLS on attempts and attempt_responses applies: every
--                             reader (reviews, results, practice's seen/wrong-book queries, item
--                             statistics) keeps querying one row per slot with SQL.
-- A start is now one insert into app.attempts (plus its TOASTed paper).
--
-- Existing data moves forward: every attempt gets its paper from its slot rows, and slot rows that
-- carry anything beyond the defaults (an answer, a flag, a grade, a comment) become response rows.

-- ---------------------------------------------------------------------------------------------
-- 1. The paper on the attempt.
alter table app.attempts
  add column paper jsonb,
  add column slot_count int;

update app.attempts a
set paper = p.paper, slot_count = p.n
from (select s.attempt_id,
             jsonb_agg(jsonb_build_object('slot', s.slot, 'vid', s.question_version_id, 'points', s.points, 'oo', s.option_order)
                       order by s.slot) as paper,
             count(*)::int as n
      from app.attempt_slots s group by s.attempt_id) p
where p.attempt_id = a.id;
update app.attempts set paper = '[]'::jsonb, slot_count = 0 where paper is null;

-- No CHECK constraints on the paper: PostgreSQL evaluates every CHECK on every update of the row, and
-- reading the (TOASTed) paper on each focus-loss count or finalisation would cost for nothing. The
-- insert trigger validates it and the update trigger keeps it as it was.
alter table app.attempts
  alter column paper set not null,
  alter column slot_count set not null;

-- A new attempt's paper must be well formed: slots numbered 1..n in order, each version exists,
-- points > 0 with at most 2 decimals and below 10,000 (what numeric(6,2) held), an option order that
-- is an array or null. slot_count is derived here (callers cannot set it). Runs before RLS's WITH
-- CHECK; a null paper is left to the NOT NULL constraint, which PostgreSQL checks after RLS.
create function app_private.attempt_paper_check() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_n int;
  v_bad int;
begin
  if new.paper is null then
    return new;
  end if;
  if jsonb_typeof(new.paper) <> 'array' or jsonb_array_length(new.paper) = 0 then
    raise exception 'an attempt''s paper must be a non-empty array of slots' using errcode = '23514';
  end if;
  select count(*)::int,
         count(*) filter (where p.slot is distinct from p.ord or p.points is null or p.points <= 0 or p.points >= 10000
                            or p.points <> round(p.points, 2) or v.id is null
                            or (p.oo is not null and jsonb_typeof(p.oo) not in ('array', 'null')))::int
    into v_n, v_bad
  from rows from (jsonb_to_recordset(new.paper) as (slot int, vid uuid, points numeric, oo jsonb)) with ordinality as p(slot, vid, points, oo, ord)
  left join app.question_versions v on v.id = p.vid;
  if v_bad > 0 then
    raise exception 'an attempt''s paper has % malformed slot(s): slots must be numbered 1..n, name an existing question version and carry points in (0, 10000) with at most 2 decimals', v_bad
      using errcode = '23514';
  end if;
  new.slot_count := v_n;
  return new;
end
$$;
create trigger attempts_paper_check before insert on app.attempts
  for each row execute function app_private.attempt_paper_check();

-- The paper is pinned for the attempt's life: grading, regrades and reviews all read this paper.
create function app_private.attempt_paper_immutable() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.paper is distinct from old.paper or new.slot_count is distinct from old.slot_count then
    raise exception 'an attempt''s paper cannot change once the attempt exists' using errcode = '23514';
  end if;
  return new;
end
$$;
create trigger attempts_paper_immutable before update of paper, slot_count on app.attempts
  for each row execute function app_private.attempt_paper_immutable();

-- ---------------------------------------------------------------------------------------------
-- 2. Per-slot responses and grades, created on first use.
create table app.attempt_responses (
  attempt_id uuid not null references app.attempts (id) on delete cascade,
  slot int not null check (slot >= 1),
  response jsonb,                   -- current response (latest seq wins)
  response_seq int not null default 0,
  responded_at timestamptz,
  flagged boolean not null default false,
  state text,                       -- grading state, set by grading only
  mark numeric(8,4),                -- set by grading only
  comment text check (comment is null or length(comment) <= 2000),
  graded_by uuid references app.members (id),
  graded_at timestamptz,
  primary key (attempt_id, slot)
);

insert into app.attempt_responses (attempt_id, slot, response, response_seq, responded_at, flagged, state, mark, comment, graded_by, graded_at)
select s.attempt_id, s.slot, s.response, s.response_seq, s.responded_at, s.flagged, s.state, s.mark, s.comment, s.graded_by, s.graded_at
from app.attempt_slots s
where s.response is not null or s.response_seq > 0 or s.responded_at is not null or s.flagged
   or s.state is not null or s.mark is not null or s.comment is not null or s.graded_by is not null or s.graded_at is not null;

-- A response belongs to a slot of the attempt's paper (the slot table's primary key used to say so).
-- SECURITY DEFINER: the paper size is a fact about the attempt, whoever writes; who may write is RLS's job.
create function app_private.attempt_response_slot_check() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if exists (select 1 from app.attempts a where a.id = new.attempt_id and new.slot > a.slot_count) then
    raise exception 'attempt % has no question %', new.attempt_id, new.slot using errcode = '23503';
  end if;
  return new;
end
$$;
create trigger attempt_responses_slot_check before insert or update of attempt_id, slot on app.attempt_responses
  for each row execute function app_private.attempt_response_slot_check();

-- ---------------------------------------------------------------------------------------------
-- 3. The old table becomes a view with the same columns.
drop table app.attempt_slots;

create view app.attempt_slots with (security_invoker = true) as
select a.id as attempt_id,
       p.slot,
       p.vid as question_version_id,
       p.points::numeric(6,2) as points,
       case when jsonb_typeof(p.oo) = 'array' then p.oo end as option_order,
       r.response,
       coalesce(r.response_seq, 0) as response_seq,
       r.responded_at,
       coalesce(r.flagged, false) as flagged,
       r.state,
       r.mark,
       r.comment,
       r.graded_by,
       r.graded_at
from app.attempts a
cross join lateral jsonb_to_recordset(a.paper) as p(slot int, vid uuid, points numeric, oo jsonb)
left join app.attempt_responses r on r.attempt_id = a.id and r.slot = p.slot;
comment on view app.attempt_slots is
  'One row per slot of every attempt the caller may see: the paper on app.attempts joined with app.attempt_responses (20261130000100). Read-only; answers are written through app.save_response, grades by the service role into app.attempt_responses.';

-- ---------------------------------------------------------------------------------------------
-- 4. Grants and RLS. Taker-writable columns as before (answer, seq, time, flag); grades never.
alter table app.attempt_responses enable row level security;
grant insert (exam_id, member_id, attempt_no, seed, started_at, deadline, grace_sec, paper) on app.attempts to authenticated;
grant select on app.attempt_responses to authenticated;
grant insert (attempt_id, slot, response, response_seq, responded_at, flagged) on app.attempt_responses to authenticated;
grant update (response, response_seq, responded_at, flagged) on app.attempt_responses to authenticated;
grant all on app.attempt_responses to service_role;
grant select on app.attempt_slots to authenticated, service_role;

-- Same rules as the slot table had (20261122000300): my attempts as one hashed set per statement,
-- managers in scope per row; writes only to my live attempts that still accept responses.
create policy attempt_responses_select on app.attempt_responses for select to authenticated
  using (attempt_id in (select app_private.my_attempt_ids()) or (select app_private.attempt_visible(attempt_id)));
create policy attempt_responses_insert on app.attempt_responses for insert to authenticated
  with check (attempt_id in (select app_private.my_open_attempt_ids()));
create policy attempt_responses_update on app.attempt_responses for update to authenticated
  using (attempt_id in (select app_private.my_open_attempt_ids()))
  with check (attempt_id in (select app_private.my_open_attempt_ids()));

-- ---------------------------------------------------------------------------------------------
-- 5. One autosave in one call, on the new storage. Same contract as before: ok = false and nothing
-- written when the attempt is not mine, not in progress, past deadline + grace, or has no such slot
-- (the function then explains why, step by step); the event is appended idempotently on
-- (attempt, slot, seq); the slot's response row is created by the first save and moves forward only
-- for a newer seq. SECURITY INVOKER: every policy above applies.
create or replace function app.save_response(p_attempt uuid, p_slot int, p_seq int, p_response jsonb, p_flagged boolean)
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
  v_count int;
  v_saved timestamptz;
  v_seq int;
  v_prior timestamptz;
begin
  select a.state, a.deadline, a.grace_sec, a.member_id = app_private.current_member_id(), a.slot_count
    into v_state, v_deadline, v_grace, v_mine, v_count
    from app.attempts a where a.id = p_attempt;
  -- `is not true`: a caller with no member (null) is refused here, not left to RLS (section 6).
  if not found or v_mine is not true or v_state <> 'in_progress' or p_slot < 1 or p_slot > v_count
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
    select coalesce(max(r.response_seq), 0) into v_seq from app.attempt_responses r where r.attempt_id = p_attempt and r.slot = p_slot;
    return query select v_now, true, null::timestamptz, false, v_seq, v_prior;
    return;
  end if;
  insert into app.attempt_responses as r (attempt_id, slot, response, response_seq, responded_at, flagged)
    values (p_attempt, p_slot, p_response, p_seq, v_saved, coalesce(p_flagged, false))
    on conflict (attempt_id, slot) do update
      set response = excluded.response, response_seq = excluded.response_seq, responded_at = excluded.responded_at,
          flagged = coalesce(p_flagged, r.flagged)
      where r.response_seq < excluded.response_seq
    returning r.response_seq into v_seq;
  if found then
    return query select v_now, true, v_saved, true, v_seq, null::timestamptz;
    return;
  end if;
  -- An older seq than the slot's: logged, not applied.
  select r.response_seq into v_seq from app.attempt_responses r where r.attempt_id = p_attempt and r.slot = p_slot;
  return query select v_now, true, v_saved, false, v_seq, null::timestamptz;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- 6. The start and the save as calls of functions with cached plans, each of RLS's checks made once
--    (issue 7 §4, second round; docs/decisions/o1-exam-start.md "CPU per start and per save").
--
-- Before, a start sent a ~2 KB statement with literals (parsed and planned on every call) whose RLS
-- and select list evaluated exam_offered_to_me and can_manage_org twice each, then an insert whose
-- WITH CHECK evaluated exam_offered_to_me again, in an explicit transaction (BEGIN, claims, context,
-- insert, COMMIT). A save's statements evaluated my_open_attempt_ids() four times and my_attempt_ids()
-- and can_see_member() for RETURNING. Now each is one call of a PL/pgSQL function (plans cached for
-- the pooled session), sent with the caller's claims as one message and committed on its own.
--
-- SECURITY DEFINER, narrowly: each function acts only for the caller named by the JWT claims
-- (app_private.current_member_id()), reads and writes only that member's rows, and makes exactly the
-- checks the policies make for the same rows, once. RLS stays enabled on every table and still
-- governs every other statement (including a direct insert into app.attempts or app.response_events).

-- Raises 28000 when the token's session has ended (signed out, banned, deleted). Functions put it in
-- the same message as the request's first statement when their instance has no fresh answer, so the
-- session check costs no round trip of its own; an error there aborts the whole message.
create function app_private.assert_session_active(p_user uuid, p_session uuid) returns void
language plpgsql
set search_path = ''
as $$
begin
  if not app_private.session_is_active(p_user, p_session) then
    raise exception 'session ended' using errcode = '28000',
      detail = 'The access token''s session was signed out, or its account was disabled or removed.';
  end if;
end
$$;
revoke all on function app_private.assert_session_active(uuid, uuid) from public;
grant execute on function app_private.assert_session_active(uuid, uuid) to authenticated, service_role;

-- Everything a start or resume decides on, for the caller: the database clock, the exam as the
-- exams_select policy shows it (offered to me or managed by me; otherwise null) with both flags,
-- my override, my attempts at it, the questions I have seen (earlier papers, practice), the bank
-- revision, and my prepared paper. Same content as the statement functions/_lib/exams.ts sent before.
create function app.start_context(p_exam uuid) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_member uuid := app_private.current_member_id();
  v_exam jsonb;
  v_owner uuid;
  v_offered boolean;
  v_manages boolean;
begin
  select to_jsonb(e), e.owner_org_id into v_exam, v_owner from app.exams e where e.id = p_exam;
  if v_exam is not null then
    v_offered := app_private.exam_offered_to_me(p_exam);
    v_manages := app_private.can_manage_org(v_owner);
    if v_offered or v_manages then
      v_exam := v_exam || jsonb_build_object('offered', v_offered, 'manages', v_manages);
    else
      v_exam := null;
    end if;
  end if;
  return jsonb_build_object(
    'now', clock_timestamp(),
    'exam', v_exam,
    'my_override', (select jsonb_build_object('extra_time_sec', o.extra_time_sec, 'extra_attempts', o.extra_attempts,
                                              'window_open', o.window_open, 'window_close', o.window_close)
                    from app.exam_overrides o where o.member_id = v_member and o.exam_id = p_exam),
    'my_attempts', coalesce((select jsonb_agg(jsonb_build_object(
                      'id', a.id, 'exam_id', a.exam_id, 'member_id', a.member_id, 'attempt_no', a.attempt_no, 'state', a.state,
                      'seed', a.seed, 'started_at', a.started_at, 'deadline', a.deadline, 'grace_sec', a.grace_sec,
                      'finished_at', a.finished_at, 'score', a.score, 'max_score', a.max_score, 'percent', a.percent,
                      'passed', a.passed, 'needs_grading', a.needs_grading, 'graded_at', a.graded_at,
                      'focus_losses', a.focus_losses, 'mine', true) order by a.attempt_no)
                    from app.attempts a where a.member_id = v_member and a.exam_id = p_exam), '[]'::jsonb),
    'seen', (select coalesce(jsonb_agg(q.question_id), '[]'::jsonb) from (
               select v.question_id from app.attempts a
                 cross join lateral jsonb_to_recordset(a.paper) as s(vid uuid)
                 join app.question_versions v on v.id = s.vid
               where a.member_id = v_member
               union
               select pa.question_id from app.practice_answers pa where pa.member_id = v_member) q),
    'bank_rev', (select r.rev::text from app.bank_revision r),
    'prepared', (select jsonb_build_object('seed', p.seed, 'bank_rev', p.bank_rev::text, 'plan_key', p.plan_key, 'slots', p.slots)
                 from app.prepared_papers p where p.exam_id = p_exam and p.member_id = v_member));
end
$$;

-- A new attempt of mine, with its paper: what attempts_insert's WITH CHECK allows (member = me, exam
-- offered to me), checked once, then one insert. The paper is validated by attempts_paper_check and
-- one live attempt per person and exam by attempts_one_live_idx, as for any insert.
create function app.start_attempt(p_exam uuid, p_attempt_no int, p_seed bigint, p_started_at timestamptz,
                                  p_deadline timestamptz, p_grace_sec int, p_paper jsonb) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_member uuid := app_private.current_member_id();
  v_out jsonb;
begin
  if v_member is null or not app_private.exam_offered_to_me(p_exam) then
    raise exception 'new row violates row-level security policy for table "attempts"' using errcode = '42501';
  end if;
  insert into app.attempts as a (exam_id, member_id, attempt_no, seed, started_at, deadline, grace_sec, paper)
  values (p_exam, v_member, p_attempt_no, p_seed, p_started_at, p_deadline, p_grace_sec, p_paper)
  returning jsonb_build_object(
    'id', a.id, 'exam_id', a.exam_id, 'member_id', a.member_id, 'attempt_no', a.attempt_no, 'state', a.state,
    'seed', a.seed, 'started_at', a.started_at, 'deadline', a.deadline, 'grace_sec', a.grace_sec,
    'finished_at', a.finished_at, 'score', a.score, 'max_score', a.max_score, 'percent', a.percent,
    'passed', a.passed, 'needs_grading', a.needs_grading, 'graded_at', a.graded_at,
    'focus_losses', a.focus_losses, 'mine', true)
  into v_out;
  return v_out;
end
$$;

revoke all on function app.start_context(uuid) from public;
revoke all on function app.start_attempt(uuid, int, bigint, timestamptz, timestamptz, int, jsonb) from public;
grant execute on function app.start_context(uuid) to authenticated;
grant execute on function app.start_attempt(uuid, int, bigint, timestamptz, timestamptz, int, jsonb) to authenticated;

-- The save, same contract as section 5, SECURITY DEFINER: its first statement already required what
-- the write policies require (my attempt, in progress, within deadline + grace on the database clock)
-- plus a slot on the paper; it now writes without re-evaluating those policies at every insert,
-- upsert and RETURNING (4× my_open_attempt_ids, 2× my_attempt_ids, can_see_member per save).
alter function app.save_response(uuid, int, int, jsonb, boolean) security definer;
revoke all on function app.save_response(uuid, int, int, jsonb, boolean) from public;
grant execute on function app.save_response(uuid, int, int, jsonb, boolean) to authenticated, service_role;
