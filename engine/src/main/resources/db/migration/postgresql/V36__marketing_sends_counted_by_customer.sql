-- The frequency cap counts each recipient's marketing actions sent within its window, for every batch the relay is
-- about to send. Without an index of its own that count read every sent action (the index by status) and took
-- 140 ms a batch at full load, more PostgreSQL time than the touchpoints' own commits: this one holds only sent
-- marketing actions, by customer and send time, so that the count reads a handful of entries per customer.
CREATE INDEX actions_marketing_sent ON actions (customer_id, sent_at) WHERE status = 'sent' AND transactional = false;
