-- What each customer has bought in each currency, net of refunds, kept in the transaction that stores the purchase or
-- refund: the historic lifetime value per currency and the repeat purchase rate then read one row per purchasing
-- customer and currency, never the touchpoints. A row is written only by its customer's partition, so no two
-- commits wait on one another for it. currency '' holds purchases without an amount or currency.
CREATE TABLE customer_purchases (
    customer_id varchar(200) NOT NULL,
    currency    varchar(3)   NOT NULL,
    purchases   integer      NOT NULL,
    net         numeric(38, 4) NOT NULL,
    PRIMARY KEY (customer_id, currency)
);

-- Every KPI refresh: the trend scalars as columns, and everything it computed as JSON for the gauges and
-- GET /v1/stats after a restart. Rows older than kpi.history are deleted as new ones come.
CREATE TABLE kpi_refreshes (
    at                   ${timestamp}  NOT NULL PRIMARY KEY,
    nps                  numeric(9, 4),
    nps_answers          bigint        NOT NULL,
    retention_rate       numeric(9, 6),
    churn_rate           numeric(9, 6),
    repeat_purchase_rate numeric(9, 6),
    took_ms              bigint        NOT NULL,
    details              ${json}       NOT NULL
);

-- A store upgraded from before: its purchases and refunds so far, once (the only read of all touchpoints).
INSERT INTO customer_purchases (customer_id, currency, purchases, net)
SELECT customer_id, CASE WHEN amount IS NULL OR currency IS NULL THEN '' ELSE currency END,
       sum(CASE WHEN type = 'purchase' THEN 1 ELSE 0 END),
       sum(CASE WHEN type = 'purchase' THEN coalesce(abs(amount), 0) ELSE -abs(amount) END)
FROM touchpoints
WHERE type = 'purchase' OR (type = 'refund' AND amount IS NOT NULL AND amount <> 0)
GROUP BY customer_id, CASE WHEN amount IS NULL OR currency IS NULL THEN '' ELSE currency END;
