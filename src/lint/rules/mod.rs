//! The rules, one file per rule (the mappings of loader errors and of the cloud's limits share a file
//! each). [`ALL`] lists them in code order; [`run`] applies them to a parsed document.

mod action_format;
mod allow_all;
mod allow_not_action;
mod condition_compile;
mod dead_grant;
mod enterprise_project;
mod invalid_action;
mod limits;
mod missing_dependency;
mod narrow_resource;
pub(super) mod parse;
mod partial_grant;
pub(super) mod principals;
mod redundant;
mod service_case;
mod string_on_typed;
mod type_mismatch;
mod unknown_action;
mod unknown_key;
mod wildcard_matches_nothing;

use super::context::{Ctx, Sink};
use super::rule::Rule;

/// Every rule, in code order.
pub(super) const ALL: &[Rule] = &[
    parse::INVALID_JSON,
    parse::DUPLICATE_KEY,
    parse::SCHEMA,
    parse::MISSING,
    parse::ACTION_AND_NOT_ACTION,
    parse::UNSUPPORTED_VERSION,
    parse::LOADER_LIMIT,
    principals::RULE,
    limits::TOO_LONG,
    limits::TOO_MANY_STATEMENTS,
    limits::TOO_MANY_ACTIONS,
    limits::ACTION_TOO_LONG,
    limits::TOO_MANY_CONDITIONS,
    limits::TOO_MANY_KEYS,
    limits::TOO_MANY_RESOURCES,
    limits::RESOURCE_TOO_LONG,
    invalid_action::RULE,
    unknown_action::RULE,
    wildcard_matches_nothing::RULE,
    service_case::RULE,
    action_format::RULE,
    condition_compile::UNKNOWN_OPERATOR,
    condition_compile::INVALID_VALUE,
    condition_compile::NULL_COMBINATION,
    unknown_key::RULE,
    type_mismatch::RULE,
    string_on_typed::RULE,
    dead_grant::RULE,
    redundant::RULE,
    partial_grant::RULE,
    missing_dependency::RULE,
    enterprise_project::RULE,
    narrow_resource::RULE,
    allow_all::RULE,
    allow_not_action::RULE,
];

/// Applies every rule that looks at a parsed document.
pub(super) fn run(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    run_local(cx, sink);
    run_grants(cx, sink);
}

/// The grant rules (IMS050, IMS051): what a caller can do depends on every policy it gets, so a
/// principals file's groups and users judge them on their combined grants ([`Ctx::with_others`]).
pub(super) fn run_grants(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    partial_grant::check(cx, sink);
    missing_dependency::check(cx, sink);
}

/// Every rule that judges the document alone.
pub(super) fn run_local(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    limits::check(cx, sink);
    invalid_action::check(cx, sink);
    unknown_action::check(cx, sink);
    wildcard_matches_nothing::check(cx, sink);
    service_case::check(cx, sink);
    action_format::check(cx, sink);
    condition_compile::check(cx, sink);
    unknown_key::check(cx, sink);
    type_mismatch::check(cx, sink);
    string_on_typed::check(cx, sink);
    dead_grant::check(cx, sink);
    redundant::check(cx, sink);
    enterprise_project::check(cx, sink);
    narrow_resource::check(cx, sink);
    allow_all::check(cx, sink);
    allow_not_action::check(cx, sink);
}
