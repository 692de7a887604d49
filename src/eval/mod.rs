//! Evaluation: the request context, decisions and their explanation.

mod context;

pub use context::Context;
