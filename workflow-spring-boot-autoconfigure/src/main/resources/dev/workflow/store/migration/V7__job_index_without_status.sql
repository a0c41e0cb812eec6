-- A job's status changes as it runs (queued, running, completed). While an index holds the status, each change writes
-- a new entry into every index of the job's row, the GIN index on its user context among them; without it, the
-- change is made in place (HOT). Lists by workflow, newest first, keep their index; the status is checked on the row.
drop index if exists wf_job_workflow_status_idx;
create index wf_job_workflow_created_idx on wf_job (workflow_name, created_at);
