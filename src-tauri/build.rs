//! Generates the Tauri context and one permission per app command, so the capability
//! file can allow exactly the app's own commands.

/// Every command in `commands::*`; a command missing here cannot be called from the UI.
const COMMANDS: &[&str] = &[
    "app_info",
    "get_settings",
    "save_settings",
    "open_log_folder",
    "open_list",
    "list_page",
    "validate_list",
    "cancel_validation",
    "validation_issues",
    "close_list",
    "canonical_fields",
    "set_mapping",
    "list_templates",
    "save_template",
    "delete_template",
    "sign_in",
    "current_session",
    "sign_out",
    "unlock_session",
    "list_campaigns",
    "create_campaign",
    "list_uploads",
    "get_upload",
    "upload_events",
    "list_members",
    "invite_member",
    "set_member_role",
    "deactivate_member",
    "list_tokens",
    "create_token",
    "rotate_token",
    "revoke_token",
    "rotate_upload_key",
    "audit_list",
    "audit_verify",
    "start_upload",
    "pause_upload",
    "resume_upload",
    "cancel_upload",
    "pending_uploads",
    "export_diagnostics",
];

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri-build failed to generate the app context");
}
