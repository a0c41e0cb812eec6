-- Debouncing: the starts of a workflow with the same debounce key, each within the window of the one before, make
-- one job, WAITING until not_before (pushed on by each start), with the latest start's input. The unique index holds
-- the waiting job of a key only: once it is let through, the next start of the key makes a new one.
alter table wf_job add column debounce_key varchar(200);
alter table wf_job add column not_before timestamptz;
create unique index wf_job_debounce_uq on wf_job (workflow_name, debounce_key)
    where status = 'WAITING' and debounce_key is not null;
-- The debounced jobs whose window has passed: few, read every poll of the background work.
create index wf_job_not_before_idx on wf_job (not_before) where status = 'WAITING' and not_before is not null;
