-- An idempotency key is unique per workflow: "order-4711" may start both a payment job and a shipping job. Keys were
-- unique across all workflows until now, so every existing row is unique per workflow as well. Only rows with a key
-- are indexed: most jobs have none.
alter table wf_job drop constraint wf_job_idempotency_key_uq;
create unique index wf_job_workflow_idempotency_key_uq on wf_job (workflow_name, idempotency_key)
    where idempotency_key is not null;
