-- A job that ends cancels its children: they are found by the entry of its history that waits for them. The index
-- holds child jobs only, and parent_entry_id never changes, so a job's way through its steps stays in place (HOT).
create index wf_job_parent_entry_idx on wf_job (parent_entry_id) where parent_entry_id is not null;
