-- Every step updates its job's row (steps completed, progress, current step). Free space on each page lets
-- PostgreSQL make those updates in place (HOT), without new entries in the job's indexes, the GIN index among them.
alter table wf_job set (fillfactor = 70);
