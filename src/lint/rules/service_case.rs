//! IMS023: a service name with upper-case letters.

use crate::lint::context::{Ctx, Sink, service};
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;

pub(crate) const RULE: Rule = Rule {
    code: "IMS023",
    name: "service-not-lowercase",
    severity: Severity::Warning,
    summary: "the service part of an action is not lowercase (`IMS:images:list`)",
    description: "Actions are matched without regard to case, so `IMS:images:list` works, and some official \
                  examples write `KMS:*:*`. But the IAM API reference says only lowercase letters are \
                  allowed in the service name (\"Creating a Custom Policy\", `role.policy.Statement`), so \
                  another program or a later check of the cloud may refuse it. Write the service in lowercase.",
    example: r#""Action": ["IMS:images:list"]"#,
};

pub(super) fn check(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for s in &cx.statements {
        for p in s.statement.actions.patterns() {
            let name = service(&p.value);
            if !name.bytes().any(|b| b.is_ascii_uppercase()) {
                continue;
            }
            let rest = p.value.get(name.len()..).unwrap_or_default();
            let fixed = format!("{}{rest}", name.to_ascii_lowercase());
            sink.push(
                &RULE,
                p.location,
                Some(s.index),
                format!(
                    "the service name `{name}` in `{}` is not lowercase; matching ignores case so it works, but \
                     the IAM API reference allows only lowercase service names: write `{fixed}`",
                    p.value
                ),
            );
        }
    }
}
