#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod compile;
pub mod eval;
pub mod matrix;
pub mod policy;

pub use eval::Context;
pub use matrix::{
    ActionId, DependencyGroup, Method, Operation, Overlap, ParamFormat, RequiredAction, Section, Situation,
    known_actions, operations, overlaps,
};
pub use policy::{Limits, ParseError};
