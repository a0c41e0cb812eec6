-- Rate limits (@Workflow(rateLimit)): a token bucket per workflow, refilled at its rate up to its permits. A worker
-- takes a token when it claims a step; without one it reserves the next free slot (the bucket goes below zero) and
-- the step waits, SCHEDULED and due at that slot, marked rate_reserved so that its claim then takes no second token.
create table wf_rate_limit (
    name        varchar(200) primary key,
    tokens      double precision not null,
    updated_at  timestamptz      not null
);

-- A default that needs no rewrite of the table (PostgreSQL 11 and later).
alter table wf_step_execution add column rate_reserved boolean not null default false;
