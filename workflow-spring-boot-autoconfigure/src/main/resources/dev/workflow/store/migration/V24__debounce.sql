-- Debouncing: the starts of a workflow with the same debounce key, each within the window of the one before, make
-- one job, WAITING until not_before (pushed on by each start), with the latest start's input. Both columns are set
-- only while the job waits, and cleared when it is let through, so the unique index holds the waiting job of each key
-- and the next start of the key makes a new one. Neither index names the status, which changes with every step of
-- every job: the updates of a job's row stay in place (HOT), as V11 and V20 keep them.
alter table wf_job add column debounce_key varchar(200);
alter table wf_job add column not_before timestamptz;
create unique index wf_job_debounce_uq on wf_job (workflow_name, debounce_key) where debounce_key is not null;
-- The debounced jobs whose window has passed: few, read every poll of the background work.
create index wf_job_not_before_idx on wf_job (not_before) where not_before is not null;
