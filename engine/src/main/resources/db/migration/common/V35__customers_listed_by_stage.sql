-- GET /v1/customers lists a stage's customers a page at a time, in id order, from where the last
-- page ended: this index serves each page as one range of entries, whatever the stage's size.
-- V5 dropped it because nothing read it; its price is back: a stage change is no longer a HOT
-- update (a new entry here and in the primary key), while every other update of a customer stays
-- on its page. Stage changes are a small share of a customer's updates (one per transition).
CREATE INDEX customers_by_stage ON customers (stage, id);
