//! IMS030-IMS032: condition entries that do not compile (the evaluator refuses the policy). Every
//! entry is compiled on its own, so each broken entry is reported, not only the first.

use crate::compile::condition::{CompiledCondition, operator_names};
use crate::lint::context::{Ctx, Sink, did_you_mean};
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;

pub(crate) const UNKNOWN_OPERATOR: Rule = Rule {
    code: "IMS030",
    name: "unknown-operator",
    severity: Severity::Error,
    summary: "a condition operator that IAM does not define (names are case-sensitive)",
    description: "Operators are exact, case-sensitive names such as `StringEquals`, `IpAddress` or \
                  `NumberLessThan`, optionally prefixed with `ForAnyValue:`/`ForAllValues:` or suffixed \
                  with `IfExists`. An unknown operator makes the evaluator refuse the policy. Use the \
                  suggested name.",
    example: r#""Condition": {"StringEqual": {"g:UserName": ["alice"]}}"#,
};

pub(crate) const INVALID_VALUE: Rule = Rule {
    code: "IMS031",
    name: "invalid-condition-value",
    severity: Severity::Error,
    summary: "a condition value that does not parse for its operator (number, date, CIDR, boolean)",
    description: "`Number...` operators take JSON numbers, `Date...` operators RFC 3339 instants with an \
                  offset (`2026-01-01T00:00:00Z`), `IpAddress` IPv4 or IPv6 CIDR blocks, `Bool` and `Null` \
                  `true` or `false`. A value that does not parse would make the condition meaningless, so \
                  the evaluator refuses the policy. Correct the value.",
    example: r#""Condition": {"IpAddress": {"g:SourceIp": ["10.0.0.0/33"]}}"#,
};

pub(crate) const NULL_COMBINATION: Rule = Rule {
    code: "IMS032",
    name: "if-exists-on-null",
    severity: Severity::Error,
    summary: "`IfExists` or a `ForAnyValue:`/`ForAllValues:` prefix on `Null` or `IsNullOrEmpty`",
    description: "`Null` and `IsNullOrEmpty` test whether the key is present; `IfExists` (\"holds when the key \
                  is missing\") and the set prefixes make no sense on them, and the evaluator refuses the \
                  policy. Use the operator alone.",
    example: r#""Condition": {"NullIfExists": {"g:MFAAge": ["true"]}}"#,
};

pub(super) fn check(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for s in &cx.statements {
        for entry in &s.statement.conditions {
            let Err(err) = CompiledCondition::compile(entry) else {
                continue;
            };
            let message = err.to_string();
            let (rule, message) = match err.kind() {
                "unknown_operator" => {
                    let written = entry.operator.value.as_str();
                    let base = written.rsplit(':').next().unwrap_or(written);
                    let base = base.strip_suffix("IfExists").unwrap_or(base);
                    let hint = match did_you_mean(base, operator_names()) {
                        Some(name) if !message.contains("did you mean") => {
                            format!("; did you mean `{name}`?")
                        }
                        _ if message.contains("did you mean") => String::new(),
                        _ => "; use a documented operator such as `StringEquals`, `NumberLessThan` or \
                              `IpAddress`"
                            .to_owned(),
                    };
                    (&UNKNOWN_OPERATOR, format!("{message}{hint}"))
                }
                "if_exists_on_null" | "set_prefix_on_null" => (
                    &NULL_COMBINATION,
                    format!("{message}; use the operator alone: it tests whether the key is present"),
                ),
                _ => (&INVALID_VALUE, message),
            };
            sink.push(rule, err.location(), Some(s.index), message);
        }
    }
}
