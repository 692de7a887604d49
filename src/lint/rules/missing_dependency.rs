//! IMS051: granted IMS APIs whose documented dependent actions the policy does not grant.

use crate::compile::covered_actions;
use crate::compile::wildcard::{Case, Pattern};
use crate::lint::context::{Ctx, Info, Sink, pattern_covers, service};
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;
use crate::matrix::{Operation, RequiredAction};
use crate::policy::ActionSpec;

pub(crate) const RULE: Rule = Rule {
    code: "IMS051",
    name: "missing-dependency",
    severity: Severity::Suggestion,
    summary: "IMS APIs the policy grants whose dependent actions (`obs:bucket:*`, `kms:*:*`, ...) it does not grant",
    description: "The IMS permission pages list dependent actions for some APIs: creating an image from an OBS \
                  file needs OBS access, an encrypted image KMS access. They do not change IMS's decision, \
                  but the operation or the console fails without them. APIs with the same missing \
                  dependencies are reported together. Grant them here or in another policy attached to the \
                  same users.",
    example: r#"{"Effect": "Allow", "Action": ["ims:images:upload"]}"#,
};

/// Whether some Allow statement of the file (or of the other policies judged with it) grants the
/// (possibly wildcard) action `dependency`.
fn grants(cx: &Ctx<'_>, dependency: &str) -> bool {
    if service(dependency).eq_ignore_ascii_case("ims") {
        let needed = covered_actions([dependency], false);
        return !needed.is_empty() && needed.is_subset(cx.combined_allowed());
    }
    cx.combined_statements()
        .filter(|s| s.is_allow())
        .any(|s: &Info<'_>| match &s.statement.actions {
            ActionSpec::Action(patterns) => patterns.iter().any(|p| pattern_covers(&p.value, dependency)),
            ActionSpec::NotAction(patterns) => !patterns
                .iter()
                .any(|p| Pattern::new(&p.value, Case::AsciiInsensitive).matches(dependency)),
        })
}

pub(super) fn check(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let granted = cx.combined_allowed();
    let always_denied = cx.combined(|s| s.is_deny() && s.unconditional());
    // Missing dependencies -> the APIs lacking exactly them, in documentation order.
    let mut groups: Vec<(Vec<&'static str>, Vec<&'static Operation>)> = Vec::new();
    for op in cx.options.cloud().operations() {
        let required: Vec<&RequiredAction> =
            op.actions().iter().filter(|a| a.situation().is_none()).collect();
        if required.is_empty()
            || !required.iter().all(|a| granted.contains(a.id()))
            || required.iter().any(|a| always_denied.contains(a.id()))
        {
            continue;
        }
        let mut missing: Vec<&'static str> = Vec::new();
        for group in op.dependencies() {
            if group
                .of()
                .is_some_and(|of| !required.iter().any(|a| a.action() == of))
            {
                continue;
            }
            for &dependency in group.actions() {
                if !missing.contains(&dependency) && !grants(cx, dependency) {
                    missing.push(dependency);
                }
            }
        }
        if missing.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|(m, _)| *m == missing) {
            Some((_, ops)) => ops.push(op),
            None => groups.push((missing, vec![op])),
        }
    }
    for (missing, ops) in groups {
        let Some(first) = ops
            .first()
            .and_then(|op| op.actions().iter().find(|a| a.situation().is_none()))
        else {
            continue;
        };
        // Reported where this policy grants the API's first action; an API that only the other
        // policies grant is theirs to report.
        let Some(s) = cx.first_allow_of(first.id()) else {
            continue;
        };
        let apis: Vec<String> = ops.iter().map(|op| format!("`{op}`")).collect();
        let missing: Vec<String> = missing.iter().map(|d| format!("`{d}`")).collect();
        let (subject, verb) = if apis.len() == 1 {
            ("the API", "depends")
        } else {
            ("the APIs", "depend")
        };
        sink.push(
            &RULE,
            s.pattern_for(first.action()),
            Some(s.index),
            format!(
                "{} {verb} on {}, not granted by {}; grant them here or in another policy of \
                 the same users, or {subject} may fail or be unusable from the console",
                apis.join(", "),
                missing.join(", "),
                cx.grant_name()
            ),
        );
    }
}
