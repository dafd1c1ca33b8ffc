-- Rule changes (issue 9, "Rule changes"; docs/decisions/question-banks.md).
--
-- When an instrument, or one article of it, is amended, superseded or repealed, every question and
-- lesson citing it needs a person to look at it again. A rule change is recorded in
-- app.rule_changes, from either path:
--   * content: the content sync writes a new app.instruments.status (amended / superseded /
--     repealed) → the trigger below records a change of the whole instrument;
--   * a trainer's action on the register (POST /api/manage/rule-changes): a whole instrument or
--     one article.
-- Recording it flags, in the same transaction, every active question whose current version cites
-- the instrument (and the article, when one is named) and every lesson whose citations do
-- (app.lessons.cites, written by the content sync). A flagged question is not drawn into new
-- papers (functions/_lib/exams.ts loadCandidates) until a trainer reviews it: keep
-- (app.review_question), edit (app.save_question with p_resolve_review) or retire. Every flag and
-- every review is audited (app_private.audit_question_change, app_private.audit_lesson_review).

create table app.rule_changes (
  id bigint generated always as identity primary key,
  instrument_id text not null references app.instruments (id),
  article int check (article between 1 and 10000),
  change text not null check (change in ('amended', 'superseded', 'repealed')),
  note text not null default '' check (length(note) <= 2000),
  effective_on date,
  origin text not null check (origin in ('content', 'trainer')),
  created_by uuid references app.members (id),
  created_at timestamptz not null default now(),
  flagged_questions int not null default 0,
  flagged_lessons int not null default 0,
  check ((origin = 'trainer') = (created_by is not null))
);
create index rule_changes_instrument_idx on app.rule_changes (instrument_id, created_at desc);

alter table app.lessons
  add column cites jsonb not null default '[]'::jsonb,
  add column review_flagged_at timestamptz,
  add column review_reason jsonb;
create index lessons_review_idx on app.lessons (review_flagged_at) where review_flagged_at is not null;

-- Flags what cites the change and records the counts on the change itself (BEFORE INSERT: the
-- identity is already assigned, the counts are part of the row).
create function app_private.apply_rule_change() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_reason jsonb := jsonb_build_object('ruleChangeId', new.id, 'instrument', new.instrument_id, 'article', new.article,
                                       'change', new.change, 'note', new.note, 'at', now());
begin
  perform set_config('app.audit_reason', 'rule change ' || new.id || ': ' || new.instrument_id
                     || coalesce(' art. ' || new.article, '') || ' ' || new.change, true);
  update app.questions q
  set review_flagged_at = now(), review_reason = v_reason
  from app.question_versions v
  where v.id = q.current_version_id
    and q.retired_at is null
    and v.source ->> 'instrument' = new.instrument_id
    and (new.article is null or (v.source ->> 'article') = new.article::text);
  get diagnostics new.flagged_questions = row_count;

  update app.lessons l
  set review_flagged_at = now(), review_reason = v_reason
  where l.retired_at is null
    and exists (select 1 from jsonb_array_elements(l.cites) c
                where c ->> 'instrument' = new.instrument_id
                  and (new.article is null or c ->> 'article' is null or (c ->> 'article') = new.article::text));
  get diagnostics new.flagged_lessons = row_count;
  perform set_config('app.audit_reason', '', true);

  insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, after, reason)
  values (new.created_by, case when new.created_by is null then 'system:content-sync' else 'member' end,
          'instrument.rule_change', 'instrument', new.instrument_id,
          jsonb_build_object('ruleChangeId', new.id, 'article', new.article, 'change', new.change,
                             'flaggedQuestions', new.flagged_questions, 'flaggedLessons', new.flagged_lessons),
          nullif(new.note, ''));
  return new;
end
$$;
create trigger rule_changes_apply before insert on app.rule_changes
  for each row execute function app_private.apply_rule_change();

create function app_private.rule_changes_append_only() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'rule changes are append-only; record a new change instead' using errcode = 'insufficient_privilege';
end
$$;
create trigger rule_changes_append_only before update or delete on app.rule_changes
  for each row execute function app_private.rule_changes_append_only();

-- The content path: the sync writes a new status for an instrument.
create function app_private.instrument_status_changed() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  insert into app.rule_changes (instrument_id, change, origin, note)
  values (new.id, new.status, 'content', 'status in the register: ' || coalesce(old.status, '') || ' → ' || new.status);
  return null;
end
$$;
create trigger instruments_status_changed after update of status on app.instruments
  for each row
  when (old.status is distinct from new.status and new.status in ('amended', 'superseded', 'repealed'))
  execute function app_private.instrument_status_changed();

-- Lesson reviews: lessons live in content/, so "keep" is the review a trainer records here (an
-- edit happens in the content repository). Audited.
create function app_private.audit_lesson_review() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_actor uuid := app_private.current_member_id();
begin
  insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
  values (v_actor, case when v_actor is null then 'system:service' else 'member' end,
          case when new.review_flagged_at is null then 'lesson.review' else 'lesson.flag' end, 'lesson', new.id,
          jsonb_build_object('reviewFlaggedAt', old.review_flagged_at, 'reviewReason', old.review_reason),
          jsonb_build_object('reviewFlaggedAt', new.review_flagged_at),
          nullif(current_setting('app.audit_reason', true), ''));
  return new;
end
$$;
create trigger lessons_audit_review before update of review_flagged_at on app.lessons
  for each row when (old.review_flagged_at is distinct from new.review_flagged_at)
  execute function app_private.audit_lesson_review();

-- Who reviews a flagged question: a trainer/admin who manages its bank; for the read-only official
-- bank (maintained in content/), an administrator or a trainer whose scope is a whole organisation
-- (a root unit), and only "keep" — editing or retiring an official question is a content change.
create function app_private.reviews_question(p_question text) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_bank text;
  v_read_only boolean;
begin
  select q.bank, b.read_only into v_bank, v_read_only from app.questions q join app.banks b on b.id = q.bank where q.id = p_question;
  if v_bank is null then
    return false;
  end if;
  if not v_read_only then
    return app_private.manages_bank(v_bank);
  end if;
  return app_private.has_role('admin')
      or (app_private.has_role('trainer') and app_private.scope_path() ~ '^/[^/]+/$');
end
$$;

-- The "keep" and "retire" outcomes of a review (the "edit" outcome is app.save_question).
create function app.review_question(p_question text, p_action text, p_note text) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_q app.questions;
  v_read_only boolean;
begin
  if p_action not in ('keep', 'retire') then
    raise exception 'A review is keep, edit or retire.' using errcode = '22023';
  end if;
  select q.* into v_q from app.questions q where q.id = p_question for update;
  if not found or not app_private.reviews_question(p_question) then
    raise exception 'You cannot review this question.' using errcode = '42501';
  end if;
  if v_q.review_flagged_at is null then
    raise exception 'Question % does not need a review (someone reviewed it already).', p_question using errcode = 'P0001';
  end if;
  select b.read_only into v_read_only from app.banks b where b.id = v_q.bank;
  if v_read_only and p_action = 'retire' then
    raise exception 'Official questions are retired by changing content/questions; here you can only keep them.' using errcode = 'P0001';
  end if;
  perform set_config('app.audit_reason', 'review: ' || p_action || coalesce(': ' || nullif(p_note, ''), ''), true);
  update app.questions
  set review_flagged_at = null, review_reason = null,
      retired_at = case when p_action = 'retire' then now() else retired_at end,
      updated_at = now()
  where id = p_question;
  perform set_config('app.audit_reason', '', true);
  return jsonb_build_object('questionId', p_question, 'action', p_action);
end
$$;

create function app.review_lesson(p_lesson text, p_note text) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
begin
  if not (app_private.has_role('trainer') or app_private.has_role('admin')) then
    raise exception 'Only trainers and administrators review lessons.' using errcode = '42501';
  end if;
  perform set_config('app.audit_reason', 'review: keep' || coalesce(': ' || nullif(p_note, ''), ''), true);
  update app.lessons set review_flagged_at = null, review_reason = null where id = p_lesson and review_flagged_at is not null;
  if not found then
    raise exception 'Lesson % does not need a review.', p_lesson using errcode = 'P0001';
  end if;
  perform set_config('app.audit_reason', '', true);
  return jsonb_build_object('lessonId', p_lesson, 'action', 'keep');
end
$$;

alter table app.rule_changes enable row level security;
grant select, insert on app.rule_changes to authenticated;
grant all on app.rule_changes to service_role;
-- Trainers and admins read the register's changes and record changes in their own name.
create policy rule_changes_select on app.rule_changes for select to authenticated
  using ((select app_private.has_role('trainer')) or (select app_private.has_role('admin')));
create policy rule_changes_insert on app.rule_changes for insert to authenticated
  with check (((select app_private.has_role('trainer')) or (select app_private.has_role('admin')))
              and origin = 'trainer' and created_by = (select app_private.current_member_id()));
-- (flagged_questions/flagged_lessons are always set by the trigger, whatever the insert says.)

revoke all on function app_private.apply_rule_change(), app_private.rule_changes_append_only(),
  app_private.instrument_status_changed(), app_private.audit_lesson_review() from public;
revoke all on function app.review_question(text, text, text), app.review_lesson(text, text) from public;
grant execute on function app_private.reviews_question(text) to authenticated, service_role;
grant execute on function app.review_question(text, text, text), app.review_lesson(text, text) to authenticated, service_role;
