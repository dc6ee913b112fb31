//! One module per subcommand; each exposes `Args` and `run`.

pub(crate) mod account;
pub(crate) mod envelope;
mod list;
mod output;
pub(crate) mod preview;
mod progress;
mod service_check;
pub(crate) mod upload;
pub(crate) mod validate;
