-- The touchpoints the rules failed on are listed by id (H2 has no partial index: this one holds every outcome).
CREATE INDEX touchpoints_by_outcome ON touchpoints (outcome, id);
