-- Discount codes as issued: random and unique, each with its percent, expiry and status, and the
-- rule and template that issued it, so redemptions (and their revenue) can be attributed per journey.
CREATE TABLE discount_codes (
    code                    varchar(64)  PRIMARY KEY,
    customer_id             varchar(200) NOT NULL,
    percent                 integer      NOT NULL,
    rule                    varchar(500) NOT NULL,
    template                varchar(200) NOT NULL,
    action_id               bigint,
    issued_at               timestamp with time zone NOT NULL,
    expires_at              timestamp with time zone NOT NULL,
    status                  varchar(16)  NOT NULL, -- issued, redeemed, expired, erased
    redeemed_at             timestamp with time zone,
    redeemed_touchpoint_id  varchar(200),
    redeemed_amount         numeric(19, 4),
    redeemed_currency       varchar(3)
);
CREATE INDEX discount_codes_by_customer ON discount_codes (customer_id);
CREATE INDEX discount_codes_by_rule ON discount_codes (rule, template);
