//! Wire types shared by the Sealpost desktop client, the command-line client and the
//! platform service. This crate has no HTTP or network code: it only describes the JSON
//! bodies both sides exchange, with OpenAPI schemas through `utoipa`.
//!
//! Every request body rejects unknown fields, so a client that sends a misspelt field
//! gets a 400 instead of a silently ignored value. Timestamps are RFC 3339 strings in UTC.

mod account;
mod audit;
mod problem;
mod roles;
mod sessions;
mod tokens;
mod upload_keys;
mod uploads;

pub use account::{
    AcceptInvitationRequest, Account, AccountSettingsRequest, Health, InvitationCreated,
    InvitationRequest, Me, Member, MemberList, RoleChangeRequest, TotpConfirmRequest,
    TotpEnrollment,
};
pub use audit::{AuditEntry, AuditPage};
pub use problem::{PROBLEM_CONTENT_TYPE, Problem, ProblemType};
pub use roles::{CredentialKind, Permission, Role, UnknownPermission, UnknownRole};
pub use sessions::{SessionCreated, SignInRequest};
pub use tokens::{
    ApiTokenCreated, ApiTokenInfo, ApiTokenList, ApiTokenRequest, RotateTokenRequest,
};
pub use upload_keys::UploadKey;
pub use uploads::{
    Campaign, CampaignDetail, CampaignPage, CampaignRequest, CampaignStatusRequest, UploadDetail,
    UploadEvent, UploadPage, UploadSummary, UploadTimeline,
};
