-- The versions of pipeline definitions the instances have run, in the order they first appeared: an instance does
-- not take a job that started under a newer definition of its workflow than its own back to its older one.
create table wf_definition (
    workflow_name text        not null,
    fingerprint   text        not null,
    steps         text        not null,
    registered_at timestamptz not null default clock_timestamp(),
    primary key (workflow_name, fingerprint)
);
