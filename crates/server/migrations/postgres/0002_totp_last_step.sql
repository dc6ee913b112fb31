-- The 30-second TOTP step of the last accepted code, so that a code cannot be used twice.
ALTER TABLE members ADD COLUMN totp_last_step BIGINT;
