//! Policy documents: the serde model of what users write, parsed strictly with line and column.

mod error;
mod extent;
mod json;
mod limits;
mod list;
mod model;
mod parse;

pub use error::ParseError;
pub(crate) use extent::document_extent;
pub use limits::Limits;
pub(crate) use limits::read_capped;
pub use list::PolicyFile;
pub use model::{
    ActionSpec, ConditionEntry, ConditionValue, Effect, Location, PolicyDocument, ResourceForm,
    RoleDependency, Spanned, Statement, Version,
};
