//! IMS050: IMS APIs whose required actions the policy grants only in part.

use crate::compile::ActionSet;
use crate::lint::context::{Ctx, Sink};
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;
use crate::matrix::{ActionId, Operation, RequiredAction};

pub(crate) const RULE: Rule = Rule {
    code: "IMS050",
    name: "partial-api-grant",
    severity: Severity::Warning,
    summary: "an action that IMS APIs need besides what the policy allows (warning when the grant completes \
              none of the APIs it takes part in, suggestion otherwise)",
    description: "Many IMS APIs need more than one action: adding a tag needs `ims:images:get` and \
                  `ims:images:update`. One finding per statement and missing action lists the APIs that need \
                  it besides what the statement allows. It is a warning when the statement's actions take \
                  part in APIs of several actions and the grant completes none of them (a policy granting \
                  only `ims:images:update` can tag nothing), a suggestion when it completes some of them \
                  and the missing action only reads (`get`, `list`). Not reported, as deliberate: a missing \
                  action the policy denies; APIs of which the policy grants only reading actions while a \
                  missing one writes (a read-only policy does not mean to share or tag); and a missing \
                  writing action when the grant completes other APIs of its actions (a policy that tags \
                  with `get` and `update` does not mean to upload image files, which also needs \
                  `ims:images:upload`). Actions required only in a documented situation are not counted. \
                  With a principals file, the grant is what a caller of each group or user gets.",
    example: r#"{"Effect": "Allow", "Action": ["ims:images:update"]}"#,
};

/// Whether an action only reads (its operation is `get...` or `list...`).
fn reads(action: &str) -> bool {
    let operation = action.rsplit(':').next().unwrap_or(action).to_ascii_lowercase();
    operation.starts_with("get") || operation.starts_with("list")
}

fn required(op: &Operation) -> impl Iterator<Item = &RequiredAction> {
    op.actions().iter().filter(|a| a.situation().is_none())
}

/// One finding in the making: a statement, a missing action, the APIs that need it.
struct Entry<'o> {
    statement: usize,
    missing: &'o RequiredAction,
    /// The granted actions of the listed APIs.
    have: ActionSet,
    /// Each API with the other actions it still misses.
    apis: Vec<(&'o Operation, Vec<&'o str>)>,
}

/// Whether the grant completes some API of two or more actions that needs one of `actions`.
fn completes_some(cx: &Ctx<'_>, actions: ActionSet, granted: ActionSet, denied: ActionSet) -> bool {
    cx.options.cloud().operations().iter().any(|op| {
        let ids: Vec<ActionId> = required(op).map(|a| a.id()).collect();
        ids.len() >= 2
            && ids.iter().any(|&id| actions.contains(id))
            && ids.iter().all(|&id| granted.contains(id) && !denied.contains(id))
    })
}

/// The severity of a finding about `missing`, given whether the grant completes some API of several
/// actions that the statement's actions take part in; `None`: not reported.
fn severity(completes_some: bool, missing: &str) -> Option<Severity> {
    if !completes_some {
        Some(Severity::Warning)
    } else if reads(missing) {
        Some(Severity::Suggestion)
    } else {
        None
    }
}

pub(super) fn check(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let granted = cx.combined_allowed();
    let denied = cx.combined_denied();
    let mut entries: Vec<Entry<'static>> = Vec::new();
    for op in cx.options.cloud().operations() {
        let (have, missing): (Vec<&RequiredAction>, Vec<&RequiredAction>) =
            required(op).partition(|a| granted.contains(a.id()));
        if have.is_empty() || missing.is_empty() || missing.iter().any(|a| denied.contains(a.id())) {
            continue;
        }
        if have.iter().all(|a| reads(a.action())) && !missing.iter().all(|a| reads(a.action())) {
            continue;
        }
        // Reported at the statement of this policy that grants the API's first granted action; an API
        // that only the other policies take part in is theirs to report.
        let Some(s) = have.iter().find_map(|a| cx.first_allow_of(a.id())) else {
            continue;
        };
        let mut have_set = ActionSet::default();
        for a in &have {
            have_set.insert(a.id());
        }
        for m in &missing {
            let others: Vec<&'static str> = missing
                .iter()
                .filter(|o| o.id() != m.id())
                .map(|o| o.action())
                .collect();
            match entries
                .iter_mut()
                .find(|e| e.statement == s.index && e.missing.id() == m.id())
            {
                Some(e) => {
                    e.have.union(have_set);
                    e.apis.push((op, others));
                }
                None => entries.push(Entry {
                    statement: s.index,
                    missing: m,
                    have: have_set,
                    apis: vec![(op, others)],
                }),
            }
        }
    }
    for e in entries {
        let Some(s) = cx.statements.get(e.statement) else {
            continue;
        };
        let Some(severity) = severity(completes_some(cx, e.have, granted, denied), e.missing.action()) else {
            continue;
        };
        let have: Vec<String> = e.have.iter().map(|id| format!("`{}`", id.name())).collect();
        let apis: Vec<String> = e
            .apis
            .iter()
            .map(|(op, others)| {
                if others.is_empty() {
                    format!("`{op}`")
                } else {
                    let others: Vec<String> = others.iter().map(|a| format!("`{a}`")).collect();
                    format!("`{op}` (with {})", others.join(", "))
                }
            })
            .collect();
        let first = e.have.iter().next().map_or("", |id| id.name());
        let consequence = if severity == Severity::Warning {
            format!(
                "as it stands, none of the APIs that need {} is complete in {}",
                have.join(", "),
                cx.grant_name()
            )
        } else {
            "the APIs stay denied unless another policy grants it".to_owned()
        };
        sink.push_with(
            &RULE,
            severity,
            s.pattern_for(first),
            Some(s.index),
            format!(
                "`{}` is not allowed, but {} need{} it besides {}: {consequence}; add `{}` to grant {}",
                e.missing.action(),
                apis.join(", "),
                if apis.len() == 1 { "s" } else { "" },
                have.join(", "),
                e.missing.action(),
                if apis.len() == 1 { "it" } else { "them" },
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_follows_what_the_grant_completes() {
        assert_eq!(severity(false, "ims:images:get"), Some(Severity::Warning));
        assert_eq!(severity(false, "ims:images:upload"), Some(Severity::Warning));
        // With complete APIs beside it, a missing read is worth a suggestion...
        assert_eq!(severity(true, "ims:images:list"), Some(Severity::Suggestion));
        // ...a missing write is a capability the policy does not take up.
        assert_eq!(severity(true, "ims:images:upload"), None);
    }
}
