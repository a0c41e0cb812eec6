-- The trace context of the observation that started a job (a W3C traceparent, say), carried by every step message of
-- the job so that its steps continue the trace. Null when the application has no tracing.
alter table wf_job add column trace_context jsonb;
