-- Each account's X25519 upload key pairs. The private key is stored only wrapped
-- (AES-256-GCM) by the key-encryption key named in kek_id. Generation 1 is the first key;
-- a rotation adds the next generation, and the highest one is the current key. Older
-- generations stay so that uploads sealed to them can still be opened.
CREATE TABLE upload_keys (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    generation INTEGER NOT NULL,
    key_id TEXT NOT NULL UNIQUE,
    public_key TEXT NOT NULL,
    wrapped_private_key TEXT NOT NULL,
    kek_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    retired_at INTEGER,
    UNIQUE (account_id, generation)
);
