-- Deadlines: a job started with a timeout (@Workflow(timeout), a start's timeout) ends TIMED_OUT once past its
-- deadline_at, set at the start and never changed. The background work looks for jobs past it that have not ended:
-- few, through an index on a column that never changes and on finished_at, which is indexed already (V11), so a job's
-- updates stay in place (HOT) as before.
alter table wf_job add column deadline_at timestamptz;
create index wf_job_deadline_idx on wf_job (deadline_at) where deadline_at is not null and finished_at is null;

-- TIMED_OUT is an end without completing, like FAILED, ABORTED and CANCELLED.
drop index if exists wf_job_unsuccessful_idx;
create index wf_job_unsuccessful_idx on wf_job (outcome, created_at)
    where outcome in ('FAILED', 'ABORTED', 'CANCELLED', 'TIMED_OUT');
