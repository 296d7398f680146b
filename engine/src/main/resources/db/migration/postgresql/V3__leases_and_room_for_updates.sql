-- A claim by the outbox relay is a lease of its own, so claiming touches no indexed column.
ALTER TABLE actions ADD COLUMN claimed_until timestamptz;
-- Room on each page for the next version of a row: most updates of a customer, a claim of an
-- action or timer then stay on the page (HOT) and write no index entries.
ALTER TABLE customers SET (fillfactor = 70);
ALTER TABLE actions SET (fillfactor = 80);
ALTER TABLE timers SET (fillfactor = 80);
