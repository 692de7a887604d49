#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod analysis;
pub mod compile;
pub mod eval;
#[cfg(feature = "gateway")]
pub mod gateway;
pub mod generate;
pub mod lint;
pub mod matrix;
pub mod policy;
pub mod principals;
mod quote;
pub mod route;
#[cfg(feature = "serve")]
pub mod serve;
pub mod testing;

pub use compile::{CompileError, ConditionError, Policy, PolicySet, Scope, ScopeError};
pub use eval::{
    ActionVerdict, Context, Decision, Explanation, NoTrace, Reason, RequestError, TraceEvent, TraceSink,
};
pub use matrix::{
    ActionId, Basis, Cloud, DependencyGroup, Method, Operation, Overlap, ParamFormat, RequiredAction,
    Section, Situation, known_actions, operations, overlaps,
};
pub use policy::{Limits, ParseError};
pub use principals::{Principals, PrincipalsError};
pub use route::{Params, RouteError, RouteMatch, Router, route};
