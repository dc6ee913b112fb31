//! The Sealpost platform service: accounts, members, roles, credentials and the audit
//! log, served as a JSON API over TLS.
//!
//! [`server::start`] runs the service from a [`config::Config`]; the
//! `sealpost-server` binary wraps it with `serve`, `demo`, `init` and `audit`
//! subcommands.

pub mod alerts;
pub mod audit;
pub mod blob;
pub mod clamd;
pub mod config;
pub mod db;
pub mod http;
pub mod keyprovider;
pub mod logging;
pub mod ops;
pub mod permissions;
pub mod processing;
pub mod ratelimit;
pub mod secrets;
pub mod server;
pub mod state;
pub mod store;
pub mod tls;
pub mod totp;
pub mod upload_keys;
pub mod uploads;
