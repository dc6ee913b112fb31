//! Roles, permissions and credential kinds.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The role of a member within one account. A member has exactly one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Manages members, roles, API tokens and settings, reads the audit log, and does
    /// everything a marketer does.
    Admin,
    /// Uploads lists, creates campaigns and follows their own uploads.
    Marketer,
    /// Reads upload metadata and timelines across the account and exports diagnostics.
    Support,
}

impl Role {
    /// All roles, in the order the documentation lists them.
    pub const ALL: [Role; 3] = [Role::Admin, Role::Marketer, Role::Support];

    /// The lowercase name used on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Marketer => "marketer",
            Role::Support => "support",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not `admin`, `marketer` or `support`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRole(pub String);

impl fmt::Display for UnknownRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown role {:?}: expected admin, marketer or support",
            self.0
        )
    }
}

impl std::error::Error for UnknownRole {}

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == value)
            .ok_or_else(|| UnknownRole(value.to_owned()))
    }
}

/// One thing a credential may do. The service maps each role to a fixed set of these,
/// and an API token carries a subset of its member's set.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
pub enum Permission {
    /// Start an upload of a list.
    #[serde(rename = "uploads:create")]
    UploadsCreate,
    /// Read the uploads the member started, with their timelines.
    #[serde(rename = "uploads:read_own")]
    UploadsReadOwn,
    /// Read every upload in the account, with timelines.
    #[serde(rename = "uploads:read_all")]
    UploadsReadAll,
    /// Read upload metadata and timelines across the account, never list contents.
    #[serde(rename = "uploads:read_metadata")]
    UploadsReadMetadata,
    /// Create campaigns.
    #[serde(rename = "campaigns:create")]
    CampaignsCreate,
    /// Read campaigns in the account.
    #[serde(rename = "campaigns:read")]
    CampaignsRead,
    /// Export diagnostic bundles (metadata and timelines, no list contents).
    #[serde(rename = "diagnostics:export")]
    DiagnosticsExport,
    /// List the account's members.
    #[serde(rename = "members:read")]
    MembersRead,
    /// Invite members, change roles and deactivate members.
    #[serde(rename = "members:manage")]
    MembersManage,
    /// Create, list, rotate and revoke one's own API tokens.
    #[serde(rename = "tokens:own")]
    TokensOwn,
    /// List and revoke any API token in the account.
    #[serde(rename = "tokens:manage")]
    TokensManage,
    /// Read the account's audit log.
    #[serde(rename = "audit:read")]
    AuditRead,
    /// Change account settings such as the admin second-factor requirement.
    #[serde(rename = "account:manage")]
    AccountManage,
}

impl Permission {
    /// All permissions, in declaration order.
    pub const ALL: [Permission; 13] = [
        Permission::UploadsCreate,
        Permission::UploadsReadOwn,
        Permission::UploadsReadAll,
        Permission::UploadsReadMetadata,
        Permission::CampaignsCreate,
        Permission::CampaignsRead,
        Permission::DiagnosticsExport,
        Permission::MembersRead,
        Permission::MembersManage,
        Permission::TokensOwn,
        Permission::TokensManage,
        Permission::AuditRead,
        Permission::AccountManage,
    ];

    /// The name used on the wire and in the database, such as `members:manage`.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::UploadsCreate => "uploads:create",
            Permission::UploadsReadOwn => "uploads:read_own",
            Permission::UploadsReadAll => "uploads:read_all",
            Permission::UploadsReadMetadata => "uploads:read_metadata",
            Permission::CampaignsCreate => "campaigns:create",
            Permission::CampaignsRead => "campaigns:read",
            Permission::DiagnosticsExport => "diagnostics:export",
            Permission::MembersRead => "members:read",
            Permission::MembersManage => "members:manage",
            Permission::TokensOwn => "tokens:own",
            Permission::TokensManage => "tokens:manage",
            Permission::AuditRead => "audit:read",
            Permission::AccountManage => "account:manage",
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A permission name that this version does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPermission(pub String);

impl fmt::Display for UnknownPermission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown permission {:?}", self.0)
    }
}

impl std::error::Error for UnknownPermission {}

impl FromStr for Permission {
    type Err = UnknownPermission;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Permission::ALL
            .into_iter()
            .find(|permission| permission.as_str() == value)
            .ok_or_else(|| UnknownPermission(value.to_owned()))
    }
}

/// How a request was authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    /// An interactive session from `POST /v1/sessions`.
    Session,
    /// An API token from `POST /v1/tokens`.
    ApiToken,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
        assert!("owner".parse::<Role>().is_err());
    }

    #[test]
    fn permission_names_round_trip() {
        for permission in Permission::ALL {
            assert_eq!(permission.as_str().parse::<Permission>(), Ok(permission));
            let json = serde_json::to_string(&permission).unwrap();
            assert_eq!(json, format!("\"{}\"", permission.as_str()));
        }
        assert!("uploads:delete".parse::<Permission>().is_err());
    }
}
