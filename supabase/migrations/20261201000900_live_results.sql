-- Live contests in people's training records (issue 10): when the host ends a live contest, every
-- person seated in it gets one row here — their team, its final place and score, the questions they
-- answered and got right, their 个人全员答 points, and what the contest counts as their score when it is
-- a round of an online contest (docs/decisions/contests.md, "Live results"). The row is derived from
-- the event log by src/core/live-results.ts and written in the same transaction as the event that
-- changed it (the finish, or an undo or adjustment after the end), so it is re-derivable and never
-- edited by hand.
--
-- Who may do what:
--   * the person reads their own rows; trainers/HR/admins whose subtree holds the person read theirs
--     (as they read attempts); the contest's hosts read the rows of their contest;
--   * nobody writes the table directly: app.live_results_sync (hosts of the contest, security
--     definer) replaces a contest's rows with what the server derived, and writes app.audit_log when
--     rows that already existed change or go (an adjustment or undo after the end).

create table app.live_results (
  contest_id uuid not null references app.live_contests (id) on delete restrict,
  member_id uuid not null references app.members (id) on delete restrict,
  team_id uuid not null references app.live_teams (id) on delete restrict,
  -- Snapshots: a record keeps the names it was earned under.
  contest_title text not null check (length(contest_title) between 1 and 200),
  team_name text not null check (length(team_name) between 1 and 60),
  team_rank int not null check (team_rank >= 1),
  teams_count int not null check (teams_count >= 1),
  team_score numeric(10,2) not null,
  -- Questions this person answered on the phone (全员答: their own; team rounds: the answer they sent
  -- for the team) and how many of those were right (the host's verdict where there is one).
  answered int not null check (answered >= 0),
  correct int not null check (correct between 0 and answered),
  -- 个人全员答 points (correct answers plus speed bonus) and the number of 全员答 questions asked.
  personal_points numeric(10,2) not null,
  all_questions int not null check (all_questions >= 0),
  -- Points the team won or lost on team questions (必答/抢答/风险/加赛, fouls, adjustments).
  team_points numeric(10,2) not null,
  -- As a round of an online contest: score = team_points + personal_points; full marks; time used
  -- (the 全员答 answer times, a missed question counting its whole countdown) for ties.
  round_score numeric(10,2) not null,
  round_max numeric(10,2) not null check (round_max >= 0),
  time_used_sec int not null check (time_used_sec >= 0),
  -- The finish event's server time: the date of the record and the "submission" instant for ties.
  finished_at timestamptz not null,
  -- The event whose append produced these values (the log up to it re-derives them).
  event_seq bigint not null,
  recorded_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (contest_id, member_id)
);
create index live_results_member_idx on app.live_results (member_id);
create index live_results_team_idx on app.live_results (team_id);

alter table app.live_results enable row level security;
grant select on app.live_results to authenticated;
grant all on app.live_results to service_role;

-- Own rows; managers of the person's unit (app_private.can_see_member, as attempts); hosts of the contest.
create policy live_results_select on app.live_results for select to authenticated
  using ((select app_private.can_see_member(member_id)) or (select app_private.hosts_live_contest(contest_id)));

-- ---------------------------------------------------------------------------------------------
-- Writing: one call replaces a contest's rows with `p_rows` (what the server derived from the log;
-- [] while the contest is not finished). Rows that do not change are left alone. A change to rows
-- that already existed — an adjustment or an undo after the end — is audited with the people's
-- before/after values and the host's reason. Returns the number of rows inserted, changed or removed.
create function app.live_results_sync(p_contest uuid, p_rows jsonb, p_cause text, p_reason text)
returns int
language plpgsql security definer
set search_path = ''
as $$
declare
  v_me uuid := app_private.current_member_id();
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

  create temporary table if not exists pg_temp.live_results_new (like app.live_results) on commit drop;
  truncate pg_temp.live_results_new;
  insert into pg_temp.live_results_new
    (contest_id, member_id, team_id, contest_title, team_name, team_rank, teams_count, team_score, answered, correct,
     personal_points, all_questions, team_points, round_score, round_max, time_used_sec, finished_at, event_seq, recorded_at, updated_at)
  select p_contest, r.member_id, r.team_id, r.contest_title, r.team_name, r.team_rank, r.teams_count, r.team_score, r.answered, r.correct,
         r.personal_points, r.all_questions, r.team_points, r.round_score, r.round_max, r.time_used_sec, r.finished_at, r.event_seq, now(), now()
  from jsonb_to_recordset(p_rows) as r(member_id uuid, team_id uuid, contest_title text, team_name text, team_rank int, teams_count int,
    team_score numeric, answered int, correct int, personal_points numeric, all_questions int, team_points numeric, round_score numeric,
    round_max numeric, time_used_sec int, finished_at timestamptz, event_seq bigint);

  -- Only people listed in that team of this contest who took a seat (a join in the log) earn a
  -- record in it: a host cannot put someone who was not there into their training record.
  select n.member_id::text into v_bad from pg_temp.live_results_new n
  where not exists (select 1 from app.live_team_members t where t.contest_id = p_contest and t.member_id = n.member_id and t.team_id = n.team_id)
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
             from pg_temp.live_results_new y) n on n.member_id = o.member_id
  where n.v is distinct from o.v;
  select coalesce(jsonb_object_agg(n.member_id::text, n.v), '{}'::jsonb) into v_after
  from (select y.member_id, to_jsonb(y) - 'contest_id' - 'member_id' - 'recorded_at' - 'updated_at' - 'event_seq' as v
        from pg_temp.live_results_new y) n
  join app.live_results x on x.contest_id = p_contest and x.member_id = n.member_id
  where (to_jsonb(x) - 'contest_id' - 'member_id' - 'recorded_at' - 'updated_at' - 'event_seq') is distinct from n.v;

  delete from app.live_results x where x.contest_id = p_contest
    and not exists (select 1 from pg_temp.live_results_new n where n.member_id = x.member_id);
  get diagnostics v_n = row_count;
  v_changed := v_changed + v_n;

  insert into app.live_results as x
    (contest_id, member_id, team_id, contest_title, team_name, team_rank, teams_count, team_score, answered, correct,
     personal_points, all_questions, team_points, round_score, round_max, time_used_sec, finished_at, event_seq)
  select contest_id, member_id, team_id, contest_title, team_name, team_rank, teams_count, team_score, answered, correct,
         personal_points, all_questions, team_points, round_score, round_max, time_used_sec, finished_at, event_seq
  from pg_temp.live_results_new
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
  truncate pg_temp.live_results_new;
  return v_changed;
end
$$;

revoke all on function app.live_results_sync(uuid, jsonb, text, text) from public;
grant execute on function app.live_results_sync(uuid, jsonb, text, text) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- A finished live contest as a round of an online contest: the recorded results of the contest's
-- live rounds, for its eligible people only (as app.contest_standing_rows reads attempts). Security
-- definer after the same check: a participant's board ranks people they cannot otherwise see.
create function app.contest_live_rows(p_contest uuid)
returns table (member_id uuid, round_id uuid, score numeric, max_score numeric, time_used_sec int, finished_at timestamptz)
language plpgsql stable security definer
set search_path = ''
as $$
begin
  if not app_private.sees_contest(p_contest) then
    raise exception 'You cannot see this contest.' using errcode = '42501';
  end if;
  if not exists (select 1 from app.contest_rounds r where r.contest_id = p_contest and r.live_contest_id is not null) then
    return;
  end if;
  return query
    select lr.member_id, r.id, lr.round_score, lr.round_max, lr.time_used_sec, lr.finished_at
    from app.contest_rounds r
    join app.live_results lr on lr.contest_id = r.live_contest_id
    where r.contest_id = p_contest
      and lr.member_id in (select el.member_id from app.contest_eligible(p_contest) el);
end
$$;

revoke all on function app.contest_live_rows(uuid) from public;
grant execute on function app.contest_live_rows(uuid) to authenticated, service_role;
