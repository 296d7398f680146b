-- A claim by the outbox relay is a lease of its own, so claiming touches no indexed column.
ALTER TABLE actions ADD COLUMN claimed_until timestamp with time zone;
