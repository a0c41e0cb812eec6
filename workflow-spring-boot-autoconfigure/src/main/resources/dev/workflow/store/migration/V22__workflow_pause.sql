-- Paused workflows: a row per paused workflow. A worker's claim of a step reads it (one primary-key lookup in a table
-- of a few rows); a step of a paused workflow is not run but held: SCHEDULED, due at the far future that
-- StepExecutions.HELD_DUE_AT names, with no lease, until a resume makes it due now.
create table wf_workflow_pause (
    workflow_name  varchar(200) primary key,
    paused_at      timestamptz  not null
);
