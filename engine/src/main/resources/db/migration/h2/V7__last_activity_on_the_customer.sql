-- The customer's row holds its time of last activity; the engine writes it with every touchpoint
-- that moves it, and touchpoints_by_customer, which reads took it from until now, goes (see the
-- PostgreSQL migration of the same name). First the rows take the time they were read with.
UPDATE customers SET last_activity_at = (
    SELECT max(t.occurred_at) FROM touchpoints t WHERE t.customer_id = customers.id AND t.type <> 'timer')
WHERE EXISTS (
    SELECT 1 FROM touchpoints t
    WHERE t.customer_id = customers.id AND t.type <> 'timer'
      AND (customers.last_activity_at IS NULL OR t.occurred_at > customers.last_activity_at));
DROP INDEX touchpoints_by_customer;
