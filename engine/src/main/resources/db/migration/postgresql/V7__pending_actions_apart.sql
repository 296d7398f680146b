-- The relay's queue, apart from the actions it delivers. A delivery changed the action's status,
-- a column of actions_due's predicate, so every delivery wrote a new version of the action with a
-- new entry in each of its indexes (none was a HOT update). Now each pending action has a row
-- here, written with it and deleted when it is delivered or given up, and the action's own update
-- touches no indexed column. No foreign key: the group commit writes both rows in one statement,
-- and a key would look the action up again for every insert.
CREATE TABLE pending_actions (
    action_id       bigint      PRIMARY KEY,
    next_attempt_at timestamptz NOT NULL,
    claimed_until   timestamptz
);
CREATE INDEX pending_actions_due ON pending_actions (next_attempt_at);
INSERT INTO pending_actions (action_id, next_attempt_at, claimed_until)
    SELECT id, next_attempt_at, claimed_until FROM actions WHERE status = 'pending';
DROP INDEX actions_due;
ALTER TABLE actions DROP COLUMN claimed_until;
-- Nearly every action is updated once, soon after it is written: when it is delivered. Its new
-- version stays on the page only if the page has room for it, so half of each page is left for
-- those versions (at 80%, only two in five deliveries found room). The table grows no more for
-- it: a version that finds no room takes the same space on another page.
ALTER TABLE actions SET (fillfactor = 50);
