-- Audit entries about contests, live contests, seasons, roster imports, org units and banks are
-- filed under the unit they belong to (subject_org_unit_id), so HR of that subtree reads them in the
-- audit log like the entries about attempts and assignments. Entries written before this migration
-- keep their (empty) subject: the log is append-only.
create or replace function app_private.audit_log_subject() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_assignment uuid;
  v_member uuid;
begin
  new.subject_member_id := null; new.subject_org_unit_id := null; new.exam_id := null; new.period := null;
  if new.entity in ('attempt', 'attempt_slot') and new.entity_id ~ '^[0-9a-f-]{36}(:[0-9]+)?$' then
    -- A regrade names the attempt; a manual mark names '<attempt>:<slot>'.
    v_assignment := split_part(new.entity_id, ':', 1)::uuid;   -- (the attempt id here)
    select t.member_id, t.exam_id, m.org_unit_id into new.subject_member_id, new.exam_id, new.subject_org_unit_id
      from app.attempts t join app.members m on m.id = t.member_id where t.id = v_assignment;
    -- The period of the person's assignment this attempt counts for (the latest one begun before it).
    select x.period into new.period
      from app.assignment_people ap join app.assignments x on x.id = ap.assignment_id
      join app.attempts t on t.id = v_assignment
     where ap.member_id = t.member_id and x.exam_id = t.exam_id and x.starts_at <= t.started_at
     order by x.starts_at desc limit 1;
  elsif new.entity = 'assignment_person' and new.entity_id ~ '^[0-9a-f-]{36}:[0-9a-f-]{36}$' then
    v_assignment := split_part(new.entity_id, ':', 1)::uuid;
    v_member := split_part(new.entity_id, ':', 2)::uuid;
    select x.exam_id, x.period, ap.period_end_org_unit_id into new.exam_id, new.period, new.subject_org_unit_id
      from app.assignments x join app.assignment_people ap on ap.assignment_id = x.id and ap.member_id = v_member
     where x.id = v_assignment;
    new.subject_member_id := v_member;
  elsif new.entity = 'assignment' and new.entity_id ~ '^[0-9a-f-]{36}$' then
    select x.exam_id, x.period, x.owner_org_id into new.exam_id, new.period, new.subject_org_unit_id
      from app.assignments x where x.id = new.entity_id::uuid;
  elsif new.entity = 'exam' and new.entity_id ~ '^[0-9a-f-]{36}$' then
    select e.id, e.owner_org_id into new.exam_id, new.subject_org_unit_id from app.exams e where e.id = new.entity_id::uuid;
  elsif new.entity = 'member' and new.entity_id ~ '^[0-9a-f-]{36}$' then
    select m.id, m.org_unit_id into new.subject_member_id, new.subject_org_unit_id from app.members m where m.id = new.entity_id::uuid;
  -- Contests, live contests, seasons, banks, imports and units belong to a unit: file their entries
  -- there, so HR of that subtree reads them (score adjustments of a live contest feed appraisal too).
  elsif new.entity = 'live_contest' and new.entity_id ~ '^[0-9a-f-]{36}$' then
    select c.owner_org_id into new.subject_org_unit_id from app.live_contests c where c.id = new.entity_id::uuid;
  elsif new.entity = 'contest' and new.entity_id ~ '^[0-9a-f-]{36}$' then
    select c.owner_org_id into new.subject_org_unit_id from app.contests c where c.id = new.entity_id::uuid;
  elsif new.entity = 'season' and new.entity_id ~ '^[0-9a-f-]{36}$' then
    select s.owner_org_id into new.subject_org_unit_id from app.seasons s where s.id = new.entity_id::uuid;
  elsif new.entity = 'roster_import' and new.entity_id ~ '^[0-9a-f-]{36}$' then
    select r.scope_org_id into new.subject_org_unit_id from app.roster_imports r where r.id = new.entity_id::uuid;
  elsif new.entity = 'org_unit' and new.entity_id ~ '^[0-9a-f-]{36}$' then
    select u.id into new.subject_org_unit_id from app.org_units u where u.id = new.entity_id::uuid;
  elsif new.entity = 'bank' then
    select b.org_unit_id into new.subject_org_unit_id from app.banks b where b.id = new.entity_id;
  end if;
  return new;
end
$$;
