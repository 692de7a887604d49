//! IMS035: a string operator on a typed global key (`StringEquals` on `g:SourceIp`).

use crate::compile::condition::{ValueType, global_key, operator_value_type};
use crate::lint::context::{Ctx, Sink};
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;

pub(crate) const RULE: Rule = Rule {
    code: "IMS035",
    name: "string-operator-on-typed-key",
    severity: Severity::Warning,
    summary: "a `String...` operator on a key that holds an IP address, a date, a number or a boolean",
    description: "A string operator compares the value's text: `StringEquals` on `g:SourceIp` misses \
                  `::ffff:10.0.0.1` for `10.0.0.1` and cannot express a network; on `g:CurrentTime` it \
                  compares RFC 3339 text, not instants. It works for exact text, hence a warning. Use the \
                  operator of the key's type.",
    example: r#""Condition": {"StringEquals": {"g:SourceIp": ["10.0.0.1"]}}"#,
};

pub(super) fn check(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for s in &cx.statements {
        for entry in &s.statement.conditions {
            let (Some(Some(ValueType::String)), Some(key)) = (
                operator_value_type(&entry.operator.value),
                global_key(&entry.key.value),
            ) else {
                continue;
            };
            if key.value_type == ValueType::String {
                continue;
            }
            sink.push(
                &RULE,
                entry.operator.location,
                Some(s.index),
                format!(
                    "`{}` compares `{}`, which holds {}, as text: equal values written differently do not \
                     match; use {}",
                    entry.operator.value,
                    entry.key.value,
                    key.value_type.with_article(),
                    key.value_type.operators()
                ),
            );
        }
    }
}
