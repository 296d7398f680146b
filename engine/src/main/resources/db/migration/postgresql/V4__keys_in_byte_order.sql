-- Ids and names are opaque keys, compared only for equality and ranged over in byte order. Under
-- a linguistic collation (on PostgreSQL 15 even C.UTF-8 is one) every B-tree comparison of a key
-- calls strcoll; in "C" it is a memcmp, and index inserts and lookups, most of the store's work
-- per touchpoint, get cheaper. Only the indexes are rebuilt: the rows stay as they are.
ALTER TABLE customers
    ALTER COLUMN id TYPE varchar(200) COLLATE "C",
    ALTER COLUMN stage TYPE varchar(64) COLLATE "C";
ALTER TABLE touchpoints
    ALTER COLUMN id TYPE varchar(200) COLLATE "C",
    ALTER COLUMN customer_id TYPE varchar(200) COLLATE "C";
ALTER TABLE stage_transitions
    ALTER COLUMN customer_id TYPE varchar(200) COLLATE "C";
ALTER TABLE actions
    ALTER COLUMN idempotency_key TYPE varchar(300) COLLATE "C",
    ALTER COLUMN customer_id TYPE varchar(200) COLLATE "C";
ALTER TABLE timers
    ALTER COLUMN customer_id TYPE varchar(200) COLLATE "C",
    ALTER COLUMN name TYPE varchar(200) COLLATE "C";
