-- The frequency cap counts each recipient's marketing actions sent within its window (H2 has no partial index: this
-- one holds every action).
CREATE INDEX actions_marketing_sent ON actions (customer_id, sent_at);
