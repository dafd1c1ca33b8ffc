-- Variant families and the results scope of branch managers (trainer defects left from issue 9/12):
--
--   1. Content questions may declare `variantOf: <question id>` (docs/content-format.md): an intended
--      restatement of the same fact. variantOf is not part of a question version (changing it makes
--      no new version), so the family is a column of the question, filled by the content sync: every
--      member of a family (variantOf links, transitively) carries the family's smallest question id;
--      a question without variants has null. Paper assembly, the builder's availability counts,
--      practice sessions and live-contest draws treat a family as one item (src/core/assembly.ts).
--      Written only by the service role (the sync): `authenticated` has no update grant on it.
--   2. Results scope: a branch trainer/HR/admin reads the attempts and the audience of the people in
--      their managed subtree for every exam offered to them, however the audience was given (org
--      units, named people, roles within a subtree, per-person overrides), not only org units.

-- ---------------------------------------------------------------------------------------------
-- 1. Variant families.
alter table app.questions add column variant_family text
  check (variant_family is null or variant_family ~ '^[a-z0-9-]{2,80}$');
comment on column app.questions.variant_family is
  'Smallest question id of the variantOf group this question belongs to (content sync); null = no variants. Members never share a paper.';
-- The builder and the bank look a family up by its key (e.g. "which questions restate this one").
create index questions_variant_family_idx on app.questions (variant_family) where variant_family is not null;

-- ---------------------------------------------------------------------------------------------
-- 2. Results scope: "attempts and assignees of people in my managed subtree", whatever the
--    audience form. Before, a branch trainer/HR saw a head-office exam only when it was offered to
--    them personally (exams_select: offered to me, or owned in my subtree), which happens for an
--    org-unit audience containing their own unit but not for named people or a role; and the named
--    and role rows of app.exam_audience were readable by the exam's owners only, so
--    app.exam_audience_of (SECURITY INVOKER) found none of their people. Attempts themselves were
--    always readable (attempts_select: can_see_member).

-- Does the exam reach someone in the subtree I manage (trainer/HR; admins manage everything and
-- already see every exam)? Published or archived exams only: a draft stays with its administrators.
-- Cheap checks first; each branch is an index probe by exam id plus a path prefix test.
create function app_private.exam_reaches_my_scope(exam uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_scope text;
  v_me uuid;
begin
  if not (app_private.has_role('trainer') or app_private.has_role('hr')) then
    return false;
  end if;
  if not exists (select 1 from app.exams e where e.id = exam and e.status <> 'draft') then
    return false;
  end if;
  v_scope := app_private.scope_path();
  v_me := app_private.current_member_id();
  if v_scope is null then
    return false;
  end if;
  -- People other than me: an exam offered to me alone is mine to take (exams_select), not to report on.
  return
    -- Org units: the assigned subtree and mine overlap (either contains the other).
    exists (select 1 from app.exam_assignments a join app.org_units t on t.id = a.org_unit_id
            where a.exam_id = exam and (t.path like v_scope || '%' or v_scope like t.path || '%'))
    -- Named people in my subtree.
    or exists (select 1 from app.exam_audience au join app.members m on m.id = au.member_id
               join app.org_units o on o.id = m.org_unit_id
               where au.exam_id = exam and au.member_id is not null and au.member_id <> v_me and o.path like v_scope || '%')
    -- A role within a subtree, held by someone in my subtree who is in that subtree.
    or exists (select 1 from app.exam_audience au join app.org_units t on t.id = au.org_unit_id
               join app.members m on au.role = any (m.roles) and m.active
               join app.org_units o on o.id = m.org_unit_id
               where au.exam_id = exam and au.role is not null and m.id <> v_me
                 and o.path like t.path || '%' and o.path like v_scope || '%')
    -- Per-person overrides (an own window, extra time) for people in my subtree.
    or exists (select 1 from app.exam_overrides x join app.members m on m.id = x.member_id
               join app.org_units o on o.id = m.org_unit_id
               where x.exam_id = exam and x.member_id <> v_me and o.path like v_scope || '%')
    -- Attempts of people in my subtree (also after the audience changed).
    or exists (select 1 from app.attempts a join app.members m on m.id = a.member_id
               join app.org_units o on o.id = m.org_unit_id
               where a.exam_id = exam and a.member_id <> v_me and o.path like v_scope || '%');
end
$$;

-- A role audience row (role within the subtree of `unit`) that someone in my managed subtree holds.
create function app_private.role_audience_reaches_my_scope(p_role text, unit uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_scope text;
begin
  if not (app_private.has_role('trainer') or app_private.has_role('hr') or app_private.has_role('admin')) then
    return false;
  end if;
  if app_private.has_role('admin') then
    return true;
  end if;
  v_scope := app_private.scope_path();
  return v_scope is not null and exists (
    select 1 from app.org_units t
    join app.members m on p_role = any (m.roles) and m.active
    join app.org_units o on o.id = m.org_unit_id
    where t.id = unit and o.path like t.path || '%' and o.path like v_scope || '%');
end
$$;

revoke all on function app_private.exam_reaches_my_scope(uuid), app_private.role_audience_reaches_my_scope(text, uuid) from public;
grant execute on function app_private.exam_reaches_my_scope(uuid), app_private.role_audience_reaches_my_scope(text, uuid)
  to authenticated, service_role;

-- Managers read the exams that reach their people (title, window, settings: never keys, which stay
-- in app.question_keys; functions/_lib/exam-scope.ts decides what a reader who does not administer
-- the exam sees of a review). Permissive: OR-ed with exams_select and exams_select_attempted.
create policy exams_select_reaches_scope on app.exams for select to authenticated
  using ((select app_private.exam_reaches_my_scope(id)));

-- Managers read the audience rows that concern their people: a named person they manage, or a role
-- held by someone they manage. Writing stays with the exam's managers (exam_audience_insert …).
create policy exam_audience_select_scope on app.exam_audience for select to authenticated
  using ((member_id is not null and (select app_private.can_see_member(member_id)))
         or (role is not null and (select app_private.role_audience_reaches_my_scope(role, org_unit_id))));

-- The lookups above go by exam id through existing indexes (exam_assignments and exam_overrides
-- primary keys, exam_audience_member_uq / _role_uq, attempts' unique (exam_id, member_id, attempt_no))
-- and join members and units by primary key; no new index is needed.
