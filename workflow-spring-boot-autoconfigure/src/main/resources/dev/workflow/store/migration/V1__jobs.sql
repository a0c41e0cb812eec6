-- One row per job (one run of a workflow).
create table wf_job (
    id               uuid         primary key,
    workflow_name    varchar(200) not null,
    status           varchar(16)  not null,
    input            jsonb,
    output           jsonb,
    user_context     jsonb        not null default '{}'::jsonb,
    step_context     jsonb,
    current_step     varchar(200),
    steps_completed  integer      not null default 0,
    step_count       integer      not null default 0,
    percent_complete smallint     not null default 0,
    error_type       varchar(500),
    error_message    text,
    error_stack      text,
    idempotency_key  varchar(200),
    created_at       timestamptz  not null,
    started_at       timestamptz,
    finished_at      timestamptz,
    version          bigint       not null default 0,
    constraint wf_job_idempotency_key_uq unique (idempotency_key)
);

-- Containment queries on the user context (user_context @> '{"user": "..."}').
create index wf_job_user_context_gin on wf_job using gin (user_context jsonb_path_ops);
create index wf_job_workflow_status_idx on wf_job (workflow_name, status, created_at);

-- One row per execution of a step: the job's history, in sequence.
create table wf_step_execution (
    id             uuid         primary key,
    job_id         uuid         not null references wf_job (id) on delete cascade,
    sequence       integer      not null,
    step_name      varchar(200) not null,
    attempt        integer      not null,
    status         varchar(16)  not null,
    input          jsonb,
    output         jsonb,
    error_type     varchar(500),
    error_message  text,
    error_stack    text,
    created_at     timestamptz  not null,
    started_at     timestamptz,
    finished_at    timestamptz,
    worker_id      varchar(200)
);

create index wf_step_execution_job_idx on wf_step_execution (job_id, sequence);

-- Messages written in the same transaction as the state change that calls for them, published after commit.
create table wf_outbox (
    id           uuid         primary key,
    exchange     varchar(255) not null,
    routing_key  varchar(255) not null,
    payload      text         not null,
    created_at   timestamptz  not null
);

create index wf_outbox_created_idx on wf_outbox (created_at);
