//! IMS033: a global condition key that IAM does not define.

use crate::compile::condition::{GLOBAL_KEYS, global_key};
use crate::lint::context::{Ctx, Sink, did_you_mean};
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;

pub(crate) const RULE: Rule = Rule {
    code: "IMS033",
    name: "unknown-condition-key",
    severity: Severity::Error,
    summary: "a `g:` condition key that is not a global key (with a did-you-mean), or a key with no service",
    description: "The global keys are `g:CurrentTime`, `g:DomainName`, `g:MFAPresent`, `g:MFAAge`, \
                  `g:ProjectName`, `g:ServiceName`, `g:UserId`, `g:UserName`, `g:SourceIp`, \
                  `g:EnterpriseProjectId`, `g:ResourceTag/<key>`, `g:RequestTag/<key>` and `g:TagKeys` \
                  (names compared without regard to case). No request carries any other `g:` key, so the \
                  condition always sees it missing: a positive operator never holds and a negated one \
                  always does. Keys of a service (`obs:prefix`) are not checked.",
    example: r#""Condition": {"IpAddress": {"g:SourceIP4": ["10.0.0.0/8"]}}"#,
};

pub(super) fn check(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for s in &cx.statements {
        for entry in &s.statement.conditions {
            let key = entry.key.value.as_str();
            let global = key.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("g:"));
            if (!global && key.contains(':')) || global_key(key).is_some() {
                continue;
            }
            let names = GLOBAL_KEYS.iter().map(|k| k.name);
            let guess = if global {
                did_you_mean(key, names)
            } else {
                did_you_mean(&format!("g:{key}"), names)
            };
            let hint = match guess {
                Some(name) if name.ends_with('/') => format!("did you mean `{name}<tag key>`?"),
                Some(name) => format!("did you mean `{name}`?"),
                None => {
                    "use a global key such as `g:SourceIp` or `g:UserName`, or a service's key".to_owned()
                }
            };
            let what = if global {
                "unknown global condition key"
            } else {
                "condition key without a service"
            };
            sink.push(
                &RULE,
                entry.key.location,
                Some(s.index),
                format!(
                    "{what} `{key}`: no request carries it, so the condition always sees it missing; {hint}"
                ),
            );
        }
    }
}
