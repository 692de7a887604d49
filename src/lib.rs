#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

// The pipeline, in the order a request goes through it: the permission matrix, the router, the
// request (context and owners), policy documents, the compiled set, the decision procedure. Every
// module is private; what users need is re-exported here, each item by one path.
pub mod analysis;
mod compile;
mod eval;
mod fold;
mod matrix;
mod policy;
mod principals;
mod quote;
mod request;
mod route;

#[cfg(feature = "gateway")]
pub mod gateway;
pub mod generate;
pub mod lint;
pub mod schema;
#[cfg(feature = "serve")]
pub mod serve;
pub mod testing;

/// The documentation-page importer (feature `import`): RST grid tables and HTML tables to the
/// permission matrix's TOML.
#[cfg(feature = "import")]
pub use matrix::import;

// The permission matrix.
pub use matrix::{
    ActionId, Basis, Cloud, DependencyGroup, Method, Operation, Overlap, ParamFormat, RequiredAction,
    Section, Situation, known_actions, operations, overlaps,
};
// Routing a raw request.
pub use route::{MAX_TARGET_LEN, Params, RouteBuffer, RouteError, RouteMatch, Router, route};
// The request: context and whose attachments apply.
pub use request::{Context, ContextError, ContextLimits, Owners, Request};
// Policy documents and the policy-file loader.
pub use policy::{
    ActionSpec, ConditionEntry, ConditionValue, Effect, Limits, LoadError, Location, ParseError,
    PolicyDocument, PolicyFile, ResourceForm, RoleDependency, Spanned, Statement, Version,
};
// The compiled set.
pub use compile::{CompileError, ConditionError, Policy, PolicySet, Scope, ScopeError, UnknownAction};
// Decisions and their explanation.
pub use eval::{
    ActionExplanation, ActionVerdict, CitedStatement, Decision, Explanation, NoTrace, Reason, RequestError,
    ScopeNote, StatementOutcome, StatementRef, TraceEvent, TraceSink,
};
// Principals: users, groups and their attachments.
pub use principals::{Caller, PrincipalKind, Principals, PrincipalsError};
