-- The unique index on (job_id, sequence, attempt) serves every lookup by job that this one served; each step
-- execution written no longer pays for a second copy of it.
drop index if exists wf_step_execution_job_idx;
