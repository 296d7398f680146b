-- Customers, the touchpoints that shaped them, their stage history and the action outbox.
CREATE TABLE customers (
    id               varchar(200) PRIMARY KEY,
    stage            varchar(64)  NOT NULL,
    stage_since      timestamptz,
    orders           integer      NOT NULL DEFAULT 0,
    revenue          numeric(19, 4) NOT NULL DEFAULT 0,
    last_purchase_at timestamptz,
    last_activity_at timestamptz,
    last_nps         integer,
    complaints       integer      NOT NULL DEFAULT 0,
    attributes       jsonb        NOT NULL DEFAULT '{}',
    version          bigint       NOT NULL,
    created_at       timestamptz  NOT NULL,
    updated_at       timestamptz  NOT NULL
);
CREATE INDEX customers_by_stage ON customers (stage, id);

CREATE TABLE touchpoints (
    id          varchar(200) PRIMARY KEY,
    customer_id varchar(200) NOT NULL,
    type        varchar(64)  NOT NULL,
    channel     varchar(64),
    occurred_at timestamptz  NOT NULL,
    amount      numeric(19, 4),
    currency    varchar(3),
    properties  jsonb,
    received_at timestamptz  NOT NULL,
    outcome     varchar(16)  NOT NULL
);
CREATE INDEX touchpoints_by_customer ON touchpoints (customer_id, occurred_at);

CREATE TABLE stage_transitions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id   varchar(200) NOT NULL,
    from_stage    varchar(64)  NOT NULL,
    to_stage      varchar(64)  NOT NULL,
    rule          varchar(500) NOT NULL,
    reason        varchar(500),
    touchpoint_id varchar(200) NOT NULL,
    at            timestamptz  NOT NULL,
    recorded_at   timestamptz  NOT NULL
);
CREATE INDEX stage_transitions_by_customer ON stage_transitions (customer_id, id);

CREATE TABLE actions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    idempotency_key varchar(300) NOT NULL UNIQUE,
    customer_id     varchar(200) NOT NULL,
    type            varchar(32)  NOT NULL,
    channel         varchar(64)  NOT NULL,
    template        varchar(200) NOT NULL,
    payload         jsonb        NOT NULL,
    rule            varchar(500) NOT NULL,
    touchpoint_id   varchar(200) NOT NULL,
    status          varchar(16)  NOT NULL, -- pending, sent, failed, suppressed
    attempts        integer      NOT NULL DEFAULT 0,
    next_attempt_at timestamptz  NOT NULL,
    last_error      varchar(1000),
    created_at      timestamptz  NOT NULL,
    sent_at         timestamptz
);
CREATE INDEX actions_due ON actions (next_attempt_at) WHERE status = 'pending';
CREATE INDEX actions_by_customer ON actions (customer_id, id);

-- Durable timers: one pending timer per customer and name; scheduling the same name replaces it.
CREATE TABLE timers (
    customer_id   varchar(200) NOT NULL,
    name          varchar(200) NOT NULL,
    due_at        timestamptz  NOT NULL,
    payload       jsonb NOT NULL,
    rule          varchar(500) NOT NULL,
    touchpoint_id varchar(200) NOT NULL,
    claimed_until timestamptz,
    PRIMARY KEY (customer_id, name)
);
CREATE INDEX timers_due ON timers (due_at);
