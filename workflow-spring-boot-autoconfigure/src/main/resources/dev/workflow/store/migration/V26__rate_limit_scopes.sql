-- Rate limits of steps and pools as well as workflows (@Step(rateLimit), workflow.pools.<pool>.rate-limit): a step
-- under several rates starts when each has a token. A waiting step records the buckets whose slots it reserved
-- (rate_bucket, names one per line) and how many times it has waited (rate_waits). rate_reserved (V23) is no longer
-- read: this release writes it false, so that an instance of the release before, which reads it, never skips a
-- token (it may take one more during the deploy); a later release drops it. Step bucket names hold a workflow's and
-- a step's name.
alter table wf_step_execution add column rate_bucket varchar(1000);
alter table wf_step_execution add column rate_waits smallint not null default 0;
alter table wf_rate_limit alter column name type varchar(500);
