-- What operators did to jobs in bulk (retry, cancel): who and when, in the transaction of the action, kept as long as
-- the job (deleted with it).
create table wf_job_action (
    id      bigserial    primary key,
    job_id  uuid         not null references wf_job (id) on delete cascade,
    action  varchar(20)  not null,
    actor   varchar(200) not null,
    at      timestamptz  not null
);
create index wf_job_action_job_idx on wf_job_action (job_id);
