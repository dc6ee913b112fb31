//! One module per subcommand; each exposes `Args` and `run`.

pub(crate) mod envelope;
pub(crate) mod preview;
pub(crate) mod validate;
