//! IMS072: an Allow with `NotAction`.

use crate::lint::context::{Ctx, Sink};
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;
use crate::policy::ActionSpec;

pub(crate) const RULE: Rule = Rule {
    code: "IMS072",
    name: "allow-not-action",
    severity: Severity::SecurityWarning,
    summary: "an Allow with `NotAction`: every action of every service except those listed",
    description: "`Allow` with `NotAction` grants every action that the list does not match, in every \
                  service, including actions and services added later. List the actions to allow with \
                  `Action`; keep `NotAction` for Deny statements.",
    example: r#"{"Effect": "Allow", "NotAction": ["ims:images:delete"]}"#,
};

pub(super) fn check(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for s in cx.statements.iter().filter(|s| s.is_allow()) {
        let ActionSpec::NotAction(patterns) = &s.statement.actions else {
            continue;
        };
        let at = patterns.first().map_or(s.at(), |p| p.location);
        sink.push(
            &RULE,
            at,
            Some(s.index),
            "this Allow with `NotAction` grants every action of every service that the list does not match, \
             including ones added later; list the actions to allow with `Action` instead"
                .to_owned(),
        );
    }
}
