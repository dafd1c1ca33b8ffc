-- Published content: the regulation register, lessons, the question bank with immutable versions,
-- and per-member reading progress. Content is synced from content/ by the service role on start
-- and deploy (src/server/content-sync.ts): unchanged → nothing; changed → a new question version;
-- removed → retired (never deleted, attempts keep pointing at their versions).

create table app.instruments (
  id text primary key check (id ~ '^[a-z0-9-]{2,80}$'),
  title text not null,
  short_title text not null,
  gloss text not null,
  status text not null,
  has_full_text boolean not null,
  content_hash text not null,
  retired_at timestamptz,
  updated_at timestamptz not null default now()
);

create table app.lessons (
  id text primary key check (id ~ '^[a-z0-9-]{2,80}$'),
  title text not null,
  module text not null,
  sort_order int not null,
  content_hash text not null,
  retired_at timestamptz,
  updated_at timestamptz not null default now()
);

create table app.questions (
  id text primary key check (id ~ '^[a-z0-9-]{2,80}$'),
  bank text not null default 'official',
  topic text not null,
  current_version_id uuid,
  retired_at timestamptz,
  created_at timestamptz not null default now()
);
create index questions_topic_idx on app.questions (topic) where retired_at is null;

-- The bank's revision: bumped by every statement that changes app.questions (new current version,
-- retirement, a new question), so a function instance can keep the current versions in memory and
-- know with one tiny read when to load them again (functions/_lib/exams.ts#bankCandidates).
create table app.bank_revision (
  id boolean primary key default true check (id),
  rev bigint not null default 0
);
insert into app.bank_revision default values;

create function app_private.bump_bank_revision() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  update app.bank_revision set rev = rev + 1;
  return null;
end
$$;
create trigger questions_bump_revision after insert or update or delete or truncate on app.questions
  for each statement execute function app_private.bump_bank_revision();

-- The part of a question a taker may see. Immutable: a change creates a new row.
create table app.question_versions (
  id uuid primary key default gen_random_uuid(),
  question_id text not null references app.questions (id),
  version int not null check (version >= 1),
  content_hash text not null,
  type text not null check (type in ('single', 'multiple', 'truefalse', 'fill', 'short')),
  topic text not null,
  difficulty int not null check (difficulty between 1 and 5),
  stem text not null,
  options jsonb,                 -- [{id, text}] for single/multiple
  blank_count int not null default 0,
  source jsonb not null,         -- citation {instrument, article} | {lesson, anchor}
  created_at timestamptz not null default now(),
  unique (question_id, version),
  unique (question_id, content_hash)
);
alter table app.questions add constraint questions_current_version_fk
  foreign key (current_version_id) references app.question_versions (id);

-- The secret part: answer key, explanation, model answer. Never granted to `authenticated`; only the
-- service role (grading, feedback after an answer is final) reads it.
create table app.question_keys (
  question_version_id uuid primary key references app.question_versions (id),
  key jsonb not null,            -- {answer} | {blanks, orderInsensitive} | {modelAnswer, rubric}
  explanation text not null
);

create function app_private.question_versions_immutable() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'question versions are immutable; create a new version instead' using errcode = 'insufficient_privilege';
end
$$;
create trigger question_versions_immutable before update or delete on app.question_versions
  for each row execute function app_private.question_versions_immutable();
create trigger question_keys_immutable before update or delete on app.question_keys
  for each row execute function app_private.question_versions_immutable();

create table app.lesson_progress (
  member_id uuid not null references app.members (id),
  lesson_id text not null references app.lessons (id),
  read_at timestamptz not null default now(),
  how text not null check (how in ('explicit', 'reached_end')),
  primary key (member_id, lesson_id)
);

alter table app.instruments enable row level security;
alter table app.lessons enable row level security;
alter table app.questions enable row level security;
alter table app.question_versions enable row level security;
alter table app.question_keys enable row level security;
alter table app.lesson_progress enable row level security;
alter table app.bank_revision enable row level security;

grant select on app.instruments, app.lessons, app.questions, app.question_versions to authenticated;
grant select, insert, update on app.lesson_progress to authenticated;
grant all on app.instruments, app.lessons, app.questions, app.question_versions, app.question_keys, app.lesson_progress to service_role;
grant select on app.bank_revision to authenticated;
grant all on app.bank_revision to service_role;
-- No grant on app.question_keys to authenticated, on purpose.

-- Published content is readable by every signed-in member.
create policy instruments_select on app.instruments for select to authenticated using (true);
create policy lessons_select on app.lessons for select to authenticated using (true);
create policy questions_select on app.questions for select to authenticated using (true);
create policy question_versions_select on app.question_versions for select to authenticated using (true);
create policy bank_revision_select on app.bank_revision for select to authenticated using (true);

-- Reading progress: your own; trainers and HR read their subtree's.
create policy lesson_progress_select on app.lesson_progress for select to authenticated
  using (member_id = (select app_private.current_member_id()) or (
    ((select app_private.has_role('trainer')) or (select app_private.has_role('hr')) or (select app_private.has_role('admin')))
    and exists (select 1 from app.members m where m.id = lesson_progress.member_id and app_private.in_scope(m.org_unit_id))));
create policy lesson_progress_insert on app.lesson_progress for insert to authenticated
  with check (member_id = (select app_private.current_member_id()));
create policy lesson_progress_update on app.lesson_progress for update to authenticated
  using (member_id = (select app_private.current_member_id()))
  with check (member_id = (select app_private.current_member_id()));
