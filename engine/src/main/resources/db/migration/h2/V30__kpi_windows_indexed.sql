-- The KPIs are computed over windows of time (issue 30), each a range of one of these indexes (H2 has no partial
-- index: these hold every row).
CREATE INDEX touchpoints_for_kpis ON touchpoints (type, occurred_at);
CREATE INDEX stage_transitions_by_at ON stage_transitions (at);
CREATE INDEX actions_by_created_at ON actions (created_at);
CREATE INDEX discount_codes_redeemed ON discount_codes (redeemed_at);
