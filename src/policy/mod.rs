//! Policy documents: the serde model of what users write, parsed strictly with line and column.

mod model;

pub use model::{
    ActionSpec, ConditionEntry, ConditionValue, Effect, Location, PolicyDocument, RoleDependency, Spanned,
    Statement, Version,
};
mod stub;
pub use stub::ParseError;
