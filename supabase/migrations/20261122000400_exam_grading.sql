-- Manual grading notes on attempt slots: the trainer's comment (shown to the taker with the mark
-- when the review policy shows correctness), who graded the slot and when. Written only by the
-- service role through PUT /api/attempts/:id/slots/:slot/grade (which also appends to audit_log);
-- `authenticated` keeps its table-level select and gets no update grant on these columns.
alter table app.attempt_slots
  add column comment text check (comment is null or length(comment) <= 2000),
  add column graded_by uuid references app.members (id),
  add column graded_at timestamptz;

-- A member keeps access to the exams they sat, even after an exam is archived or their
-- assignment is withdrawn: their results and reviews must not disappear with it.
create policy exams_select_attempted on app.exams for select to authenticated
  using (exists (select 1 from app.attempts a
                 where a.exam_id = exams.id and a.member_id = (select app_private.current_member_id())));
