//! The Sealpost desktop app: Tauri commands over the list reader and the client library.
//!
//! Commands live in [`commands`], shared state in typed managed structs, and every type
//! crossing the bridge in [`types`], from which the UI's TypeScript is generated.

pub mod bindings;
pub mod commands;
pub mod lists;
pub mod saved_uploads;
pub mod service;
pub mod state;
pub mod types;
pub mod uploads;

mod keyring;
mod window;

use std::sync::Arc;

use tauri::Manager;

use crate::lists::ListStore;
use crate::service::session::SessionState;
use crate::state::{ConfigStore, IdleClock};
use crate::uploads::UploadJobs;

/// Builds and runs the app until its last window closes.
pub fn run() {
    let app = tauri::Builder::default()
        // The single-instance plugin goes first so a second launch exits before it
        // creates any window; it focuses the running one instead.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            window::focus_main(app);
        }))
        .plugin(window::log_plugin())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .setup(|app| {
            let config_dir = app.path().app_config_dir()?;
            app.manage(Arc::new(ConfigStore::load(&config_dir)));
            app.manage(Arc::new(ListStore::default()));
            app.manage(IdleClock::default());
            app.manage(SessionState::default());
            let (keyring, resume_keys) = keyring::probe();
            app.manage(keyring);
            app.manage(Arc::new(UploadJobs::new(resume_keys)));
            commands::session::spawn_idle_watcher(app.handle().clone());
            log::info!("Sealpost {} started", app.package_info().version);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::app::get_settings,
            commands::app::save_settings,
            commands::app::open_log_folder,
            commands::lists::open_list,
            commands::lists::list_page,
            commands::lists::validate_list,
            commands::lists::cancel_validation,
            commands::lists::validation_issues,
            commands::lists::close_list,
            commands::mapping::canonical_fields,
            commands::mapping::set_mapping,
            commands::mapping::list_templates,
            commands::mapping::save_template,
            commands::mapping::delete_template,
            commands::session::sign_in,
            commands::session::current_session,
            commands::session::sign_out,
            commands::session::unlock_session,
            commands::history::list_campaigns,
            commands::history::create_campaign,
            commands::history::list_uploads,
            commands::history::get_upload,
            commands::history::upload_events,
            commands::team::list_members,
            commands::team::invite_member,
            commands::team::set_member_role,
            commands::team::deactivate_member,
            commands::team::list_tokens,
            commands::team::create_token,
            commands::team::rotate_token,
            commands::team::revoke_token,
            commands::team::rotate_upload_key,
            commands::team::audit_list,
            commands::team::audit_verify,
            commands::upload::start_upload,
            commands::upload::pause_upload,
            commands::upload::resume_upload,
            commands::upload::cancel_upload,
            commands::upload::pending_uploads,
            commands::app::export_diagnostics,
        ])
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(error) => {
            eprintln!("Sealpost could not start: {error}");
            std::process::exit(1);
        }
    }
}
