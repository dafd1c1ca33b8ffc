-- Security review fixes (three database defects in today's migrations).
--
--   D3  app.live_results_sync (security definer) staged its rows in
--       `create temporary table if not exists pg_temp.live_results_new`. A caller could create that
--       table first, in their own session's temp schema, with a statement trigger: the function then
--       reused the caller's table and the trigger fired inside the function, i.e. with the owner's
--       rights (roles raised to admin, forged audit rows). The rows are now staged in a local
--       variable (an array of app.live_results), so the function touches no relation the caller
--       can create or own.
--       The other security-definer functions using temp tables (app_internal.stage_rows and
--       app.commit_import, migration 100) first `drop table if exists pg_temp.xb_write` and then
--       create it themselves, inside the same call (no caller statement runs in between, and
--       app_internal.write_staged is reachable only through those owner-rights functions, which
--       authenticated cannot call in app_internal). A caller's pre-created xb_write — with whatever
--       trigger, rule or index on it — is dropped (the owner may drop it), and the new table is
--       owned by the function owner, so the caller cannot attach anything to it afterwards; a
--       caller's view or sequence of that name makes the drop fail, which only refuses their own
--       call. Every relation in those functions is schema-qualified and search_path is '', so a
--       caller's pg_temp objects are never picked up by name (functions and operators are never
--       looked up in pg_temp at all). They stay as they are.
--       Defence in depth, outside Supabase: `authenticated` and `anon` have no business creating
--       temporary tables (the application never does: it runs every statement through
--       functions/_lib/db.ts as those roles or as service_role, and no code creates temp tables as
--       them), so the TEMPORARY privilege on the database is taken from PUBLIC and given back to
--       service_role only. On Supabase the platform's own roles (Studio, pg_graphql, realtime,
--       supabase_admin …) rely on the PUBLIC default and are not ours to change, so the revoke is
--       skipped there (detected by the presence of the supabase_admin role); the fix above does not
--       depend on it.
--
--   D1  exam_audience_select_scope (migration 950) let a branch manager read the audience rows of a
--       head-office DRAFT exam that names their people. It now also requires that the exam reaches
--       their scope (app_private.exam_reaches_my_scope: published or archived, trainer/HR).
--
--   D2  Migration 950 made head-office exams that merely reach a branch manager's people visible to
--       them (to read their people's results). Visibility also decided who may ASSIGN an exam (the
--       assignments_insert policy, the assignment exam picker) and put it in a SEASON (saveSeason's
--       check), and exam_assignments_select showed such a reader every unit the exam is assigned to
--       (other branches included). Intended rule: reading results of a head-office exam for your
--       people, yes; assigning it or putting it in a season requires that the exam is offered to you
--       (app_private.exam_offered_to_me) or that you manage it (app_private.manages_exam).
--       exam_assignments rows: the exam's managers and the people it is offered to (or who attempted
--       it) read all of them, as before migration 950; anyone else who sees the exam only the rows of
--       units in their scope.

-- ---------------------------------------------------------------------------------------------
-- D3. live_results_sync without a temp table. Same contract, checks and audit as migration 900.
create or replace function app.live_results_sync(p_contest uuid, p_rows jsonb, p_cause text, p_reason text)
returns int
language plpgsql security definer
set search_path = ''
as $$
declare
  v_me uuid := app_private.current_member_id();
  -- The new rows, staged in a variable: nothing a caller can create (a temp table of the same name,
  -- with a trigger on it) is ever read or written by this owner-rights function.
  v_rows app.live_results[];
  v_before jsonb;
  v_after jsonb;
  v_changed int := 0;
  v_n int;
  v_bad text;
begin
  if not app_private.hosts_live_contest(p_contest) then
    raise exception 'Only the hosts of this live contest record its results.' using errcode = '42501';
  end if;
  if jsonb_typeof(p_rows) <> 'array' then
    raise exception 'p_rows must be a JSON array' using errcode = '22023';
  end if;

  select coalesce(array_agg(row(p_contest, r.member_id, r.team_id, r.contest_title, r.team_name, r.team_rank, r.teams_count,
                                r.team_score, r.answered, r.correct, r.personal_points, r.all_questions, r.team_points,
                                r.round_score, r.round_max, r.time_used_sec, r.finished_at, r.event_seq, now(), now())::app.live_results),
                  '{}')
  into v_rows
  from jsonb_to_recordset(p_rows) as r(member_id uuid, team_id uuid, contest_title text, team_name text, team_rank int, teams_count int,
    team_score numeric(10,2), answered int, correct int, personal_points numeric(10,2), all_questions int, team_points numeric(10,2),
    round_score numeric(10,2), round_max numeric(10,2), time_used_sec int, finished_at timestamptz, event_seq bigint);

  -- Only people listed in that team of this contest who took a seat (a join in the log) earn a
  -- record in it: a host cannot put someone who was not there into their training record.
  select coalesce(n.member_id::text, '(none)') into v_bad from unnest(v_rows) n
  where n.member_id is null
     or not exists (select 1 from app.live_team_members t where t.contest_id = p_contest and t.member_id = n.member_id and t.team_id = n.team_id)
     or not exists (select 1 from app.live_events e where e.contest_id = p_contest and e.actor_member_id = n.member_id and e.kind = 'join')
  limit 1;
  if v_bad is not null then
    raise exception 'Member % did not sit in that team of this live contest.', v_bad using errcode = '23514';
  end if;

  -- The values that matter (not bookkeeping), before and after, of rows that change or go.
  select coalesce(jsonb_object_agg(o.member_id::text, o.v), '{}'::jsonb) into v_before
  from (select x.member_id, to_jsonb(x) - 'contest_id' - 'member_id' - 'recorded_at' - 'updated_at' - 'event_seq' as v
        from app.live_results x where x.contest_id = p_contest) o
  left join (select y.member_id, to_jsonb(y) - 'contest_id' - 'member_id' - 'recorded_at' - 'updated_at' - 'event_seq' as v
             from unnest(v_rows) y) n on n.member_id = o.member_id
  where n.v is distinct from o.v;
  select coalesce(jsonb_object_agg(n.member_id::text, n.v), '{}'::jsonb) into v_after
  from (select y.member_id, to_jsonb(y) - 'contest_id' - 'member_id' - 'recorded_at' - 'updated_at' - 'event_seq' as v
        from unnest(v_rows) y) n
  join app.live_results x on x.contest_id = p_contest and x.member_id = n.member_id
  where (to_jsonb(x) - 'contest_id' - 'member_id' - 'recorded_at' - 'updated_at' - 'event_seq') is distinct from n.v;

  delete from app.live_results x where x.contest_id = p_contest
    and not exists (select 1 from unnest(v_rows) n where n.member_id = x.member_id);
  get diagnostics v_n = row_count;
  v_changed := v_changed + v_n;

  insert into app.live_results as x
    (contest_id, member_id, team_id, contest_title, team_name, team_rank, teams_count, team_score, answered, correct,
     personal_points, all_questions, team_points, round_score, round_max, time_used_sec, finished_at, event_seq)
  select n.contest_id, n.member_id, n.team_id, n.contest_title, n.team_name, n.team_rank, n.teams_count, n.team_score, n.answered, n.correct,
         n.personal_points, n.all_questions, n.team_points, n.round_score, n.round_max, n.time_used_sec, n.finished_at, n.event_seq
  from unnest(v_rows) n
  on conflict (contest_id, member_id) do update set
    team_id = excluded.team_id, contest_title = excluded.contest_title, team_name = excluded.team_name, team_rank = excluded.team_rank,
    teams_count = excluded.teams_count, team_score = excluded.team_score, answered = excluded.answered, correct = excluded.correct,
    personal_points = excluded.personal_points, all_questions = excluded.all_questions, team_points = excluded.team_points,
    round_score = excluded.round_score, round_max = excluded.round_max, time_used_sec = excluded.time_used_sec,
    finished_at = excluded.finished_at, event_seq = excluded.event_seq, updated_at = now()
  where (x.team_id, x.contest_title, x.team_name, x.team_rank, x.teams_count, x.team_score, x.answered, x.correct, x.personal_points,
         x.all_questions, x.team_points, x.round_score, x.round_max, x.time_used_sec, x.finished_at)
     is distinct from
        (excluded.team_id, excluded.contest_title, excluded.team_name, excluded.team_rank, excluded.teams_count, excluded.team_score,
         excluded.answered, excluded.correct, excluded.personal_points, excluded.all_questions, excluded.team_points, excluded.round_score,
         excluded.round_max, excluded.time_used_sec, excluded.finished_at);
  get diagnostics v_n = row_count;
  v_changed := v_changed + v_n;

  -- Records people already had changed: who did it, why, and each person's values before and after.
  if v_before <> '{}'::jsonb then
    insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
    values (v_me, case when v_me is null then 'system:service' else 'member' end, 'live.results.' || coalesce(p_cause, 'sync'),
            'live_contest', p_contest::text, v_before, v_after, nullif(p_reason, ''));
  end if;
  return v_changed;
end
$$;
revoke all on function app.live_results_sync(uuid, jsonb, text, text) from public;
grant execute on function app.live_results_sync(uuid, jsonb, text, text) to authenticated, service_role;

-- D3, defence in depth (not on Supabase, see above): no temporary tables for PUBLIC.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'supabase_admin') then
    execute format('revoke temporary on database %I from public', current_database());
    execute format('grant temporary on database %I to service_role', current_database());
  end if;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- D1. Audience rows of exams that reach my scope only (never a draft).
alter policy exam_audience_select_scope on app.exam_audience
  using ((select app_private.exam_reaches_my_scope(exam_id))
         and ((member_id is not null and (select app_private.can_see_member(member_id)))
              or (role is not null and (select app_private.role_audience_reaches_my_scope(role, org_unit_id)))));

-- ---------------------------------------------------------------------------------------------
-- D2. Assigning an exam or ranking it in a season: offered to me, or managed by me.
create function app_private.may_use_exam(exam uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return app_private.manages_exam(exam) or app_private.exam_offered_to_me(exam);
end
$$;
revoke all on function app_private.may_use_exam(uuid) from public;
grant execute on function app_private.may_use_exam(uuid) to authenticated, service_role;

alter policy assignments_insert on app.assignments
  with check ((select app_private.is_manager()) and (select app_private.in_scope(owner_org_id))
              and created_by = (select app_private.current_member_id())
              -- A published exam offered to the caller or managed by them; an exam that merely
              -- reaches their people is theirs to report on, not to assign.
              and (exam_id is null
                   or (exists (select 1 from app.exams e where e.id = exam_id and e.status = 'published')
                       and (select app_private.may_use_exam(exam_id)))));

alter policy season_items_write on app.season_items
  using ((select app_private.edits_season(season_id)))
  with check ((select app_private.edits_season(season_id))
              and (contest_id is null or (select app_private.manages_contest(contest_id)))
              and (exam_id is null or (select app_private.may_use_exam(exam_id))));

-- Which units an exam is assigned to: all of them for its managers and the people it is offered
-- to or who attempted it (as before migration 950); for a manager who sees it only because it
-- reaches their people, the units in their scope.
alter policy exam_assignments_select on app.exam_assignments
  using (exists (select 1 from app.exams e where e.id = exam_id)
         and ((select app_private.may_use_exam(exam_id))
              or exists (select 1 from app.attempts a where a.exam_id = exam_assignments.exam_id
                         and a.member_id = (select app_private.current_member_id()))
              or (select app_private.in_scope(org_unit_id))));
