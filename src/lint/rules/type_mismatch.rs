//! IMS034: a typed operator on a key of another type (`NumberEquals` on `g:SourceIp`).

use crate::compile::condition::{ValueType, global_key, operator_value_type};
use crate::lint::context::{Ctx, Sink};
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;

pub(crate) const RULE: Rule = Rule {
    code: "IMS034",
    name: "condition-type-mismatch",
    severity: Severity::Error,
    summary: "a number, date, boolean or IP operator on a global key of another type",
    description: "`g:SourceIp` holds IP addresses, `g:CurrentTime` a date, `g:MFAPresent` a boolean, \
                  `g:MFAAge` a number, the other global keys strings. A `Number...`, `Date...`, `Bool` or \
                  `IpAddress` operator on a key of another type can never parse the request's value, so the \
                  condition is never satisfied (an Allow never applies; a Deny always does). Use the \
                  operator of the key's type.",
    example: r#""Condition": {"NumberEquals": {"g:SourceIp": [10]}}"#,
};

pub(super) fn check(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for s in &cx.statements {
        for entry in &s.statement.conditions {
            let (Some(Some(op_type)), Some(key)) = (
                operator_value_type(&entry.operator.value),
                global_key(&entry.key.value),
            ) else {
                continue;
            };
            if op_type == ValueType::String || op_type == key.value_type {
                continue;
            }
            sink.push(
                &RULE,
                entry.operator.location,
                Some(s.index),
                format!(
                    "`{}` compares {} values but `{}` holds {}: no request value can match, so the \
                     condition is never satisfied; use {}",
                    entry.operator.value,
                    op_type.name(),
                    entry.key.value,
                    key.value_type.with_article(),
                    key.value_type.operators()
                ),
            );
        }
    }
}
