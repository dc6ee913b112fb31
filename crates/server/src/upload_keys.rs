//! Accounts' upload key pairs: clients seal lists to the current public key, and the
//! processing step opens them with the matching private key.
//!
//! An account gets its first key pair when it is first asked for. A rotation adds a new
//! generation that becomes current; older private keys stay stored, so uploads sealed
//! before the rotation still open. Private keys exist in the clear only in memory, as
//! envelope [`Identity`] values that zeroize on drop.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use rand::rngs::OsRng;
use sealpost_envelope::{Identity, KeyId, Recipient};
use uuid::Uuid;

use crate::db::{Db, now};
use crate::keyprovider::{KeyError, KeyProvider};
use crate::store::upload_keys::{self, StoredKey};

/// A failure while reading, creating or rotating upload keys.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UploadKeyError {
    /// The database failed.
    #[error("the upload key store failed")]
    Db(#[source] sqlx::Error),
    /// The key-encryption key could not wrap or unwrap a private key.
    #[error("the upload private key could not be wrapped or unwrapped")]
    Provider(#[source] KeyError),
    /// A stored key was wrapped by a key-encryption key other than the configured one.
    #[error(
        "upload key {key_id} was wrapped by key-encryption key {stored}, but {configured} is configured"
    )]
    WrongKek {
        /// The upload key's id.
        key_id: String,
        /// The key-encryption key named in the row.
        stored: String,
        /// The configured key-encryption key.
        configured: String,
    },
    /// A stored row does not hold a valid key.
    #[error("stored upload key {0} is damaged")]
    Damaged(String),
    /// Another rotation of the same account finished first.
    #[error("another rotation of this account's upload key finished first")]
    Concurrent,
}

impl From<sqlx::Error> for UploadKeyError {
    fn from(error: sqlx::Error) -> Self {
        Self::Db(error)
    }
}

/// Whether an envelope's key id names a usable key of the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    /// The account has the key and it is not retired.
    Active,
    /// The account retired the key at these Unix seconds.
    Retired(i64),
    /// The account has no key with this id.
    Unknown,
}

/// The result of [`UploadKeys::retire`].
#[derive(Debug, Clone)]
pub enum RetireOutcome {
    /// The key is now retired, at these Unix seconds.
    Retired(PublicUploadKey, i64),
    /// The key was retired before, at these Unix seconds.
    AlreadyRetired(PublicUploadKey, i64),
    /// The key is the current one, which needs a rotation before it can be retired.
    Current,
    /// The account has no key with this id.
    NotFound,
}

/// The public half of an upload key with its bookkeeping.
#[derive(Debug, Clone)]
pub struct PublicUploadKey {
    /// The public key clients seal to.
    pub recipient: Recipient,
    /// 1 for the first key, one more per rotation.
    pub generation: i64,
    /// Unix seconds.
    pub created_at: i64,
}

/// Upload keys of every account, wrapped by one [`KeyProvider`].
#[derive(Debug, Clone)]
pub struct UploadKeys {
    db: Db,
    provider: Arc<dyn KeyProvider>,
}

/// Binds a wrapped private key to its account and key id, so a row copied to another
/// account, or edited to claim another key id, does not unwrap.
fn aad(account_id: Uuid, key_id: &str) -> Vec<u8> {
    format!("sealpost upload key v1|{account_id}|{key_id}").into_bytes()
}

impl UploadKeys {
    /// Uses `provider` for keys stored in `db`.
    pub fn new(db: Db, provider: Arc<dyn KeyProvider>) -> Self {
        Self { db, provider }
    }

    /// The account's current key, created on first use. The flag says whether this
    /// call created it.
    pub async fn current(
        &self,
        account_id: Uuid,
    ) -> Result<(PublicUploadKey, bool), UploadKeyError> {
        if let Some(stored) = upload_keys::current(&self.db, account_id).await? {
            return Ok((public_of(&stored)?, false));
        }
        match self.add_generation(account_id, 1).await {
            Ok(key) => Ok((key, true)),
            // A concurrent request created generation 1 first; use theirs.
            Err(UploadKeyError::Concurrent) => {
                let stored = upload_keys::current(&self.db, account_id)
                    .await?
                    .ok_or(UploadKeyError::Concurrent)?;
                Ok((public_of(&stored)?, false))
            }
            Err(error) => Err(error),
        }
    }

    /// Adds a new key pair that becomes current; returns the previous and the new key.
    pub async fn rotate(
        &self,
        account_id: Uuid,
    ) -> Result<(PublicUploadKey, PublicUploadKey), UploadKeyError> {
        let (previous, _) = self.current(account_id).await?;
        let next = self
            .add_generation(account_id, previous.generation + 1)
            .await?;
        Ok((previous, next))
    }

    /// The private key of the account's key `key_id`, or `None` when the account has no
    /// such key or retired it. Keys of other accounts are `None` too.
    pub async fn identity(
        &self,
        account_id: Uuid,
        key_id: &KeyId,
    ) -> Result<Option<Identity>, UploadKeyError> {
        let key_id = key_id.to_string();
        let Some(stored) = upload_keys::by_key_id(&self.db, account_id, &key_id).await? else {
            return Ok(None);
        };
        if stored.retired_at.is_some() {
            return Ok(None);
        }
        if stored.kek_id != self.provider.kek_id() {
            return Err(UploadKeyError::WrongKek {
                key_id,
                stored: stored.kek_id,
                configured: self.provider.kek_id().to_owned(),
            });
        }
        let damaged = || UploadKeyError::Damaged(stored.key_id.clone());
        let wrapped = STANDARD
            .decode(&stored.wrapped_private_key)
            .map_err(|_| damaged())?;
        let secret = self
            .provider
            .unwrap(&wrapped, &aad(account_id, &stored.key_id))
            .await
            .map_err(UploadKeyError::Provider)?;
        let bytes: [u8; 32] = secret.as_slice().try_into().map_err(|_| damaged())?;
        let identity = Identity::from_bytes(bytes).map_err(|_| damaged())?;
        if identity.key_id().to_string() != stored.key_id {
            return Err(damaged());
        }
        Ok(Some(identity))
    }

    /// Reports whether the account's key `key_id` exists and whether it was retired.
    pub async fn status(
        &self,
        account_id: Uuid,
        key_id: &KeyId,
    ) -> Result<KeyStatus, UploadKeyError> {
        let stored = upload_keys::by_key_id(&self.db, account_id, &key_id.to_string()).await?;
        Ok(match stored {
            None => KeyStatus::Unknown,
            Some(StoredKey {
                retired_at: Some(at),
                ..
            }) => KeyStatus::Retired(at),
            Some(_) => KeyStatus::Active,
        })
    }

    /// Retires the account's key `key_id` (lowercase hex), so that uploads sealed to it
    /// are rejected. The current key cannot be retired: rotate first.
    pub async fn retire(
        &self,
        account_id: Uuid,
        key_id: &str,
    ) -> Result<RetireOutcome, UploadKeyError> {
        let Some(stored) = upload_keys::by_key_id(&self.db, account_id, key_id).await? else {
            return Ok(RetireOutcome::NotFound);
        };
        if let Some(at) = stored.retired_at {
            return Ok(RetireOutcome::AlreadyRetired(public_of(&stored)?, at));
        }
        let at = now();
        if upload_keys::retire(&self.db, account_id, key_id, at).await? {
            Ok(RetireOutcome::Retired(public_of(&stored)?, at))
        } else {
            Ok(RetireOutcome::Current)
        }
    }

    async fn add_generation(
        &self,
        account_id: Uuid,
        generation: i64,
    ) -> Result<PublicUploadKey, UploadKeyError> {
        // Random bytes rather than `Identity::generate`, because the wrapped form needs
        // the raw private key and the identity exposes only its text form.
        let mut bytes = zeroize::Zeroizing::new([0_u8; 32]);
        OsRng.fill_bytes(bytes.as_mut());
        let identity = Identity::from_bytes(*bytes)
            .map_err(|_| UploadKeyError::Damaged("new key".to_owned()))?;
        let key_id = identity.key_id().to_string();
        let wrapped = self
            .provider
            .wrap(bytes.as_ref(), &aad(account_id, &key_id))
            .await
            .map_err(UploadKeyError::Provider)?;
        let stored = StoredKey {
            id: Uuid::new_v4(),
            account_id,
            generation,
            key_id,
            public_key: hex::encode(identity.recipient().to_bytes()),
            wrapped_private_key: STANDARD.encode(wrapped),
            kek_id: self.provider.kek_id().to_owned(),
            created_at: now(),
            retired_at: None,
        };
        match upload_keys::insert(&self.db, &stored).await {
            Ok(()) => public_of(&stored),
            Err(error) if upload_keys::is_unique_violation(&error) => {
                Err(UploadKeyError::Concurrent)
            }
            Err(error) => Err(error.into()),
        }
    }
}

fn public_of(stored: &StoredKey) -> Result<PublicUploadKey, UploadKeyError> {
    let mut bytes = [0_u8; 32];
    hex::decode_to_slice(&stored.public_key, &mut bytes)
        .map_err(|_| UploadKeyError::Damaged(stored.key_id.clone()))?;
    Ok(PublicUploadKey {
        recipient: Recipient::from_bytes(bytes),
        generation: stored.generation,
        created_at: stored.created_at,
    })
}
