-- Retention deletes ended jobs oldest end first, a batch at a time. This index hands it each batch in order of its end
-- (finished_at), so a batch reads as many entries as it deletes, however many jobs have ended; without it, every
-- batch scanned and sorted all the expired jobs. It holds only ended jobs (finished_at is set once a job ends, and
-- cleared only by a retry), and not the status: an update that changes an indexed column writes new entries into
-- every index of the row (the GIN index on the user context among them), so a job's per-step updates stay in place
-- (HOT), and only its end, once per job, pays for the entries.
create index wf_job_finished_idx on wf_job (finished_at) where finished_at is not null;

-- A deleted job deletes its kept events through their foreign key (on delete cascade): one lookup by job per deleted
-- job, which the partial index on waiting events cannot serve for events already consumed.
create index wf_event_job_idx on wf_event (job_id);
