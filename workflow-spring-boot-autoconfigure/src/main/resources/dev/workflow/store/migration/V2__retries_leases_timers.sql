-- Retries wait in the database until due; running step executions hold a lease that their worker renews.
alter table wf_step_execution add column due_at timestamptz;
alter table wf_step_execution add column lease_expires_at timestamptz;

create index wf_step_execution_due_idx on wf_step_execution (due_at) where status = 'SCHEDULED';
create index wf_step_execution_lease_idx on wf_step_execution (lease_expires_at) where status = 'RUNNING';

-- Concurrent writers of one step execution: the first commit wins, the others roll back.
alter table wf_step_execution add column version bigint not null default 0;
-- One row per attempt of each position in a job's history: a pipeline can never fork.
alter table wf_step_execution add constraint wf_step_execution_attempt_uq unique (job_id, sequence, attempt);
