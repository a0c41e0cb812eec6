-- Events sent to jobs before their workflow waited for them: kept until a workflow method takes them.
create table wf_event (
    id           uuid         primary key,
    job_id       uuid         not null references wf_job (id) on delete cascade,
    name         varchar(200) not null,
    payload      jsonb,
    created_at   timestamptz  not null,
    consumed_at  timestamptz
);

create index wf_event_waiting_idx on wf_event (job_id, name, created_at) where consumed_at is null;

-- A child job points at the entry of its parent's history that waits for it.
alter table wf_job add column parent_entry_id uuid;
