-- Connectors an operator paused (POST /v1/connectors/{name}/pause): a row per paused connector, so that a pause
-- holds across restarts and for every server sharing the database. Their actions stay pending meanwhile.
CREATE TABLE connector_pauses (
    connector varchar(64)  NOT NULL PRIMARY KEY,
    paused_at timestamp with time zone NOT NULL,
    paused_by varchar(200)
);
