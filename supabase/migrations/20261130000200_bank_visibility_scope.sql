-- Question banks with a visibility, the key-release rule, and one scope rule for administering an
-- exam's papers (issue 8, findings 2, 3 and 7; docs/decisions/scope-and-key-release.md).
--
--   * app.banks: a bank belongs to an org unit and is `open` (published for study: practice, the
--     wrong-answer book and knowledge checks may serve it) or `closed` (exam-only: its keys leave the
--     server only through an exam review, as that exam's policy allows). The official bank
--     (content/questions, synced by src/server/content-sync.ts) is the one read-only open bank;
--     banks trainers create are closed unless they say otherwise. A question may additionally be
--     closed on its own; it is open only when it and its bank are both open.
--   * Key release: "after close" means after the exam has closed for everyone (see
--     app_private.exam_closes_for_everyone_at), or earlier when a trainer releases the review on
--     purpose (exams.review_released_at, audited by a trigger whatever path sets it).
--   * Scope: acting on an exam's papers (grading, regrading, overrides, preparing papers, releasing
--     the review) needs a trainer/admin who manages the exam (its owning unit is in their subtree)
--     and, where a person is concerned, manages the person too; never their own attempt.
--
-- Migrates an existing database forward: every bank name already used by app.questions becomes a
-- bank row (the official one open and read-only; any other, unknown to this code, closed), then the
-- foreign key is added.

-- ---------------------------------------------------------------------------------------------
-- Banks
create table app.banks (
  id text primary key default gen_random_uuid()::text check (id ~ '^[a-z0-9-]{2,80}$'),
  name text not null check (length(name) between 1 and 200),
  -- The unit whose trainers manage the bank; null only for read-only banks (the official bank
  -- belongs to the whole organisation).
  org_unit_id uuid references app.org_units (id) on delete restrict,
  visibility text not null default 'closed' check (visibility in ('open', 'closed')),
  -- Read-only banks are written by the service role only (content sync); trainers copy from them.
  read_only boolean not null default false,
  created_by uuid references app.members (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (org_unit_id is not null or read_only)
);
create index banks_org_unit_idx on app.banks (org_unit_id);

insert into app.banks (id, name, org_unit_id, visibility, read_only)
values ('official', '官方题库 (content/questions)', null, 'open', true);
-- Any other bank name found in existing rows: kept, closed (exam-only) until someone decides.
insert into app.banks (id, name, org_unit_id, visibility, read_only)
select distinct q.bank, q.bank, null::uuid, 'closed', true
from app.questions q
where q.bank <> 'official' and q.bank ~ '^[a-z0-9-]{2,80}$'
on conflict (id) do nothing;

alter table app.questions
  add column visibility text not null default 'open' check (visibility in ('open', 'closed')),
  add constraint questions_bank_fk foreign key (bank) references app.banks (id);
create index questions_bank_idx on app.questions (bank);

alter table app.banks enable row level security;
grant select, insert, update on app.banks to authenticated;
grant all on app.banks to service_role;
-- A question's own visibility is the only column of app.questions a trainer may change here (the
-- bank editor of issue 9 adds the rest); the policy below limits it to banks they manage.
grant update (visibility) on app.questions to authenticated;

-- Open banks are published for study: every signed-in member may see them. Closed banks are seen
-- only by the trainers/admins who manage their unit. Nobody but the service role changes a
-- read-only bank; trainers create and change banks of units in their subtree. No deletes: a bank
-- with questions is retired by its questions, never removed (attempts point at its versions).
create policy banks_select on app.banks for select to authenticated
  using (visibility = 'open'
         or (((select app_private.has_role('trainer')) or (select app_private.has_role('admin')))
             and org_unit_id is not null and (select app_private.in_scope(org_unit_id))));
create policy banks_insert on app.banks for insert to authenticated
  with check (not read_only
              and ((select app_private.has_role('trainer')) or (select app_private.has_role('admin')))
              and org_unit_id is not null and (select app_private.in_scope(org_unit_id)));
create policy banks_update on app.banks for update to authenticated
  using (not read_only
         and ((select app_private.has_role('trainer')) or (select app_private.has_role('admin')))
         and org_unit_id is not null and (select app_private.in_scope(org_unit_id)))
  with check (not read_only
              and ((select app_private.has_role('trainer')) or (select app_private.has_role('admin')))
              and org_unit_id is not null and (select app_private.in_scope(org_unit_id)));

-- A trainer/admin may close or reopen a question of a bank they manage (not of a read-only bank).
create function app_private.manages_bank(bank_id text) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return (app_private.has_role('trainer') or app_private.has_role('admin'))
     and exists (select 1 from app.banks b
                 where b.id = bank_id and not b.read_only and b.org_unit_id is not null
                   and app_private.in_scope(b.org_unit_id));
end
$$;
create policy questions_update_visibility on app.questions for update to authenticated
  using ((select app_private.manages_bank(bank)))
  with check ((select app_private.manages_bank(bank)));

-- ---------------------------------------------------------------------------------------------
-- Key release
alter table app.exams
  add column review_released_at timestamptz,
  add column review_released_by uuid references app.members (id);

-- When the exam has closed for everyone: the latest close among the exam's window and every
-- personal window (an override's close replaces the exam's for that person), and no attempt can
-- still accept an answer (deadline + grace; an attempt started before the close may run into its
-- grace period after it). Null when it never closes: the exam has no close, or an attempt without
-- a deadline is still running. SECURITY DEFINER: a taker cannot see other people's overrides or
-- attempts, but their review depends on them. Reveals only a time.
create function app_private.exam_closes_for_everyone_at(exam uuid) returns timestamptz
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_close timestamptz;
  v_latest timestamptz;
  v_open_ended boolean;
  v_live timestamptz;
begin
  select e.window_close into v_close from app.exams e where e.id = exam;
  if v_close is null then
    return null;
  end if;
  select greatest(v_close, max(o.window_close)) into v_latest from app.exam_overrides o where o.exam_id = exam;
  select coalesce(bool_or(a.deadline is null), false), max(a.deadline + make_interval(secs => a.grace_sec))
    into v_open_ended, v_live
    from app.attempts a where a.exam_id = exam and a.state = 'in_progress';
  if v_open_ended then
    return null;
  end if;
  return greatest(v_latest, v_live);
end
$$;

-- Every change of review_released_at is written to the audit log with before/after, whoever makes
-- it (the API's POST/DELETE /api/exams/:examId/release-review, or any later code path), and
-- review_released_by always names the member who did it (it cannot be set by hand). The API puts
-- its reason in the transaction-local setting app.audit_reason.
create function app_private.exams_audit_review_release() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_actor uuid;
begin
  if tg_op = 'UPDATE' and new.review_released_at is not distinct from old.review_released_at then
    -- Only the release names who released it.
    new.review_released_by := old.review_released_by;
    return new;
  end if;
  if tg_op = 'INSERT' and new.review_released_at is null then
    new.review_released_by := null;
    return new;
  end if;
  v_actor := app_private.current_member_id();
  new.review_released_by := case when new.review_released_at is null then null else v_actor end;
  insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
  values (v_actor, case when v_actor is null then 'system:service' else 'member' end,
          case when new.review_released_at is null then 'exam.review_withdraw' else 'exam.review_release' end,
          'exam', new.id::text,
          case when tg_op = 'UPDATE'
               then jsonb_build_object('reviewReleasedAt', old.review_released_at, 'reviewReleasedBy', old.review_released_by) end,
          jsonb_build_object('reviewReleasedAt', new.review_released_at, 'reviewReleasedBy', new.review_released_by),
          nullif(current_setting('app.audit_reason', true), ''));
  return new;
end
$$;
-- Fires only when the release columns are written, so other exam updates pay nothing.
create trigger exams_audit_review_release_update before update of review_released_at, review_released_by on app.exams
  for each row
  when (old.review_released_at is distinct from new.review_released_at or old.review_released_by is distinct from new.review_released_by)
  execute function app_private.exams_audit_review_release();
create trigger exams_audit_review_release_insert before insert on app.exams
  for each row when (new.review_released_at is not null or new.review_released_by is not null)
  execute function app_private.exams_audit_review_release();

-- ---------------------------------------------------------------------------------------------
-- Scope: who administers an exam's papers. One definition, used by the policies below and by the
-- functions (grading, regrade, overrides, papers, review release) through these helpers.

-- A trainer/admin whose subtree contains the exam's owning unit.
create function app_private.administers_exam(exam uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return (app_private.has_role('trainer') or app_private.has_role('admin'))
     and coalesce((select app_private.in_scope(e.owner_org_id) from app.exams e where e.id = exam), false);
end
$$;

-- ...acting for one person: they must be in the caller's subtree too, and not the caller.
create function app_private.administers_exam_for(exam uuid, member uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return member is distinct from app_private.current_member_id()
     and app_private.administers_exam(exam)
     and exists (select 1 from app.members m where m.id = member and app_private.in_scope(m.org_unit_id));
end
$$;

-- ...acting on one attempt (grade, regrade, see its keys before the exam's release).
create function app_private.administers_attempt(attempt uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return coalesce((select app_private.administers_exam_for(a.exam_id, a.member_id) from app.attempts a where a.id = attempt), false);
end
$$;

revoke all on all functions in schema app_private from public;
grant execute on all functions in schema app_private to authenticated, service_role;

-- Overrides follow the one rule (same meaning as before, now written once).
drop policy exam_overrides_insert on app.exam_overrides;
drop policy exam_overrides_update on app.exam_overrides;
drop policy exam_overrides_delete on app.exam_overrides;
create policy exam_overrides_insert on app.exam_overrides for insert to authenticated
  with check ((select app_private.administers_exam_for(exam_id, member_id)));
create policy exam_overrides_update on app.exam_overrides for update to authenticated
  using ((select app_private.administers_exam_for(exam_id, member_id)))
  with check ((select app_private.administers_exam_for(exam_id, member_id)));
create policy exam_overrides_delete on app.exam_overrides for delete to authenticated
  using ((select app_private.administers_exam_for(exam_id, member_id)));
