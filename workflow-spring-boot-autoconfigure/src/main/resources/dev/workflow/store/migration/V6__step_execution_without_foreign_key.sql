-- Every step execution written checked its job's row through the foreign key: one more query, and a row lock on the
-- job that its own update then has to deal with, per step. Only the engine writes step executions, always for a job
-- it has just read or written, so the check buys nothing; whoever deletes jobs deletes their step executions too.
alter table wf_step_execution drop constraint wf_step_execution_job_id_fkey;
