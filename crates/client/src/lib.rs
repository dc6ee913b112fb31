//! Client library for the Sealpost platform service.
//!
//! The CLI and the desktop app both sit on this crate. It contains no terminal or window code:
//! long operations report progress as a stream of typed events, and every error is a typed
//! value with a stable code and a message fit to show a person.

pub mod api;
pub mod auth;
pub mod connection;
pub mod credential;
pub mod diagnostics;
pub mod error;
pub mod events;
pub mod profile;
pub mod secrets;
pub mod upload;

pub use connection::{Connection, ServerConfig};
pub use credential::{Credential, Token};
pub use error::ClientError;
pub use events::{FinalState, Phase, ProgressEvent};
