-- As on PostgreSQL, so that both stores read timers alike; H2's writer replaces a timer outright
-- and leaves postponed_to empty.
ALTER TABLE timers ADD COLUMN postponed_to timestamp with time zone;
