-- Jobs by age: retention looks for those created (and so ended) before its cut-off, and lists show the newest first.
-- created_at never changes, so the index costs nothing on a job's way through its steps.
create index wf_job_created_idx on wf_job (created_at);
