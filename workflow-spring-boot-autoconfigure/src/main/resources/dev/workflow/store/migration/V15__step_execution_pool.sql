-- The worker pool each step execution runs in (null: the default pool), so that any instance can dispatch it again
-- (a retry, a lapsed lease, the outbox relay) to its pool's queue without having the code of its workflow. It is set
-- when the row is inserted and never changes, so it adds no work to a step's way through its states.
alter table wf_step_execution add column pool text;
