-- A timer scheduled again for later (a purchase moves "inactive for 90 days" on, every time)
-- keeps its due_at and notes the new time in postponed_to. due_at is indexed, so moving it made
-- every re-arm a new tuple with an entry in both of the table's indexes; postponed_to is not
-- indexed, so a re-arm stays on its page (HOT). When due_at comes, the claim moves the timer to
-- postponed_to instead of firing it: one indexed update per period instead of one per purchase.
ALTER TABLE timers ADD COLUMN postponed_to timestamptz;
