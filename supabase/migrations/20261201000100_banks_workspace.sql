-- The trainer's bank workspace (issue 9; docs/decisions/question-banks.md).
--
--   * app.banks: trainers of a subtree create, rename, describe and open/close their banks. Creation
--     and renaming are audited here; visibility changes already are (20261130000400).
--   * app.questions gains what a bank editor needs: tags, the normalised-stem key used for duplicate
--     detection (computed by src/interop normaliseStem, never in SQL, so one rule decides), an
--     updated_at for paging, and the "needs review" flag that a rule change sets (20261201000150).
--     Status is retired_at (null = active). Changes of bank, retired_at and the review flag are
--     audited by a trigger whatever path makes them.
--   * Every save is a new immutable app.question_versions row + app.question_keys row (both already
--     immutable); attempts keep the version they pinned. A save that returns to an earlier text
--     reuses that version (unique (question_id, content_hash)).
--   * app.imports / app.import_rows: a parsed file, every row's outcome and its normalised draft, so
--     the preview the trainer saw and the commit are the same data (ARCHITECTURE §8b). The commit
--     writes only valid rows, is idempotent (a committed import answers with its stored result) and
--     re-importing the same file changes nothing (per-question content hash).
--   * Writes that create versions go through owner-rights functions (app.save_question,
--     app.commit_import, app.copy_questions, app.move_questions) that check app_private.manages_bank
--     first; tags and retirement are RLS-checked column updates. Keys stay unreadable to
--     `authenticated`: the editor and exports read them through app.questions_with_keys, which
--     checks that the caller manages the bank (or that the bank is open, whose keys are published).

-- ---------------------------------------------------------------------------------------------
-- Banks
alter table app.banks add column description text not null default '' check (length(description) <= 2000);

create function app_private.audit_bank() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_actor uuid := app_private.current_member_id();
begin
  if tg_op = 'UPDATE' and new.name is not distinct from old.name and new.description is not distinct from old.description then
    return new;
  end if;
  new.updated_at := now();
  insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
  values (v_actor, case when v_actor is null then 'system:service' else 'member' end,
          case when tg_op = 'INSERT' then 'bank.create' else 'bank.rename' end, 'bank', new.id,
          case when tg_op = 'UPDATE' then jsonb_build_object('name', old.name, 'description', old.description) end,
          jsonb_build_object('name', new.name, 'description', new.description, 'visibility', new.visibility, 'orgUnitId', new.org_unit_id),
          nullif(current_setting('app.audit_reason', true), ''));
  return new;
end
$$;
create trigger banks_audit_insert before insert on app.banks
  for each row when (not new.read_only) execute function app_private.audit_bank();
create trigger banks_audit_update before update of name, description on app.banks
  for each row execute function app_private.audit_bank();

-- The bank's org unit is fixed once created (moving a bank to another subtree would hand it to
-- other trainers); a trainer cannot turn their bank read-only or back.
create function app_private.banks_fixed_columns() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if current_user <> 'service_role' and (new.org_unit_id is distinct from old.org_unit_id or new.read_only is distinct from old.read_only) then
    raise exception 'A bank''s unit and read-only flag cannot be changed; create a new bank and move the questions.' using errcode = 'P0001';
  end if;
  return new;
end
$$;
create trigger banks_fixed_columns before update of org_unit_id, read_only on app.banks
  for each row execute function app_private.banks_fixed_columns();

-- ---------------------------------------------------------------------------------------------
-- Questions
alter table app.questions
  add column tags text[] not null default '{}' check (cardinality(tags) <= 20),
  add column stem_key text check (length(stem_key) <= 64),
  add column created_by uuid references app.members (id),
  add column updated_at timestamptz not null default now(),
  -- Set by a rule change (20261201000150) when the question cites an amended, superseded or repealed
  -- instrument/article; cleared by a trainer's review (keep / edit / retire). Flagged questions are
  -- not drawn into new papers (functions/_lib/exams.ts loadCandidates).
  add column review_flagged_at timestamptz,
  add column review_reason jsonb;

-- The bank table pages newest first by (updated_at, id) (keyset); the other filters are selective
-- enough to run on the bank's rows.
create index questions_bank_page_idx on app.questions (bank, updated_at desc, id desc);
create index questions_bank_stem_key_idx on app.questions (bank, stem_key) where stem_key is not null;
create index questions_stem_key_idx on app.questions (stem_key) where stem_key is not null;
create index questions_tags_idx on app.questions using gin (tags);
create index questions_review_idx on app.questions (review_flagged_at) where review_flagged_at is not null;
-- Rule changes find the questions citing an instrument through their versions' source.
create index question_versions_source_instrument_idx on app.question_versions ((source ->> 'instrument'));
-- "Times used": how many papers hold a version (paper @> [{vid}]). GIN with fastupdate keeps the
-- start's single insert cheap (entries go to the pending list).
create index attempts_paper_gin_idx on app.attempts using gin (paper jsonb_path_ops);

-- Per-answer feedback (Moodle's per-answer feedback, GIFT's `#`): it tells which option is right,
-- so it lives with the key, never readable by `authenticated`.
alter table app.question_keys add column feedback jsonb;

-- Official questions get their stem key from the content sync; until then they have none.

-- Trainers change tags, retirement, bank (move, checked below) and updated_at by RLS-checked
-- statements on banks they manage (policy questions_update_visibility: using and check
-- manages_bank(bank), so a move needs both banks managed).
grant update (tags, retired_at, bank, updated_at) on app.questions to authenticated;

-- Audits bank moves, retire/restore and review-flag changes, and refuses a move that would publish
-- a key an exam still withholds (a question moving from a closed bank into an open one is opened,
-- the same rule as app_private.audit_visibility).
create function app_private.audit_question_change() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_actor uuid := app_private.current_member_id();
  v_action text;
  v_from_open boolean;
  v_to_open boolean;
begin
  if new.bank is distinct from old.bank then
    select b.visibility = 'open' into v_from_open from app.banks b where b.id = old.bank;
    select b.visibility = 'open' into v_to_open from app.banks b where b.id = new.bank;
    if v_to_open and not coalesce(v_from_open, false) and new.visibility = 'open' and app_private.question_withheld_by_exam(new.id) then
      raise exception 'Question % is on the paper of an exam that is still open or whose review is not released; moving it into an open bank would publish its key. Move it after the exam closes for everyone.', new.id
        using errcode = 'P0001';
    end if;
    v_action := 'question.move';
  elsif new.retired_at is distinct from old.retired_at then
    v_action := case when new.retired_at is null then 'question.restore' else 'question.retire' end;
  elsif new.review_flagged_at is distinct from old.review_flagged_at then
    v_action := case when new.review_flagged_at is null then 'question.review' else 'question.flag' end;
  else
    return new;
  end if;
  insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
  values (v_actor, case when v_actor is null then 'system:service' else 'member' end, v_action, 'question', new.id,
          jsonb_build_object('bank', old.bank, 'retiredAt', old.retired_at, 'reviewFlaggedAt', old.review_flagged_at, 'reviewReason', old.review_reason),
          jsonb_build_object('bank', new.bank, 'retiredAt', new.retired_at, 'reviewFlaggedAt', new.review_flagged_at),
          nullif(current_setting('app.audit_reason', true), ''));
  return new;
end
$$;
create trigger questions_audit_change before update of bank, retired_at, review_flagged_at on app.questions
  for each row
  when (old.bank is distinct from new.bank or old.retired_at is distinct from new.retired_at
        or old.review_flagged_at is distinct from new.review_flagged_at)
  execute function app_private.audit_question_change();

-- ---------------------------------------------------------------------------------------------
-- Writing questions: one set-based routine for the editor's save, an import's commit and copies.
--
-- p_rows: [{row_no, question_id?, d, hash, stem_key, tags}] where d is the stored version
-- {type, topic, difficulty, stem, options, blankCount, source, key, explanation, feedback}, already
-- validated and sanitised by the API (src/interop validateDraft, functions/_lib/banks). Per row:
--   target = question_id when it is a question of this bank, else (p_match_stem) the bank's question
--            with the same normalised stem, else a new question;
--   same   = the target's current version has this content hash and tags (nothing written);
--   update = a new version (or an earlier one with this hash again) becomes current;
--   add    = a new question with version 1;
--   skip   = a second row of the batch resolving to a question an earlier row already writes.
-- Returns [{rowNo, questionId, outcome, versionId}] in row order.
--
-- It checks nothing itself (its callers do), so it lives in a schema of its own that `authenticated`
-- has no USAGE on: migrations that `grant execute on all functions in schema app_private` (several
-- do, after this one) cannot expose it. Only the owner-rights functions below call it.
create schema if not exists app_internal;
revoke all on schema app_internal from public;
create function app_internal.stage_rows(p_rows jsonb) returns void
language plpgsql security definer
set search_path = ''
as $$
begin
  drop table if exists pg_temp.xb_write;
  create temp table xb_write on commit drop as
    select r.row_no, r.question_id as wanted_id, r.d, r.hash, r.stem_key, coalesce(r.tags, '{}') as tags,
           null::text as qid, null::uuid as vid, null::text as outcome, false as fresh
    from jsonb_to_recordset(p_rows) as r(row_no int, question_id text, d jsonb, hash text, stem_key text, tags text[]);
end
$$;

-- Writes the rows staged in pg_temp.xb_write (app_internal.stage_rows, or app.commit_import straight
-- from app.import_rows, which saves turning 5,000 drafts into one JSON value and back).
create function app_internal.write_staged(p_bank text, p_match_stem boolean) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_actor uuid := app_private.current_member_id();
  v_out jsonb;
begin
  create index on pg_temp.xb_write (qid);
  analyze pg_temp.xb_write;
  update pg_temp.xb_write w set qid = q.id from app.questions q where q.id = w.wanted_id and q.bank = p_bank;
  if p_match_stem then
    update pg_temp.xb_write w
    set qid = (select q.id from app.questions q where q.bank = p_bank and q.stem_key = w.stem_key
               order by q.retired_at is not null, q.created_at, q.id limit 1)
    where w.qid is null and w.stem_key is not null;
  end if;
  -- One write per question per batch: later rows naming the same question are skipped.
  update pg_temp.xb_write w set outcome = 'skip'
  from (select row_no, row_number() over (partition by qid order by row_no) as n from pg_temp.xb_write where qid is not null) o
  where o.row_no = w.row_no and o.n > 1;
  update pg_temp.xb_write w set outcome = 'same', vid = q.current_version_id
  from app.questions q join app.question_versions v on v.id = q.current_version_id
  where w.outcome is null and q.id = w.qid and v.content_hash = w.hash and q.retired_at is null and q.tags = w.tags;

  update pg_temp.xb_write set qid = 'q-' || replace(gen_random_uuid()::text, '-', ''), outcome = 'add'
  where qid is null and outcome is null;
  update pg_temp.xb_write set outcome = 'update' where outcome is null;

  insert into app.questions (id, bank, topic, tags, stem_key, created_by, visibility)
  select w.qid, p_bank, w.d ->> 'topic', w.tags, w.stem_key, v_actor, 'open'
  from pg_temp.xb_write w where w.outcome = 'add';

  -- An earlier version with the same content comes back instead of a duplicate.
  update pg_temp.xb_write w set vid = v.id
  from app.question_versions v
  where w.outcome = 'update' and v.question_id = w.qid and v.content_hash = w.hash;
  update pg_temp.xb_write set vid = gen_random_uuid(), fresh = true
  where outcome in ('add', 'update') and vid is null;

  insert into app.question_versions (id, question_id, version, content_hash, type, topic, difficulty, stem, options, blank_count, source)
  select w.vid, w.qid,
         coalesce((select max(v.version) from app.question_versions v where v.question_id = w.qid), 0) + 1,
         w.hash, w.d ->> 'type', w.d ->> 'topic', (w.d ->> 'difficulty')::int, w.d ->> 'stem',
         case when jsonb_typeof(w.d -> 'options') = 'array' then w.d -> 'options' end,
         coalesce((w.d ->> 'blankCount')::int, 0), coalesce(w.d -> 'source', '{}'::jsonb)
  from pg_temp.xb_write w where w.fresh;
  insert into app.question_keys (question_version_id, key, explanation, feedback)
  select w.vid, w.d -> 'key', coalesce(w.d ->> 'explanation', ''), nullif(w.d -> 'feedback', 'null'::jsonb)
  from pg_temp.xb_write w where w.fresh;

  update app.questions q
  set current_version_id = w.vid, topic = w.d ->> 'topic', tags = w.tags, stem_key = w.stem_key,
      retired_at = null, updated_at = now()
  from pg_temp.xb_write w
  where w.outcome in ('add', 'update') and q.id = w.qid;

  select coalesce(jsonb_agg(jsonb_build_object('rowNo', w.row_no, 'questionId', w.qid, 'outcome', w.outcome, 'versionId', w.vid)
                            order by w.row_no), '[]'::jsonb)
  into v_out from pg_temp.xb_write w;
  drop table pg_temp.xb_write;
  return v_out;
end
$$;

create function app_internal.write_questions(p_bank text, p_rows jsonb, p_match_stem boolean) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
begin
  perform app_internal.stage_rows(p_rows);
  return app_internal.write_staged(p_bank, p_match_stem);
end
$$;
revoke all on function app_internal.stage_rows(jsonb), app_internal.write_staged(text, boolean),
  app_internal.write_questions(text, jsonb, boolean) from public;

-- The editor's save: p_question null = a new question. Refused unless the caller manages the bank
-- (and the question, when named, is in it). p_resolve_review clears a rule-change flag (the trainer
-- edited the question from the review list: "edit" is one of the three review outcomes).
create function app.save_question(p_bank text, p_question text, p_row jsonb, p_resolve_review boolean) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_actor uuid := app_private.current_member_id();
  v_before uuid;
  v_out jsonb;
begin
  if not app_private.manages_bank(p_bank) then
    raise exception 'You do not manage this bank.' using errcode = '42501';
  end if;
  if p_question is not null then
    select q.current_version_id into v_before from app.questions q where q.id = p_question and q.bank = p_bank for update;
    if not found then
      raise exception 'There is no question % in this bank.', p_question using errcode = 'P0002';
    end if;
  end if;
  v_out := app_internal.write_questions(p_bank, jsonb_build_array(p_row || jsonb_build_object('row_no', 1, 'question_id', p_question)), false) -> 0;
  if p_resolve_review then
    perform set_config('app.audit_reason', 'review: edited', true);
    update app.questions set review_flagged_at = null, review_reason = null
    where id = v_out ->> 'questionId' and review_flagged_at is not null;
  end if;
  if v_out ->> 'outcome' <> 'same' then
    insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
    values (v_actor, 'member', case when p_question is null then 'question.create' else 'question.save' end, 'question', v_out ->> 'questionId',
            case when v_before is not null then jsonb_build_object('versionId', v_before) end,
            jsonb_build_object('versionId', v_out ->> 'versionId', 'bank', p_bank),
            nullif(current_setting('app.audit_reason', true), ''));
  end if;
  return v_out;
end
$$;

-- Questions with their keys, for the trainer's editor, version history and exports. Only banks the
-- caller manages, or open banks (their keys are published for study anyway), and only for trainers
-- and admins. p_all_versions: every version (history) instead of the current one.
create function app.questions_with_keys(p_ids text[], p_all_versions boolean) returns table (
  question_id text, bank text, version_id uuid, version int, is_current boolean, content_hash text,
  type text, topic text, difficulty int, stem text, options jsonb, blank_count int, source jsonb,
  key jsonb, explanation text, feedback jsonb, tags jsonb, retired_at timestamptz,
  review_flagged_at timestamptz, review_reason jsonb, created_at timestamptz)
language plpgsql stable security definer
set search_path = ''
as $$
begin
  if not (app_private.has_role('trainer') or app_private.has_role('admin')) then
    raise exception 'Only trainers and administrators can read answer keys here.' using errcode = '42501';
  end if;
  return query
    select q.id, q.bank, v.id, v.version, v.id = q.current_version_id, v.content_hash,
           v.type, v.topic, v.difficulty, v.stem, v.options, v.blank_count, v.source,
           k.key, k.explanation, k.feedback, to_jsonb(q.tags), q.retired_at, q.review_flagged_at, q.review_reason, v.created_at
    from app.questions q
    join app.banks b on b.id = q.bank
    join app.question_versions v on (p_all_versions and v.question_id = q.id) or (not p_all_versions and v.id = q.current_version_id)
    join app.question_keys k on k.question_version_id = v.id
    where q.id = any (p_ids)
      and (b.visibility = 'open' or app_private.manages_bank(b.id))
    order by array_position(p_ids, q.id), v.version desc;
end
$$;

-- Copies questions (the official bank's or another bank the caller may read keys of) into a bank the
-- caller manages, as new questions with the same content. A question already copied there (same
-- normalised stem and content) is not copied again.
create function app.copy_questions(p_ids text[], p_target text) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_rows jsonb;
  v_out jsonb;
begin
  if not app_private.manages_bank(p_target) then
    raise exception 'You do not manage the bank you are copying into.' using errcode = '42501';
  end if;
  select coalesce(jsonb_agg(jsonb_build_object(
           'row_no', x.n, 'question_id', null, 'hash', x.content_hash, 'stem_key', x.stem_key, 'tags', x.tags,
           'd', jsonb_build_object('type', x.type, 'topic', x.topic, 'difficulty', x.difficulty, 'stem', x.stem,
                                   'options', x.options, 'blankCount', x.blank_count, 'source', x.source,
                                   'key', x.key, 'explanation', x.explanation, 'feedback', x.feedback))
           order by x.n), '[]'::jsonb)
  into v_rows
  from (select w.*, q.stem_key, row_number() over () as n
        from app.questions_with_keys(p_ids, false) w join app.questions q on q.id = w.question_id
        where w.bank <> p_target) x;
  if jsonb_array_length(v_rows) <> coalesce(cardinality(p_ids), 0) then
    raise exception 'Some of these questions cannot be copied: they are in the target bank already, or in a closed bank you do not manage.' using errcode = 'P0001';
  end if;
  v_out := app_internal.write_questions(p_target, v_rows, true);
  insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, after)
  values (app_private.current_member_id(), 'member', 'bank.copy', 'bank', p_target,
          jsonb_build_object('from', to_jsonb(p_ids), 'result', v_out));
  return v_out;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Imports: parse → preview → commit (ARCHITECTURE §8b).
create table app.imports (
  id uuid primary key default gen_random_uuid(),
  bank_id text not null references app.banks (id),
  created_by uuid not null references app.members (id),
  file_name text not null check (length(file_name) between 1 and 255),
  format text not null check (format in ('xlsx', 'csv', 'gift', 'moodle-xml', 'aiken')),
  file_hash text not null check (length(file_hash) <= 64),
  row_count int not null check (row_count >= 0),
  valid_count int not null check (valid_count >= 0),
  problem_count int not null check (problem_count >= 0),
  -- Notes about the whole file (an unknown column ignored, the encoding a CSV was read in).
  file_warnings jsonb not null default '[]',
  status text not null default 'previewed' check (status in ('previewed', 'committed')),
  result jsonb,
  created_at timestamptz not null default now(),
  committed_at timestamptz
);
create index imports_bank_idx on app.imports (bank_id, created_at desc);
create index imports_created_by_idx on app.imports (created_by);

-- One row per question in the file, in file order. outcome is the preview's: add / update / same
-- (will change nothing) / problem (not imported). draft is the normalised stored version (with its
-- key: rows are readable only by the trainer who uploaded them).
create table app.import_rows (
  import_id uuid not null references app.imports (id) on delete cascade,
  row_no int not null check (row_no >= 1),
  outcome text not null check (outcome in ('add', 'update', 'same', 'problem')),
  question_id text,
  duplicate_of text,
  draft jsonb,
  content_hash text,
  stem_key text,
  tags text[] not null default '{}',
  problems jsonb not null default '[]',
  normalisations jsonb not null default '[]',
  warnings jsonb not null default '[]',
  primary key (import_id, row_no),
  check ((outcome = 'problem') = (draft is null))
);

alter table app.imports enable row level security;
alter table app.import_rows enable row level security;
grant select, insert on app.imports to authenticated;
grant select, insert on app.import_rows to authenticated;
grant all on app.imports, app.import_rows to service_role;

-- An import is the uploader's, for a bank they manage; status changes only through app.commit_import.
create policy imports_select on app.imports for select to authenticated
  using (created_by = (select app_private.current_member_id()) and (select app_private.manages_bank(bank_id)));
create policy imports_insert on app.imports for insert to authenticated
  with check (created_by = (select app_private.current_member_id()) and status = 'previewed' and result is null
              and (select app_private.manages_bank(bank_id)));
-- Rows follow their import (its policy above). Written as an uncorrelated IN: PostgreSQL evaluates
-- the imports the caller may see once per statement (a hashed subplan), not once per row — a
-- 5,000-row preview would otherwise run the bank check 5,000 times.
create policy import_rows_select on app.import_rows for select to authenticated
  using (import_id in (select i.id from app.imports i));
create policy import_rows_insert on app.import_rows for insert to authenticated
  with check (import_id in (select i.id from app.imports i where i.status = 'previewed'));

-- Commits the valid rows of a previewed import, exactly as stored. Idempotent: a committed import
-- returns its stored result and writes nothing.
create function app.commit_import(p_import uuid) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_import app.imports;
  v_written jsonb;
  v_result jsonb;
begin
  select * into v_import from app.imports i where i.id = p_import for update;
  if not found or v_import.created_by is distinct from app_private.current_member_id() or not app_private.manages_bank(v_import.bank_id) then
    raise exception 'There is no import with this id for you.' using errcode = 'P0002';
  end if;
  if v_import.status = 'committed' then
    return v_import.result || jsonb_build_object('alreadyCommitted', true);
  end if;
  drop table if exists pg_temp.xb_write;
  create temp table xb_write on commit drop as
    select r.row_no, r.question_id as wanted_id, r.draft as d, r.content_hash as hash, r.stem_key, r.tags,
           null::text as qid, null::uuid as vid, null::text as outcome, false as fresh
    from app.import_rows r where r.import_id = p_import and r.outcome <> 'problem';
  v_written := app_internal.write_staged(v_import.bank_id, true);
  select jsonb_build_object(
           'added', count(*) filter (where x ->> 'outcome' = 'add'),
           'updated', count(*) filter (where x ->> 'outcome' = 'update'),
           'unchanged', count(*) filter (where x ->> 'outcome' in ('same', 'skip')),
           'skippedProblems', v_import.problem_count)
  into v_result from jsonb_array_elements(v_written) x;
  update app.imports set status = 'committed', result = v_result, committed_at = now() where id = p_import;
  insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, after)
  values (v_import.created_by, 'member', 'bank.import', 'import', p_import::text,
          v_result || jsonb_build_object('bank', v_import.bank_id, 'file', v_import.file_name, 'fileHash', v_import.file_hash));
  return v_result;
end
$$;

-- Moves questions between two banks the caller manages (the RLS policy checks both; the audit
-- trigger refuses to publish a withheld key).
create function app.move_questions(p_ids text[], p_target text) returns int
language plpgsql security definer
set search_path = ''
as $$
declare
  v_n int;
begin
  if not app_private.manages_bank(p_target) then
    raise exception 'You do not manage the bank you are moving into.' using errcode = '42501';
  end if;
  if exists (select 1 from app.questions q where q.id = any (p_ids) and not app_private.manages_bank(q.bank)) then
    raise exception 'Some of these questions are in a bank you do not manage.' using errcode = '42501';
  end if;
  update app.questions set bank = p_target, updated_at = now() where id = any (p_ids) and bank <> p_target;
  get diagnostics v_n = row_count;
  return v_n;
end
$$;

-- How many papers (attempts) hold any version of each question, and its facility: the mean
-- mark / points over finished attempts whose slot has a mark (the bank table's columns; the
-- per-exam statistics page has the rest). Only for the page of ids asked, so the @> probe on
-- attempts_paper_idx stays cheap however many attempts exist.
create function app.question_times_used(p_ids text[]) returns table (question_id text, times_used bigint, facility numeric)
language sql stable security definer
set search_path = ''
as $$
  select v.question_id, count(a.id),
         round(avg(case when a.state <> 'in_progress' and r.mark is not null and p.points > 0
                        then r.mark / p.points end), 4)
  from app.question_versions v
  left join app.attempts a on a.paper @> jsonb_build_array(jsonb_build_object('vid', v.id::text))
  left join lateral (
    select (e->>'slot')::int as slot, (e->>'points')::numeric as points
    from jsonb_array_elements(a.paper) e where e->>'vid' = v.id::text limit 1) p on true
  left join app.attempt_responses r on r.attempt_id = a.id and r.slot = p.slot
  where v.question_id = any (p_ids)
    and (app_private.has_role('trainer') or app_private.has_role('admin'))
  group by v.question_id
$$;

revoke all on function app.save_question(text, text, jsonb, boolean) from public;
revoke all on function app.questions_with_keys(text[], boolean) from public;
revoke all on function app.copy_questions(text[], text) from public;
revoke all on function app.commit_import(uuid) from public;
revoke all on function app.move_questions(text[], text) from public;
revoke all on function app.question_times_used(text[]) from public;
grant execute on function app.save_question(text, text, jsonb, boolean), app.questions_with_keys(text[], boolean),
  app.copy_questions(text[], text), app.commit_import(uuid), app.move_questions(text[], text),
  app.question_times_used(text[]) to authenticated, service_role;
revoke all on function app_private.audit_bank(), app_private.banks_fixed_columns(), app_private.audit_question_change() from public;
