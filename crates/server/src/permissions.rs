//! The permission matrix: which role may do what. This table is the single source of
//! truth; `docs/security.md` reproduces it and a test keeps the two in step.
//!
//! | role | does | must not |
//! |---|---|---|
//! | marketer | uploads lists, creates campaigns, follows own uploads | see other tenants, manage members |
//! | admin | everything a marketer does; manages members, roles, API tokens; reads the audit log; sees every upload in the account | read another account's anything |
//! | support | reads upload metadata and timelines across the account; exports diagnostics | upload, read list contents, change roles |

use sealpost_api::{Permission, Role};

/// Every permission with the roles that hold it.
pub const MATRIX: &[(Permission, &[Role])] = &[
    (Permission::UploadsCreate, &[Role::Admin, Role::Marketer]),
    (Permission::UploadsReadOwn, &[Role::Admin, Role::Marketer]),
    (Permission::UploadsReadAll, &[Role::Admin]),
    (
        Permission::UploadsReadMetadata,
        &[Role::Admin, Role::Support],
    ),
    (Permission::CampaignsCreate, &[Role::Admin, Role::Marketer]),
    (
        Permission::CampaignsRead,
        &[Role::Admin, Role::Marketer, Role::Support],
    ),
    (Permission::DiagnosticsExport, &[Role::Admin, Role::Support]),
    (Permission::MembersRead, &[Role::Admin]),
    (Permission::MembersManage, &[Role::Admin]),
    (
        Permission::TokensOwn,
        &[Role::Admin, Role::Marketer, Role::Support],
    ),
    (Permission::TokensManage, &[Role::Admin]),
    (Permission::AuditRead, &[Role::Admin]),
    (Permission::AccountManage, &[Role::Admin]),
];

/// Checks whether `role` has `permission`.
pub fn allows(role: Role, permission: Permission) -> bool {
    MATRIX
        .iter()
        .any(|(entry, roles)| *entry == permission && roles.contains(&role))
}

/// Lists every permission of `role`, in table order.
pub fn permissions_of(role: Role) -> Vec<Permission> {
    MATRIX
        .iter()
        .filter(|(_, roles)| roles.contains(&role))
        .map(|(permission, _)| *permission)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_lists_every_permission_once() {
        for permission in Permission::ALL {
            let count = MATRIX
                .iter()
                .filter(|(entry, _)| *entry == permission)
                .count();
            assert_eq!(count, 1, "{permission} appears {count} times");
        }
    }

    #[test]
    fn admin_holds_every_marketer_permission() {
        for permission in permissions_of(Role::Marketer) {
            assert!(allows(Role::Admin, permission), "admin lacks {permission}");
        }
    }

    #[test]
    fn support_cannot_upload_or_change_roles() {
        assert!(!allows(Role::Support, Permission::UploadsCreate));
        assert!(!allows(Role::Support, Permission::MembersManage));
        assert!(!allows(Role::Support, Permission::UploadsReadAll));
        assert!(allows(Role::Support, Permission::UploadsReadMetadata));
    }

    #[test]
    fn marketer_cannot_manage_members_or_read_audit() {
        for permission in [
            Permission::MembersRead,
            Permission::MembersManage,
            Permission::AuditRead,
            Permission::TokensManage,
            Permission::AccountManage,
            Permission::UploadsReadAll,
        ] {
            assert!(
                !allows(Role::Marketer, permission),
                "marketer holds {permission}"
            );
        }
    }

    #[test]
    fn security_doc_matches_table() {
        let doc = include_str!("../../../docs/security.md");
        for (permission, roles) in MATRIX {
            let cells: Vec<&str> = Role::ALL
                .iter()
                .map(|role| if roles.contains(role) { "yes" } else { "no" })
                .collect();
            let row = format!("| `{permission}` | {} |", cells.join(" | "));
            assert!(doc.contains(&row), "docs/security.md lacks the row {row}");
        }
    }
}
