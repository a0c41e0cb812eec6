-- Retries wait in the database until due; running step executions hold a lease that their worker renews.
alter table wf_step_execution add column due_at timestamptz;
alter table wf_step_execution add column lease_expires_at timestamptz;

create index wf_step_execution_due_idx on wf_step_execution (due_at) where status = 'SCHEDULED';
create index wf_step_execution_lease_idx on wf_step_execution (lease_expires_at) where status = 'RUNNING';
