-- The status filter of job lists and the overview's counts by status, served from indexes that a job's way through its
-- steps does not touch. An index that holds the status (as a key, in its predicate or in an expression) would make
-- every change of the status write new entries into every index of the row, the GIN index on the user context among
-- them (V7); these hold only columns that change once, when the job ends (finished_at, and the outcome below), an
-- update that writes new index entries already (V11). So the claim that makes a job RUNNING, and every step's update,
-- stay in place (HOT); a job pays one index entry more when it starts and one or two more when it ends.

-- The status of an ended job, null while it runs: kept by PostgreSQL from the status and finished_at (a job has a
-- finished_at exactly when its status is final; a retry clears it). Adding it rewrites the table once.
alter table wf_job add column outcome varchar(16)
    generated always as (case when finished_at is not null then status end) stored;

-- Jobs not yet ended (QUEUED, RUNNING), by workflow, newest last: few, however many jobs have ended.
create index wf_job_active_idx on wf_job (workflow_name, created_at) where finished_at is null;

-- Ended jobs by workflow and outcome, newest last: a workflow's FAILED jobs, say, without reading its others, and
-- counts that stop early.
create index wf_job_outcome_idx on wf_job (workflow_name, outcome, created_at) where outcome is not null;

-- Jobs that ended without completing, across workflows: the few a status filter without a workflow looks for.
create index wf_job_unsuccessful_idx on wf_job (outcome, created_at) where outcome in ('FAILED', 'ABORTED', 'CANCELLED');
