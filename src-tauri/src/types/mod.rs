//! Types crossing the bridge to the UI, generated to TypeScript in ui/src/bindings/.

mod error;
mod events;
mod history;
mod lists;
mod settings;
mod team;
mod upload;

pub use error::{AppError, AppResult};
pub use events::*;
pub use history::*;
pub use lists::*;
pub use settings::*;
pub use team::*;
pub use upload::*;
