//! Policy documents: the serde model of what users write, parsed strictly with line and column.

mod error;
mod extent;
mod json;
mod limits;
mod list;
mod load;
mod model;
mod parse;

pub use error::ParseError;
pub(crate) use extent::document_extent;
pub use limits::Limits;
pub use list::PolicyFile;
pub use load::LoadError;
pub(crate) use load::{load_file, parse_named, read_bytes, read_capped, read_text};
pub use model::{
    ActionSpec, ConditionEntry, ConditionValue, Effect, Location, PolicyDocument, ResourceForm,
    RoleDependency, Spanned, Statement, Version,
};
