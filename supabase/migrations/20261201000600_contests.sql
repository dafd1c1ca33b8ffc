-- Online mock contests (issue 10, asynchronous part) and seasons. docs/decisions/contests.md.
--
-- A contest groups rounds (each an exam of kind mock_contest, or a live on-site contest) with
-- participants: people entered one by one, hand-made teams (named lists of members) and teams that
-- are org units (部门/支行/分行: every active member of the unit's subtree is eligible). Rankings are
-- not stored: src/core/rankings.ts computes them from the attempts (app.contest_standing_rows).
-- A season combines exams and contests with weights into one ranking per person and org unit.
--
-- Who may do what:
--   * trainers/admins whose subtree holds the owning unit create and edit contests and seasons;
--     HR of that subtree read them;
--   * an employee reads a contest they take part in once it is published (or closed): its rounds
--     and teams, and of the member lists only their own row;
--   * every status or settings change of a contest is written to app.audit_log (rankings feed
--     appraisal), whatever path makes it.

-- ---------------------------------------------------------------------------------------------
-- Tables
create table app.contests (
  id uuid primary key default gen_random_uuid(),
  title text not null check (length(title) between 1 and 200),
  description text not null default '' check (length(description) <= 2000),
  owner_org_id uuid not null references app.org_units (id) on delete restrict,
  created_by uuid references app.members (id),
  status text not null default 'draft' check (status in ('draft', 'published', 'closed')),
  -- The short link's code (/c/<code>): six letters and digits without look-alikes (0/O, 1/I/L).
  code text not null unique check (code ~ '^[2-9A-HJKMNP-Z]{6}$'),
  -- Team score: mean of the participants' scores, their sum, or the mean of the best N (places a
  -- team leaves empty count 0, so a team cannot gain by fielding fewer people).
  team_method text not null default 'average' check (team_method in ('average', 'total', 'best_n')),
  best_n int check (best_n between 1 and 1000),
  -- 0: participation rate shown beside each team only; w > 0: team score × (1 − w + w × rate).
  participation_weight numeric(4,3) not null default 0 check (participation_weight between 0 and 1),
  -- Award list of the printable results: {mode: 'count', first, second, third} (people per prize)
  -- or {mode: 'share', first, second, third} (percent of the ranked people per prize).
  awards jsonb not null default '{"mode": "count", "first": 1, "second": 2, "third": 3}'::jsonb,
  -- How many individuals the projector board lists.
  board_top int not null default 10 check (board_top between 3 and 50),
  -- Bumped by every change of the contest, its rounds or participants: part of the board's ETag.
  rev int not null default 0,
  published_at timestamptz,
  closed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (team_method <> 'best_n' or best_n is not null),
  check (jsonb_typeof(awards) = 'object')
);
create index contests_owner_idx on app.contests (owner_org_id);

create table app.contest_rounds (
  id uuid primary key default gen_random_uuid(),
  contest_id uuid not null references app.contests (id) on delete cascade,
  position int not null check (position >= 1),
  title text not null check (length(title) between 1 and 100),
  exam_id uuid references app.exams (id) on delete restrict,
  live_contest_id uuid references app.live_contests (id) on delete restrict,
  check ((exam_id is null) <> (live_contest_id is null)),
  unique (contest_id, position),
  unique (contest_id, exam_id),
  unique (contest_id, live_contest_id)
);
create index contest_rounds_contest_idx on app.contest_rounds (contest_id);
create index contest_rounds_exam_idx on app.contest_rounds (exam_id);

create table app.contest_teams (
  id uuid primary key default gen_random_uuid(),
  contest_id uuid not null references app.contests (id) on delete cascade,
  position int not null check (position >= 1),
  name text not null check (length(name) between 1 and 60),
  -- The org unit the team stands for (its whole subtree is eligible), or null for a hand-made team.
  org_unit_id uuid references app.org_units (id) on delete restrict,
  unique (contest_id, position),
  unique (contest_id, org_unit_id),
  unique (contest_id, name)
);
create index contest_teams_contest_idx on app.contest_teams (contest_id);
create index contest_teams_org_idx on app.contest_teams (org_unit_id);

-- People entered by name: in a hand-made team (team_id) or on their own (team_id null). One row per
-- person and contest, so nobody is in two teams.
create table app.contest_members (
  contest_id uuid not null references app.contests (id) on delete cascade,
  member_id uuid not null references app.members (id) on delete restrict,
  team_id uuid references app.contest_teams (id) on delete cascade,
  primary key (contest_id, member_id)
);
create index contest_members_member_idx on app.contest_members (member_id);
create index contest_members_team_idx on app.contest_members (team_id);

create table app.seasons (
  id uuid primary key default gen_random_uuid(),
  title text not null check (length(title) between 1 and 200),
  owner_org_id uuid not null references app.org_units (id) on delete restrict,
  created_by uuid references app.members (id),
  -- The org-unit level of the unit ranking: each person counts for their nearest unit of this kind.
  unit_kind text not null default 'branch' check (unit_kind in ('branch', 'sub_branch', 'department')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index seasons_owner_idx on app.seasons (owner_org_id);

create table app.season_items (
  id uuid primary key default gen_random_uuid(),
  season_id uuid not null references app.seasons (id) on delete cascade,
  position int not null check (position >= 1),
  exam_id uuid references app.exams (id) on delete restrict,
  contest_id uuid references app.contests (id) on delete restrict,
  weight numeric(6,2) not null check (weight > 0 and weight <= 1000),
  check ((exam_id is null) <> (contest_id is null)),
  unique (season_id, position),
  unique (season_id, exam_id),
  unique (season_id, contest_id)
);
create index season_items_season_idx on app.season_items (season_id);

-- ---------------------------------------------------------------------------------------------
-- Integrity the checks above cannot say

-- A round's exam is a mock contest; a team's unit is a department, sub-branch or branch; a hand-made
-- member row's team is a hand-made team of the same contest.
create function app_private.contest_rounds_check() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if new.exam_id is not null and not exists (select 1 from app.exams e where e.id = new.exam_id and e.kind = 'mock_contest') then
    raise exception 'A contest round must be an exam of kind mock contest (模拟竞赛).' using errcode = '23514';
  end if;
  return new;
end
$$;
create trigger contest_rounds_check before insert or update on app.contest_rounds
  for each row execute function app_private.contest_rounds_check();

create function app_private.contest_teams_check() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if new.org_unit_id is not null and not exists (
      select 1 from app.org_units o where o.id = new.org_unit_id and o.kind in ('department', 'sub_branch', 'branch')) then
    raise exception 'A team can stand for a department, a sub-branch or a branch.' using errcode = '23514';
  end if;
  return new;
end
$$;
create trigger contest_teams_check before insert or update on app.contest_teams
  for each row execute function app_private.contest_teams_check();

create function app_private.contest_members_check() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if new.team_id is not null and not exists (
      select 1 from app.contest_teams t where t.id = new.team_id and t.contest_id = new.contest_id and t.org_unit_id is null) then
    raise exception 'People are listed only in a hand-made team of the same contest.' using errcode = '23514';
  end if;
  return new;
end
$$;
create trigger contest_members_check before insert or update on app.contest_members
  for each row execute function app_private.contest_members_check();

-- Rounds, teams and member lists are written only by the API's definition save, which updates the
-- contest row in the same transaction: that update moves `rev` (the board's ETag) once per save
-- rather than once per row (a branch team brings thousands of people).

-- Status and settings changes are audited with the changed fields only (as exams are:
-- 20261201000200_exam_builder.sql), and the revision moves with them.
create function app_private.contests_before_update() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if new.status is distinct from old.status then
    if old.status = 'draft' and new.status = 'published' then
      new.published_at := coalesce(new.published_at, now());
    elsif new.status = 'closed' then
      new.closed_at := now();
    elsif old.status = 'closed' and new.status = 'published' then
      new.closed_at := null;
    else
      raise exception 'A contest goes from draft to published to closed (and may be reopened); % → % is not allowed.', old.status, new.status
        using errcode = '23514';
    end if;
  end if;
  if new.rev = old.rev then
    new.rev := old.rev + 1;
  end if;
  new.updated_at := now();
  return new;
end
$$;
create trigger contests_before_update before update on app.contests
  for each row execute function app_private.contests_before_update();

create function app_private.contests_audit() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  b jsonb := '{}'::jsonb;
  a jsonb := '{}'::jsonb;
  k text;
  me uuid := app_private.current_member_id();
begin
  foreach k in array array['title', 'status', 'team_method', 'best_n', 'participation_weight', 'awards', 'board_top', 'owner_org_id'] loop
    if (to_jsonb(old) -> k) is distinct from (to_jsonb(new) -> k) then
      b := b || jsonb_build_object(k, to_jsonb(old) -> k);
      a := a || jsonb_build_object(k, to_jsonb(new) -> k);
    end if;
  end loop;
  if a = '{}'::jsonb then
    return null;
  end if;
  insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
  values (me, case when me is null then 'system:service' else 'member' end,
          case when (a ? 'status') then 'contest.' || (new.status) else 'contest.settings' end,
          'contest', new.id::text, b, a, nullif(current_setting('app.audit_reason', true), ''));
  return null;
end
$$;
create trigger contests_audit after update on app.contests
  for each row execute function app_private.contests_audit();

-- ---------------------------------------------------------------------------------------------
-- Helpers (PL/pgSQL for cached plans; see 20261122000100_foundation.sql)

-- Trainers/admins whose subtree holds the owning unit edit a contest.
create function app_private.edits_contest(contest uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return (app_private.has_role('trainer') or app_private.has_role('admin'))
     and coalesce((select app_private.in_scope(c.owner_org_id) from app.contests c where c.id = contest), false);
end
$$;

-- Trainers, HR and admins whose subtree holds the owning unit read a contest (drafts included).
create function app_private.manages_contest(contest uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return coalesce((select app_private.can_manage_org(c.owner_org_id) from app.contests c where c.id = contest), false);
end
$$;

-- I am eligible in a contest: entered by name (alone or in a hand-made team), or my unit lies in
-- the subtree of one of its org-unit teams. Drafts count too; the policies add the status.
create function app_private.takes_part_in_contest(contest uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_member uuid := app_private.current_member_id();
begin
  if v_member is null then
    return false;
  end if;
  return exists (select 1 from app.contest_members cm where cm.contest_id = contest and cm.member_id = v_member)
    or exists (
      select 1 from app.contest_teams t
      join app.org_units tu on tu.id = t.org_unit_id
      join app.members m on m.id = v_member
      join app.org_units own on own.id = m.org_unit_id
      where t.contest_id = contest and own.path like tu.path || '%');
end
$$;

-- What a reader of the contest may see: its managers always, participants once it is published.
create function app_private.sees_contest(contest uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return app_private.manages_contest(contest)
      or (exists (select 1 from app.contests c where c.id = contest and c.status <> 'draft')
          and app_private.takes_part_in_contest(contest));
end
$$;

-- Participants lie inside the owning unit's subtree: the contest's managers read everyone's results
-- and employee numbers through the functions below, so a team or a listed person from elsewhere
-- would show them people they do not manage (reading follows the person:
-- docs/decisions/scope-and-key-release.md).
create function app_private.unit_in_contest_owner(contest uuid, unit uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return exists (select 1 from app.contests c join app.org_units o on o.id = c.owner_org_id join app.org_units u on u.id = unit
                 where c.id = contest and u.path like o.path || '%');
end
$$;

create function app_private.member_in_contest_owner(contest uuid, member uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return app_private.unit_in_contest_owner(contest, (select m.org_unit_id from app.members m where m.id = member));
end
$$;

create function app_private.manages_season(season uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return coalesce((select app_private.can_manage_org(s.owner_org_id) from app.seasons s where s.id = season), false);
end
$$;

create function app_private.edits_season(season uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return (app_private.has_role('trainer') or app_private.has_role('admin'))
     and coalesce((select app_private.in_scope(s.owner_org_id) from app.seasons s where s.id = season), false);
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Reading results for rankings.
--
-- The eligible people of a contest, each once, with the team they count for (hand-made membership
-- wins over an org-unit team; among nested org-unit teams, the nearest unit). Security definer: a
-- participant's board ranks people they cannot otherwise see; the caller must see the contest.
-- Employee numbers are for the contest's managers (full ranking, export): a participant gets only
-- their own, as the board never shows them.
create function app.contest_eligible(p_contest uuid)
returns table (member_id uuid, employee_no text, name text, org_unit_id uuid, org_name text, team_id uuid)
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_manages boolean;
  v_me uuid := app_private.current_member_id();
begin
  if not app_private.sees_contest(p_contest) then
    raise exception 'You cannot see this contest.' using errcode = '42501';
  end if;
  v_manages := app_private.manages_contest(p_contest);
  return query
    select distinct on (x.mid) x.mid, case when v_manages or x.mid = v_me then m.employee_no end, m.name, m.org_unit_id, o.name, x.tid
    from (
      select cm.member_id as mid, cm.team_id as tid, 0 as pref, 0 as depth
      from app.contest_members cm where cm.contest_id = p_contest
      union all
      select m2.id, t.id, 1, length(tu.path)
      from app.contest_teams t
      join app.org_units tu on tu.id = t.org_unit_id
      join app.org_units ou on ou.path like tu.path || '%'
      join app.members m2 on m2.org_unit_id = ou.id and m2.active
      where t.contest_id = p_contest
    ) x
    join app.members m on m.id = x.mid
    join app.org_units o on o.id = m.org_unit_id
    where m.active
    order by x.mid, x.pref, x.depth desc;
end
$$;

-- Everything a ranking reads in one pass: every eligible person (as app.contest_eligible) with
-- each of their finished attempts at the contest's exam rounds (score, max, start, finish; the exam's
-- grading method), one row per attempt, or one row with null attempt columns for someone who has
-- none. One call, so the eligible set is resolved once (bench/rankings.ts).
create function app.contest_standing_rows(p_contest uuid)
returns table (member_id uuid, employee_no text, name text, org_name text, team_id uuid, round_id uuid, grading_method text,
               state text, started_at timestamptz, finished_at timestamptz, score numeric, max_score numeric)
language plpgsql stable security definer
set search_path = ''
as $$
begin
  if not app_private.sees_contest(p_contest) then
    raise exception 'You cannot see this contest.' using errcode = '42501';
  end if;
  return query
    select el.member_id, el.employee_no, el.name, el.org_name, el.team_id,
           x.round_id, x.grading_method, x.state, x.started_at, x.finished_at, x.score, x.max_score
    from app.contest_eligible(p_contest) el
    left join (
      select a.member_id, r.id as round_id, e.grading_method, a.state, a.started_at, a.finished_at, a.score, a.max_score
      from app.contest_rounds r
      join app.exams e on e.id = r.exam_id
      join app.attempts a on a.exam_id = r.exam_id
      where r.contest_id = p_contest and a.state in ('submitted', 'auto_submitted')
    ) x on x.member_id = el.member_id;
end
$$;

-- A short text that changes whenever anything a contest's ranking depends on changes: the contest
-- (settings, rounds, participants: rev), an attempt at one of its exams starting, finishing or
-- being graded, a live round's event log, or the roster (people moving unit). The board's ETag:
-- one indexed read per poll, and rankings are computed only when it moves.
create function app.contest_version(p_contest uuid) returns text
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v text;
begin
  if not app_private.sees_contest(p_contest) then
    raise exception 'You cannot see this contest.' using errcode = '42501';
  end if;
  select c.rev || '.' || c.status
      || '.' || coalesce((select count(*) || '.' || coalesce(extract(epoch from max(greatest(a.started_at, a.finished_at, a.graded_at)))::text, '')
                          from app.contest_rounds r join app.attempts a on a.exam_id = r.exam_id
                          where r.contest_id = c.id), '')
      || '.' || coalesce((select sum(l.version)::text from app.contest_rounds r join app.live_contests l on l.id = r.live_contest_id
                          where r.contest_id = c.id), '')
      || '.' || coalesce((select extract(epoch from max(m.updated_at))::text from app.members m), '')
    into v
  from app.contests c where c.id = p_contest;
  return v;
end
$$;

revoke all on all functions in schema app_private from public;
grant execute on all functions in schema app_private to authenticated, service_role;
revoke all on function app.contest_eligible(uuid), app.contest_standing_rows(uuid), app.contest_version(uuid) from public;
grant execute on function app.contest_eligible(uuid), app.contest_standing_rows(uuid), app.contest_version(uuid) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Row level security
alter table app.contests enable row level security;
alter table app.contest_rounds enable row level security;
alter table app.contest_teams enable row level security;
alter table app.contest_members enable row level security;
alter table app.seasons enable row level security;
alter table app.season_items enable row level security;

grant select, insert, delete on app.contests to authenticated;
grant update (title, description, owner_org_id, status, team_method, best_n, participation_weight, awards, board_top) on app.contests to authenticated;
grant select, insert, update, delete on app.contest_rounds, app.contest_teams, app.contest_members to authenticated;
grant select, insert, delete on app.seasons to authenticated;
grant update (title, unit_kind, updated_at) on app.seasons to authenticated;
grant select, insert, update, delete on app.season_items to authenticated;
grant all on app.contests, app.contest_rounds, app.contest_teams, app.contest_members, app.seasons, app.season_items to service_role;

-- contests: managers in scope read (drafts too), participants read once published; trainers/admins
-- in scope create (in their own name), edit, and delete drafts.
create policy contests_select on app.contests for select to authenticated
  using ((select app_private.can_manage_org(owner_org_id))
         or (status <> 'draft' and (select app_private.takes_part_in_contest(id))));
create policy contests_insert on app.contests for insert to authenticated
  with check (((select app_private.has_role('trainer')) or (select app_private.has_role('admin')))
              and (select app_private.in_scope(owner_org_id))
              and created_by = (select app_private.current_member_id()));
-- The check names the new owner itself: a contest cannot be moved out of the editor's subtree.
create policy contests_update on app.contests for update to authenticated
  using ((select app_private.edits_contest(id)))
  with check (((select app_private.has_role('trainer')) or (select app_private.has_role('admin')))
              and (select app_private.in_scope(owner_org_id)));
create policy contests_delete on app.contests for delete to authenticated
  using (status = 'draft' and (select app_private.edits_contest(id)));

-- Rounds and teams: whoever sees the contest reads them; its editors write them. A round is an
-- exam the editor manages or a live contest they host: the ranking reads its attempts through the
-- security-definer functions above, and publishing offers it to the participants.
create policy contest_rounds_select on app.contest_rounds for select to authenticated
  using ((select app_private.sees_contest(contest_id)));
create policy contest_rounds_write on app.contest_rounds for all to authenticated
  using ((select app_private.edits_contest(contest_id)))
  with check ((select app_private.edits_contest(contest_id))
              and (exam_id is null or (select app_private.manages_exam(exam_id)))
              and (live_contest_id is null or (select app_private.hosts_live_contest(live_contest_id))));
create policy contest_teams_select on app.contest_teams for select to authenticated
  using ((select app_private.sees_contest(contest_id)));
-- An org-unit team must be a unit in the editor's subtree and inside the owning unit's.
create policy contest_teams_write on app.contest_teams for all to authenticated
  using ((select app_private.edits_contest(contest_id)))
  with check ((select app_private.edits_contest(contest_id))
              and (org_unit_id is null or ((select app_private.in_scope(org_unit_id))
                                           and (select app_private.unit_in_contest_owner(contest_id, org_unit_id)))));

-- Member lists: the contest's managers read them; a participant reads only their own row. Editors
-- enter only people they may see (their subtree) who belong to the owning unit's subtree.
create policy contest_members_select on app.contest_members for select to authenticated
  using (member_id = (select app_private.current_member_id()) or (select app_private.manages_contest(contest_id)));
create policy contest_members_write on app.contest_members for all to authenticated
  using ((select app_private.edits_contest(contest_id)))
  with check ((select app_private.edits_contest(contest_id)) and (select app_private.can_see_member(member_id))
              and (select app_private.member_in_contest_owner(contest_id, member_id)));

-- Seasons: managers in scope read; trainers/admins in scope write.
create policy seasons_select on app.seasons for select to authenticated
  using ((select app_private.can_manage_org(owner_org_id)));
create policy seasons_insert on app.seasons for insert to authenticated
  with check (((select app_private.has_role('trainer')) or (select app_private.has_role('admin')))
              and (select app_private.in_scope(owner_org_id))
              and created_by = (select app_private.current_member_id()));
create policy seasons_update on app.seasons for update to authenticated
  using ((select app_private.edits_season(id)))
  with check (((select app_private.has_role('trainer')) or (select app_private.has_role('admin')))
              and (select app_private.in_scope(owner_org_id)));
create policy seasons_delete on app.seasons for delete to authenticated
  using ((select app_private.edits_season(id)));
create policy season_items_select on app.season_items for select to authenticated
  using ((select app_private.manages_season(season_id)));
-- A contest item is one the editor manages: a season reads the contest's whole ranking (security
-- definer), which a mere participant may not.
create policy season_items_write on app.season_items for all to authenticated
  using ((select app_private.edits_season(season_id)))
  with check ((select app_private.edits_season(season_id))
              and (contest_id is null or (select app_private.manages_contest(contest_id))));
