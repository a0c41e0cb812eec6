-- Schedules: a workflow started on a cron expression. An instance fires a schedule in the transaction that moves its
-- next_fire_at on, holding its row (claimed skipping locked rows), and each fire's job carries the idempotency key
-- 'schedule:<name>:<fire time>', unique per workflow (V12): a fire starts one job whichever instance takes it.
-- declared: from @WorkflowSchedule, stored at each start of the application; otherwise saved through the API.
create table wf_schedule (
    name           varchar(150) primary key,
    workflow_name  varchar(200) not null,
    cron           varchar(200) not null,
    zone           varchar(100) not null,
    input          jsonb,
    missed_fires   varchar(20)  not null,
    declared       boolean      not null,
    paused         boolean      not null default false,
    next_fire_at   timestamptz,
    last_fire_at   timestamptz,
    last_job_id    uuid,
    last_error     text,
    created_at     timestamptz  not null,
    updated_at     timestamptz  not null
);

-- The schedules due: few rows, read every poll of every instance.
create index wf_schedule_due_idx on wf_schedule (next_fire_at) where not paused and next_fire_at is not null;
