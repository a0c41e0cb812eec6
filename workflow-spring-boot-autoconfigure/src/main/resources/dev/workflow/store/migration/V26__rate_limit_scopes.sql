-- Rate limits of steps and pools as well as workflows (@Step(rateLimit), workflow.pools.<pool>.rate-limit): a step
-- under several rates starts when each has a token, and waits for one bucket at a time. rate_bucket names the bucket
-- whose slot a waiting step reserved; rate_reserved (V23) is no longer read: instances of the release before this
-- one still write it, and a later release drops it. Names of step buckets hold a workflow's and a step's name.
alter table wf_step_execution add column rate_bucket varchar(500);
alter table wf_rate_limit alter column name type varchar(500);
