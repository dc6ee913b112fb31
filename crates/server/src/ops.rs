//! Administrative operations behind the `init` and `demo` subcommands: the first account
//! and the demo data.

use std::path::{Path, PathBuf};

use anyhow::Context;
use sealpost_api::Role;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::audit::{AuditEvent, AuditLog, Outcome};
use crate::db::Db;
use crate::secrets::{PasswordHasherConfig, TokenKind, check_new_password, new_token};
use crate::store::members::{NewMember, normalise_email};
use crate::store::{accounts, members};

/// Creates an account with its first admin and records both in the audit log.
pub async fn create_account_with_admin(
    db: &Db,
    hasher: &PasswordHasherConfig,
    account_name: &str,
    admin_email: &str,
    admin_name: &str,
    password: Zeroizing<String>,
) -> anyhow::Result<sealpost_api::Member> {
    check_new_password(&password)?;
    if accounts::find_by_name(db, account_name).await?.is_some() {
        anyhow::bail!("an account named {account_name:?} already exists; choose another name");
    }
    let account_id = accounts::create(db, account_name).await?;
    let audit = AuditLog::new(db.clone());
    audit
        .append(
            AuditEvent::new(
                Some(account_id),
                "cli".to_owned(),
                "account.created",
                Outcome::Success,
            )
            .target(format!("account:{account_id}")),
        )
        .await?;
    add_member(
        db,
        hasher,
        account_id,
        admin_email,
        admin_name,
        Role::Admin,
        password,
    )
    .await
}

/// Adds a member directly, without an invitation; for the command line and the demo.
pub async fn add_member(
    db: &Db,
    hasher: &PasswordHasherConfig,
    account_id: uuid::Uuid,
    email: &str,
    name: &str,
    role: Role,
    password: Zeroizing<String>,
) -> anyhow::Result<sealpost_api::Member> {
    check_new_password(&password)?;
    let password_hash = hasher.hash(password).await?;
    let email = normalise_email(email);
    let member = members::create(
        db,
        NewMember {
            account_id,
            email: &email,
            name,
            role,
            password_hash: &password_hash,
        },
    )
    .await
    .with_context(|| format!("cannot create member {email}"))?;
    AuditLog::new(db.clone())
        .append(
            AuditEvent::new(
                Some(account_id),
                "cli".to_owned(),
                "member.created",
                Outcome::Success,
            )
            .target(format!("member:{}", member.id))
            .details(serde_json::json!({ "role": role.as_str() })),
        )
        .await?;
    Ok(member)
}

/// Generates a random password for members the service creates itself: 256 bits,
/// base64url.
pub fn random_password() -> Zeroizing<String> {
    let token = new_token(TokenKind::Invitation);
    Zeroizing::new(token.trim_start_matches("spi_").to_owned())
}

/// One entry of the JSON array in `demo-credentials.json`.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct DemoCredential {
    /// The account name.
    pub account: String,
    /// The member's role.
    pub role: Role,
    /// The sign-in email.
    pub email: String,
    /// The sign-in password.
    pub password: String,
}

/// The demo accounts and their email domains.
pub const DEMO_ACCOUNTS: [(&str, &str); 2] = [
    ("Acme Mail", "acme.example"),
    ("Globex Post", "globex.example"),
];

/// Seeds the demo accounts unless they exist, and writes their credentials to `file`
/// with mode 0600. Returns false when the accounts already existed.
pub async fn seed_demo(
    db: &Db,
    hasher: &PasswordHasherConfig,
    file: &Path,
) -> anyhow::Result<bool> {
    if accounts::find_by_name(db, DEMO_ACCOUNTS[0].0)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    let mut credentials = Vec::new();
    for (account_name, domain) in DEMO_ACCOUNTS {
        let admin_password = random_password();
        let admin_email = format!("admin@{domain}");
        let admin = create_account_with_admin(
            db,
            hasher,
            account_name,
            &admin_email,
            "Demo admin",
            admin_password.clone(),
        )
        .await?;
        credentials.push(DemoCredential {
            account: account_name.to_owned(),
            role: Role::Admin,
            email: admin_email,
            password: admin_password.to_string(),
        });
        for role in [Role::Marketer, Role::Support] {
            let password = random_password();
            let email = format!("{role}@{domain}");
            add_member(
                db,
                hasher,
                admin.account_id,
                &email,
                &format!("Demo {role}"),
                role,
                password.clone(),
            )
            .await?;
            credentials.push(DemoCredential {
                account: account_name.to_owned(),
                role,
                email,
                password: password.to_string(),
            });
        }
    }
    write_private(file, &serde_json::to_vec_pretty(&credentials)?)?;
    Ok(true)
}

fn write_private(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};

    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    // An existing file keeps its old mode through `open`, so set it explicitly.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(contents)?;
    Ok(())
}

/// The layout of a demo data directory.
#[derive(Debug, Clone)]
pub struct DemoDir {
    /// The directory.
    pub root: PathBuf,
}

impl DemoDir {
    /// The credentials file.
    pub fn credentials(&self) -> PathBuf {
        self.root.join("demo-credentials.json")
    }

    /// The TLS folder.
    pub fn tls(&self) -> PathBuf {
        self.root.join("tls")
    }
}
