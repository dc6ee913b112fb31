//! Typed state the commands share, managed by Tauri.

mod config;
mod idle;

pub use config::ConfigStore;
pub use idle::IdleClock;
