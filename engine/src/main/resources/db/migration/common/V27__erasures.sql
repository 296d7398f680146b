-- Customers erased on request (DELETE /v1/customers/{id}): only the SHA-256 of the id and when, so that a
-- redelivered event of theirs, older than the erasure, is dropped as a duplicate instead of rebuilding them.
CREATE TABLE erasures (
    customer_hash varchar(64) PRIMARY KEY,
    erased_at     timestamp with time zone NOT NULL
);
