-- Live on-site contests (issue 10): a run sheet (teams with members, rounds with questions) and an
-- append-only event log. The state — question, phase, countdown instants, seats, buzz winner,
-- scores — is derived from the log by the pure reducer in src/core/live-contest.ts; no score is
-- stored here. docs/decisions/contests.md (live part) explains the rules.
--
-- Who may do what:
--   * hosts: trainers/admins whose subtree holds the contest's owning unit build the run sheet,
--     drive the contest (host events) and read the whole log;
--   * players: members listed in one of its teams read the contest, their own team membership and
--     their own events, and append player events (join, buzz, answer, stake) in their own name;
--   * nobody changes or deletes an event (trigger, for every role); the per-contest version and the
--     event's sequence number and receive time are set by the database, never by the caller.

-- ---------------------------------------------------------------------------------------------
-- Tables
create table app.live_contests (
  id uuid primary key default gen_random_uuid(),
  title text not null check (length(title) between 1 and 200),
  owner_org_id uuid not null references app.org_units (id) on delete restrict,
  created_by uuid references app.members (id),
  -- Six digits typed on a phone to join; unique among all contests.
  pin text not null unique check (pin ~ '^[0-9]{6}$'),
  -- LiveRules (src/core/live-contest.ts), validated by the function that writes it.
  rules jsonb not null default '{}'::jsonb,
  -- The sequence number of the last event: bumped by the event trigger under this row's lock, so
  -- events of one contest are numbered in commit order without gaps (the state's version / ETag).
  version bigint not null default 0,
  -- Bumped by every change of the run sheet (teams, rounds, questions): part of the ETag.
  setup_rev int not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index live_contests_owner_idx on app.live_contests (owner_org_id);

create table app.live_teams (
  id uuid primary key default gen_random_uuid(),
  contest_id uuid not null references app.live_contests (id) on delete cascade,
  position int not null check (position >= 1),
  name text not null check (length(name) between 1 and 60),
  -- The org unit the team stands for (部门/支行/分行), or null for a hand-made team.
  org_unit_id uuid references app.org_units (id) on delete restrict,
  unique (contest_id, position)
);
create index live_teams_contest_idx on app.live_teams (contest_id);

-- Who may sit in which team: one team per member per contest.
create table app.live_team_members (
  contest_id uuid not null references app.live_contests (id) on delete cascade,
  member_id uuid not null references app.members (id) on delete restrict,
  team_id uuid not null references app.live_teams (id) on delete cascade,
  primary key (contest_id, member_id)
);
create index live_team_members_member_idx on app.live_team_members (member_id);
create index live_team_members_team_idx on app.live_team_members (team_id);

create table app.live_rounds (
  id uuid primary key default gen_random_uuid(),
  contest_id uuid not null references app.live_contests (id) on delete cascade,
  position int not null check (position >= 1),
  kind text not null check (kind in ('required', 'buzz', 'risk', 'all', 'sudden_death')),
  title text not null check (length(title) between 1 and 60),
  countdown_sec int check (countdown_sec between 3 and 600),
  unique (contest_id, position)
);
create index live_rounds_contest_idx on app.live_rounds (contest_id);

create table app.live_round_questions (
  id uuid primary key default gen_random_uuid(),
  contest_id uuid not null references app.live_contests (id) on delete cascade,
  round_id uuid not null references app.live_rounds (id) on delete cascade,
  position int not null check (position >= 1),
  -- A pinned version: editing the question later does not change a contest's question.
  question_version_id uuid not null references app.question_versions (id),
  -- 必答/风险: the team whose turn it is.
  team_id uuid references app.live_teams (id) on delete set null,
  points int check (points between 0 and 1000),
  unique (round_id, position)
);
create index live_round_questions_contest_idx on app.live_round_questions (contest_id);
create index live_round_questions_round_idx on app.live_round_questions (round_id);

create table app.live_events (
  contest_id uuid not null references app.live_contests (id) on delete restrict,
  seq bigint not null,
  kind text not null check (kind in ('next', 'open', 'lock', 'judge', 'reveal', 'pause', 'resume', 'adjust', 'stake', 'undo', 'finish',
                                     'join', 'buzz', 'answer')),
  -- A host action (the only kind an undo can take back) or a player's.
  host boolean not null,
  actor_member_id uuid not null references app.members (id),
  data jsonb not null default '{}'::jsonb,
  -- The server's receive time: the start of the transaction that appended the event.
  received_at timestamptz not null default transaction_timestamp(),
  -- The client's request id: a replayed request finds its event instead of appending another.
  idem_key text check (length(idem_key) between 8 and 80),
  primary key (contest_id, seq),
  unique (contest_id, actor_member_id, idem_key)
);
create index live_events_actor_idx on app.live_events (actor_member_id);

-- ---------------------------------------------------------------------------------------------
-- The event log: numbered under the contest row's lock, stamped by the server, append-only.
create function app_private.live_events_stamp() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v bigint;
begin
  update app.live_contests set version = version + 1 where id = new.contest_id returning version into v;
  if v is null then
    raise exception 'live contest % does not exist', new.contest_id using errcode = '23503';
  end if;
  new.seq := v;
  new.received_at := transaction_timestamp();
  return new;
end
$$;
create trigger live_events_stamp before insert on app.live_events
  for each row execute function app_private.live_events_stamp();

create trigger live_events_append_only before update or delete on app.live_events
  for each row execute function app_private.audit_log_is_append_only();
create trigger live_events_no_truncate before truncate on app.live_events
  for each statement execute function app_private.audit_log_is_append_only();

-- ---------------------------------------------------------------------------------------------
-- Helpers (PL/pgSQL for cached plans; see 20261122000100_foundation.sql)

-- A trainer/admin whose subtree holds the contest's owning unit.
create function app_private.hosts_live_contest(contest uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return (app_private.has_role('trainer') or app_private.has_role('admin'))
     and coalesce((select app_private.in_scope(c.owner_org_id) from app.live_contests c where c.id = contest), false);
end
$$;

-- A member listed in one of the contest's teams.
create function app_private.plays_live_contest(contest uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return exists (select 1 from app.live_team_members t
                 where t.contest_id = contest and t.member_id = app_private.current_member_id());
end
$$;

-- Whether nothing that could change the answer to a player's action has been appended since event
-- `p_seq`: no host action, nothing by the caller, nothing by the caller's team (`p_team`; null for
-- 个人全员答, where team-mates' answers do not bear on one's own). The one-round-trip
-- path for answers and buzzes (functions/_lib/live.ts fastAppend) checks an action against the warm
-- copy at `p_seq` and appends it only if this holds after taking the contest's lock; other players'
-- answers in between do not matter to it. Reveals one bit about the log, to hosts and players only.
create function app_private.live_quiet_since(p_contest uuid, p_seq bigint, p_team uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  if not (app_private.hosts_live_contest(p_contest) or app_private.plays_live_contest(p_contest)) then
    return false;
  end if;
  return not exists (
    select 1 from app.live_events e
    left join app.live_team_members t on t.contest_id = e.contest_id and t.member_id = e.actor_member_id
    where e.contest_id = p_contest and e.seq > p_seq
      and (e.host or e.actor_member_id = app_private.current_member_id() or t.team_id = p_team));
end
$$;

-- Whether a PIN is in use by any contest (a new contest needs a free one; the caller cannot see
-- other units' contests). Reveals one bit about a random six-digit number.
create function app_private.live_pin_taken(p_pin text) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return exists (select 1 from app.live_contests c where c.pin = p_pin);
end
$$;

-- The first statement of every request that appends an event: locks the contest row (so events
-- are checked against the state they will follow, one at a time per contest) and returns the
-- version and the server time the event will carry. Only hosts and players of the contest may
-- take the lock; others get 42501.
create function app.live_begin(p_contest uuid)
returns table (version bigint, setup_rev int, server_now timestamptz)
language plpgsql security definer
set search_path = ''
as $$
begin
  if not (app_private.hosts_live_contest(p_contest) or app_private.plays_live_contest(p_contest)) then
    raise exception 'not a host or player of this live contest' using errcode = '42501';
  end if;
  return query
    select c.version, c.setup_rev, transaction_timestamp() from app.live_contests c where c.id = p_contest for update;
end
$$;

revoke all on all functions in schema app_private from public;
grant execute on all functions in schema app_private to authenticated, service_role;
revoke all on function app.live_begin(uuid) from public;
grant execute on function app.live_begin(uuid) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Row level security
alter table app.live_contests enable row level security;
alter table app.live_teams enable row level security;
alter table app.live_team_members enable row level security;
alter table app.live_rounds enable row level security;
alter table app.live_round_questions enable row level security;
alter table app.live_events enable row level security;

grant select, insert on app.live_contests to authenticated;
grant update (title, rules, setup_rev, updated_at) on app.live_contests to authenticated;
grant select, insert, update, delete on app.live_teams, app.live_team_members, app.live_rounds, app.live_round_questions to authenticated;
grant select on app.live_events to authenticated;
grant insert (contest_id, kind, host, actor_member_id, data, idem_key) on app.live_events to authenticated;
-- The service role reads the run sheet and log to serve the public state; it writes nothing.
grant select on app.live_contests, app.live_teams, app.live_team_members, app.live_rounds, app.live_round_questions, app.live_events to service_role;

-- live_contests: hosts and players see it; hosts create (in their own name) and edit it; no deletes
-- (the log is the contest's record).
create policy live_contests_select on app.live_contests for select to authenticated
  using ((select app_private.hosts_live_contest(id)) or (select app_private.plays_live_contest(id)));
create policy live_contests_insert on app.live_contests for insert to authenticated
  with check (((select app_private.has_role('trainer')) or (select app_private.has_role('admin')))
              and (select app_private.in_scope(owner_org_id))
              and created_by = (select app_private.current_member_id()));
create policy live_contests_update on app.live_contests for update to authenticated
  using ((select app_private.hosts_live_contest(id)))
  with check ((select app_private.hosts_live_contest(id)));

-- Teams: hosts manage them; players see the teams of their contest.
create policy live_teams_select on app.live_teams for select to authenticated
  using ((select app_private.hosts_live_contest(contest_id)) or (select app_private.plays_live_contest(contest_id)));
create policy live_teams_write on app.live_teams for all to authenticated
  using ((select app_private.hosts_live_contest(contest_id)))
  with check ((select app_private.hosts_live_contest(contest_id)));

-- Team members: hosts manage them; a player sees only their own row (not the roster).
create policy live_team_members_select on app.live_team_members for select to authenticated
  using (member_id = (select app_private.current_member_id()) or (select app_private.hosts_live_contest(contest_id)));
create policy live_team_members_write on app.live_team_members for all to authenticated
  using ((select app_private.hosts_live_contest(contest_id)))
  with check ((select app_private.hosts_live_contest(contest_id)));

-- Rounds and questions: hosts only (the run sheet would tell players the questions ahead; they see
-- each question through the public state when the host shows it).
create policy live_rounds_all on app.live_rounds for all to authenticated
  using ((select app_private.hosts_live_contest(contest_id)))
  with check ((select app_private.hosts_live_contest(contest_id)));
create policy live_round_questions_all on app.live_round_questions for all to authenticated
  using ((select app_private.hosts_live_contest(contest_id)))
  with check ((select app_private.hosts_live_contest(contest_id)));

-- Events: hosts read the log; a player reads only their own events (never other people's answers).
-- Hosts append host events, players append player events, each in their own name.
create policy live_events_select on app.live_events for select to authenticated
  using (actor_member_id = (select app_private.current_member_id()) or (select app_private.hosts_live_contest(contest_id)));
create policy live_events_insert on app.live_events for insert to authenticated
  with check (
    actor_member_id = (select app_private.current_member_id())
    and ((host and kind in ('next', 'open', 'lock', 'judge', 'reveal', 'pause', 'resume', 'adjust', 'stake', 'undo', 'finish')
          and (select app_private.hosts_live_contest(contest_id)))
      or (not host and kind in ('join', 'buzz', 'answer', 'stake') and (select app_private.plays_live_contest(contest_id)))));
