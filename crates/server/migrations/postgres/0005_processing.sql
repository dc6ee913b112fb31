-- Processing results and the retry schedule while no scanner answers. reason is the
-- plain-words cause of a rejection or quarantine; validation is the JSON summary.
ALTER TABLE uploads ADD COLUMN reason TEXT;
ALTER TABLE uploads ADD COLUMN validation TEXT;
ALTER TABLE uploads ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE uploads ADD COLUMN next_attempt_at BIGINT;
