-- Why an action was suppressed or held (consent, frequency, stale, backfill, erased), and whether it is
-- transactional (an escalation, a receipt), which marketing opt-outs and frequency caps do not apply to.
ALTER TABLE actions ADD COLUMN reason varchar(64);
ALTER TABLE actions ADD COLUMN transactional boolean NOT NULL DEFAULT false;
CREATE INDEX actions_by_status ON actions (status, id);
