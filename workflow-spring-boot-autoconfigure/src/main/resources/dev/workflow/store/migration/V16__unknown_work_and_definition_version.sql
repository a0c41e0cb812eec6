-- Work an instance has no code for (a workflow or step of another release, during a rolling deploy) is handed back
-- instead of failing its job: the queued step execution gets a short deadline, which the dispatch of expired leases
-- sweeps, and remembers since when it waits for an instance able to run it and how often it was handed back. A claim
-- by an instance that has the code clears both; the job fails only once it has waited past
-- workflow.worker.unknown-work-timeout.
alter table wf_step_execution
    add column unrunnable_since timestamptz,
    add column hand_backs       integer not null default 0;

-- The health details and the gauge of work waiting for a capable instance read only these rows.
create index wf_step_execution_unrunnable_idx on wf_step_execution (unrunnable_since) where unrunnable_since is not null;

-- The version of the pipeline definition a job started under: a short hash of its ordered step names.
alter table wf_job add column definition_version text;
