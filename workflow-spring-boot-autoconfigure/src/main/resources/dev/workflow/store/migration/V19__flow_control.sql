-- Concurrency limits: a job may carry a concurrency key (at most @Workflow(keyConcurrency) jobs of a workflow with the
-- same key run at once) and a priority (its place among the jobs of its workflow that wait, WAITING, for a place).
-- Both are set at the start and never change. The admission of waiting jobs reads a workflow's jobs that have not
-- ended through wf_job_active_idx (V18), so neither needs an index: an index that held them would cost every job an
-- entry, and one that held the status would make every change of it write new entries into every index of the row.
alter table wf_job add column concurrency_key varchar(200);
alter table wf_job add column priority integer not null default 0;
