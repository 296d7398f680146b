-- Every purchase that carried a discount code, and what became of it: redeemed (the code's first use, within its
-- expiry, by its customer), or refused: already-redeemed, expired, other-customer, unknown. A second use is recorded
-- here and never honoured twice; the code itself records its one redemption (discount_codes.redeemed_*).
CREATE TABLE code_redemptions (
    touchpoint_id  varchar(200) PRIMARY KEY,
    code           varchar(64)  NOT NULL,
    customer_id    varchar(200) NOT NULL,
    outcome        varchar(32)  NOT NULL,
    amount         numeric(19, 4),
    currency       varchar(3),
    at             timestamp with time zone NOT NULL
);
CREATE INDEX code_redemptions_by_code ON code_redemptions (code);
CREATE INDEX code_redemptions_by_customer ON code_redemptions (customer_id);
