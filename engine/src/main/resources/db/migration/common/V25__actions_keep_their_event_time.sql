-- The event time of the touchpoint an action was decided on: the stale guardrail holds back an action decided on
-- an event older than guard.max-age (a timer long overdue after a backfill, a late touchpoint). Null for actions
-- stored before: those are never stale.
ALTER TABLE actions ADD COLUMN event_at timestamp with time zone;
