-- The touchpoints the rules failed on are listed by id: a partial index holds only them, so it costs the
-- touchpoints that decide cleanly nothing.
CREATE INDEX touchpoints_rule_errors ON touchpoints (id) WHERE outcome = 'rule_error';
