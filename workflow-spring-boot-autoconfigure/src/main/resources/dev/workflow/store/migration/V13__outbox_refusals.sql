-- What the outbox relay learnt about each row's message: how many times the broker refused it (a nack, a return, a
-- channel closed over it), why it was last not confirmed, and when the relay may try it again. A row whose message
-- was not confirmed before goes out alone, so that what the broker answers is about that message only; after
-- workflow.broker.max-refusals refusals its step and job fail and the row is deleted.
alter table wf_outbox
    add column refusals        integer     not null default 0,
    add column last_error      text,
    add column next_attempt_at timestamptz;
