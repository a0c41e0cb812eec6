-- Fencing: every claim of a step execution takes the next claim epoch, and every statement that ends the attempt or
-- renews its lease names the epoch it holds, so that a worker whose lease lapsed (a step that ignored its interrupt,
-- a long pause, a worker cut off from the database) changes nothing once another claim has taken the execution.
alter table wf_step_execution add column claim_epoch integer not null default 0;

-- How often the attempt's lease lapsed (its worker crashed, hung, or could not record the outcome): bounded by
-- workflow.worker.max-lease-lapses, so that no attempt runs again without end. A claim handed back by a worker that
-- shuts down is no lapse.
alter table wf_step_execution add column lease_lapses integer not null default 0;

-- A queued step execution has a deadline too: if no worker has claimed it by then, its message is taken as lost (a
-- queue deleted or purged, a message published before the transaction that queued the step committed) and the
-- engine dispatches it again. Running and queued executions share the one index of deadlines; each step execution
-- enters it once more than before, when it is queued.
drop index if exists wf_step_execution_lease_idx;
create index wf_step_execution_lease_idx on wf_step_execution (lease_expires_at) where status in ('QUEUED', 'RUNNING');

-- Step executions queued before this version get the default deadline.
update wf_step_execution set lease_expires_at = now() + interval '15 minutes' where status = 'QUEUED';
