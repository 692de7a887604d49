//! IMS050: an IMS API whose required actions the policy grants only in part.

use crate::lint::context::{Ctx, Sink};
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;
use crate::matrix::RequiredAction;

pub(crate) const RULE: Rule = Rule {
    code: "IMS050",
    name: "partial-api-grant",
    severity: Severity::Suggestion,
    summary: "an IMS API that needs several actions, of which the policy allows some but not all",
    description: "Many IMS APIs need more than one action: adding a tag needs `ims:images:get` and \
                  `ims:images:update`. A policy that allows only some of them leaves the API denied unless \
                  another policy grants the rest. One finding per API names what is missing; add it, or \
                  ignore the finding if another policy grants it. Skipped, as deliberate: APIs whose missing \
                  action the policy denies, and APIs of which the policy grants only reading actions \
                  (`get`, `list`) while a missing one writes (a read-only policy does not mean to share or \
                  tag). Actions required only in a documented situation are not counted.",
    example: r#"{"Effect": "Allow", "Action": ["ims:images:update"]}"#,
};

/// Whether an action only reads (its operation is `get...` or `list...`).
fn reads(action: &str) -> bool {
    let operation = action.rsplit(':').next().unwrap_or(action).to_ascii_lowercase();
    operation.starts_with("get") || operation.starts_with("list")
}

pub(super) fn check(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let granted = cx.allowed();
    let denied = cx.denied();
    for op in cx.options.cloud().operations() {
        let required: Vec<&RequiredAction> =
            op.actions().iter().filter(|a| a.situation().is_none()).collect();
        let (have, missing): (Vec<&RequiredAction>, Vec<&RequiredAction>) =
            required.iter().partition(|a| granted.contains(a.id()));
        let Some(first) = have.first() else {
            continue;
        };
        if missing.is_empty() || missing.iter().any(|a| denied.contains(a.id())) {
            continue;
        }
        if have.iter().all(|a| reads(a.action())) && !missing.iter().all(|a| reads(a.action())) {
            continue;
        }
        let Some(s) = cx.first_allow_of(first.id()) else {
            continue;
        };
        let list = |actions: &[&RequiredAction]| {
            actions
                .iter()
                .map(|a| format!("`{}`", a.action()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        sink.push(
            &RULE,
            s.pattern_for(first.action()),
            Some(s.index),
            format!(
                "`{op}` needs {} too: this policy allows {} but not {}, so the API stays denied unless \
                 another policy grants it; add the missing action to grant the API",
                list(&missing),
                list(&have),
                list(&missing),
            ),
        );
    }
}
