-- The customer's row holds its time of last activity; the engine writes it with every touchpoint
-- that moves it. Until now a visit or an open left the row alone and reads took the time from
-- the customer's latest touchpoint through touchpoints_by_customer. That index took one entry per
-- touchpoint at a random place: it outgrew memory, and its page writes were most of the
-- database's disk writes and WAL (benchmark, issue 5). A customer's row is one per customer and
-- its update stays on its page (HOT), so the store's size in memory follows the customers, not
-- their history. First the rows take the time they were read with, then the index goes.
UPDATE customers SET last_activity_at = (
    SELECT max(t.occurred_at) FROM touchpoints t WHERE t.customer_id = customers.id AND t.type <> 'timer')
WHERE EXISTS (
    SELECT 1 FROM touchpoints t
    WHERE t.customer_id = customers.id AND t.type <> 'timer'
      AND (customers.last_activity_at IS NULL OR t.occurred_at > customers.last_activity_at));
DROP INDEX touchpoints_by_customer;
