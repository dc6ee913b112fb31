-- Campaigns group uploads. Uploads arrive over tus: upload_offset counts the bytes
-- stored durably, and state follows receiving -> received -> scanning -> validating ->
-- accepted | rejected | quarantined, with scan_pending while no scanner answers, and
-- terminated or expired for uploads that never completed.
CREATE TABLE campaigns (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    owner_id TEXT NOT NULL REFERENCES members (id),
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'ready', 'submitted', 'archived')),
    created_at INTEGER NOT NULL
);
CREATE INDEX campaigns_account ON campaigns (account_id, created_at);

CREATE TABLE uploads (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    owner_id TEXT NOT NULL REFERENCES members (id),
    campaign_id TEXT REFERENCES campaigns (id),
    fingerprint TEXT,
    upload_length INTEGER NOT NULL,
    upload_offset INTEGER NOT NULL,
    state TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    expires_at INTEGER,
    completed_at INTEGER
);
CREATE INDEX uploads_account ON uploads (account_id, created_at);
CREATE INDEX uploads_expiry ON uploads (state, expires_at);

-- The timeline support reads: one row per request or processing step.
CREATE TABLE upload_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    upload_id TEXT NOT NULL REFERENCES uploads (id),
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    request_id TEXT,
    details TEXT
);
CREATE INDEX upload_events_upload ON upload_events (upload_id, seq);
