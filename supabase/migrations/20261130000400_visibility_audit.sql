-- Opening a bank or a question publishes its keys to practice, the wrong-answer book and knowledge
-- checks; closing it withdraws them. Both are decisions about answer keys, so (issue 8):
--   * every change of app.banks.visibility or app.questions.visibility is written to the audit log
--     with before/after and its real author, whatever path makes it;
--   * a question cannot be opened (directly, or by opening its bank) while an exam still withholds
--     it: an attempt's paper holds one of its versions and that exam's review is neither released
--     nor past its close for everyone (app_private.exam_closes_for_everyone_at). Otherwise a
--     trainer could publish, through practice, the keys of an exam that is still running.

create function app_private.question_withheld_by_exam(p_question text) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1
    from app.question_versions v
    join app.attempts a on a.paper @> jsonb_build_array(jsonb_build_object('vid', v.id::text))
    join app.exams e on e.id = a.exam_id
    where v.question_id = p_question
      and e.review_released_at is null
      -- null: an exam without a close never closes for everyone.
      and coalesce(app_private.exam_closes_for_everyone_at(e.id) > now(), true)
  )
$$;
revoke all on function app_private.question_withheld_by_exam(text) from public;

create function app_private.audit_visibility() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_actor uuid := app_private.current_member_id();
  v_entity text := case when tg_table_name = 'banks' then 'bank' else 'question' end;
  v_withheld text;
begin
  if new.visibility = 'open' then
    if v_entity = 'question' and app_private.question_withheld_by_exam(new.id) then
      v_withheld := new.id;
    elsif v_entity = 'bank' then
      select q.id into v_withheld
      from app.questions q
      where q.bank = new.id and q.visibility = 'closed' and app_private.question_withheld_by_exam(q.id)
      limit 1;
    end if;
    if v_withheld is not null then
      raise exception 'Question % is on the paper of an exam that is still open or whose review is not released, so its key cannot be published yet. Open it after the exam closes for everyone, or release that exam''s review first.', v_withheld
        using errcode = 'P0001';
    end if;
  end if;
  insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
  values (v_actor, case when v_actor is null then 'system:service' else 'member' end,
          v_entity || '.visibility', v_entity, new.id,
          jsonb_build_object('visibility', old.visibility), jsonb_build_object('visibility', new.visibility),
          nullif(current_setting('app.audit_reason', true), ''));
  return new;
end
$$;
revoke all on function app_private.audit_visibility() from public;

create trigger banks_audit_visibility before update of visibility on app.banks
  for each row when (old.visibility is distinct from new.visibility)
  execute function app_private.audit_visibility();
create trigger questions_audit_visibility before update of visibility on app.questions
  for each row when (old.visibility is distinct from new.visibility)
  execute function app_private.audit_visibility();
