//! IMS010-IMS017: the cloud's own limits for custom policies. They apply to Version 1.1 documents
//! (custom policies); Version 1.0 system roles are not created by users and are not checked.
//!
//! Sources:
//! - Huawei Cloud IAM User Guide, "Notes and Constraints" (`productdesc-iam/iam_01_0305`): a custom
//!   policy holds at most 6,144 characters. The same table lists statements per policy, actions,
//!   resources and conditions per statement as "Unlimited".
//! - Open Telekom Cloud IAM API Reference, "Listing Custom Policies" (`iam_02_0011`), tables
//!   `roles.policy`, `roles.policy.Statement` and `roles.policy.Statement.Condition.operator`: at most
//!   eight statements per policy, 100 actions per statement, 10 conditions per statement, 10 condition
//!   keys per operator, 10 resource strings per statement of at most 128 characters each.
//!
//! Only the 6,144 characters are stated by both clouds' current pages, so that rule is an error; the
//! counts, which the Huawei Cloud quota page calls unlimited, are warnings. No page states a length
//! limit for action strings: the 128 characters of IMS013 are the documented limit for resource
//! strings, applied to actions as a precaution.

use std::collections::BTreeMap;

use crate::lint::context::{Ctx, Sink};
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;
use crate::policy::{Version, document_extent};

/// Characters in one custom policy.
const MAX_CHARS: usize = 6_144;
/// Statements in one custom policy.
const MAX_STATEMENTS: usize = 8;
/// Actions in one statement.
const MAX_ACTIONS: usize = 100;
/// Characters in one action or resource string.
const MAX_STRING: usize = 128;
/// Condition operators in one statement.
const MAX_CONDITIONS: usize = 10;
/// Keys under one condition operator.
const MAX_KEYS: usize = 10;
/// Resource strings in one statement.
const MAX_RESOURCES: usize = 10;

pub(crate) const TOO_LONG: Rule = Rule {
    code: "IMS010",
    name: "policy-too-long",
    severity: Severity::Error,
    summary: "the policy document has more than 6,144 characters",
    description: "A custom policy holds at most 6,144 characters (Huawei Cloud IAM \"Notes and \
                  Constraints\"; not adjustable). The document is measured as compact JSON, without \
                  whitespace between tokens and without a role's metadata, which is the most lenient \
                  reading. Split the statements over several policies, or use wildcards such as \
                  `ims:*:get*` instead of long action lists.",
    example: "a document of 6,145 characters",
};

pub(crate) const TOO_MANY_STATEMENTS: Rule = Rule {
    code: "IMS011",
    name: "too-many-statements",
    severity: Severity::Warning,
    summary: "the policy has more than 8 statements",
    description: "The OTC IAM API reference (\"Listing Custom Policies\", `roles.policy`) states that a policy \
                  contains at most eight statements; the Huawei Cloud quota page says statements are \
                  unlimited, hence a warning. Merge statements with the same effect and conditions, or \
                  split the policy.",
    example: "a `Statement` list of 9 statements",
};

pub(crate) const TOO_MANY_ACTIONS: Rule = Rule {
    code: "IMS012",
    name: "too-many-actions",
    severity: Severity::Warning,
    summary: "a statement lists more than 100 actions",
    description: "The OTC IAM API reference (\"Listing Custom Policies\", `roles.policy.Statement`) allows at \
                  most 100 actions per statement (the Huawei Cloud quota page says unlimited). Use wildcards \
                  or split the statement.",
    example: "an `Action` list of 101 actions",
};

pub(crate) const ACTION_TOO_LONG: Rule = Rule {
    code: "IMS013",
    name: "action-too-long",
    severity: Severity::Warning,
    summary: "an action string is longer than 128 characters",
    description: "No IAM page states a length limit for action strings; 128 characters is the documented \
                  limit for resource strings (OTC \"Listing Custom Policies\"), applied here as a \
                  precaution. No real action is that long: check the string.",
    example: "an action of 129 characters",
};

pub(crate) const TOO_MANY_CONDITIONS: Rule = Rule {
    code: "IMS014",
    name: "too-many-conditions",
    severity: Severity::Warning,
    summary: "a statement's `Condition` has more than 10 operators",
    description: "The OTC IAM API reference (\"Listing Custom Policies\", `roles.policy.Statement`) allows at \
                  most 10 conditions per statement; each operator of the `Condition` block counts as one. \
                  Combine keys under fewer operators, or split the statement.",
    example: "a `Condition` block with 11 operators",
};

pub(crate) const TOO_MANY_KEYS: Rule = Rule {
    code: "IMS015",
    name: "too-many-condition-keys",
    severity: Severity::Warning,
    summary: "one condition operator has more than 10 keys",
    description: "The OTC IAM API reference (\"Listing Custom Policies\", \
                  `roles.policy.Statement.Condition.operator`) allows at most 10 condition keys per \
                  operator. Split the keys over two statements.",
    example: "a `StringEquals` operator with 11 keys",
};

pub(crate) const TOO_MANY_RESOURCES: Rule = Rule {
    code: "IMS016",
    name: "too-many-resources",
    severity: Severity::Warning,
    summary: "a statement lists more than 10 resources",
    description: "The OTC IAM API reference (\"Listing Custom Policies\", `roles.policy.Statement`) allows at \
                  most 10 resource strings per statement. Use wildcards or split the statement.",
    example: "a `Resource` list of 11 entries",
};

pub(crate) const RESOURCE_TOO_LONG: Rule = Rule {
    code: "IMS017",
    name: "resource-too-long",
    severity: Severity::Warning,
    summary: "a resource string is longer than 128 characters",
    description: "The OTC IAM API reference (\"Listing Custom Policies\", `roles.policy.Statement`) allows at \
                  most 128 characters per resource string. Shorten it with a wildcard.",
    example: "a resource of 129 characters",
};

pub(super) fn check(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    if cx.doc.version != Version::V1_1 {
        return;
    }
    if let Some(extent) = document_extent(cx.text) {
        if extent.compact_chars > MAX_CHARS {
            sink.push(
                &TOO_LONG,
                extent.location,
                None,
                format!(
                    "the policy document has {} characters even without whitespace, more than the {MAX_CHARS} \
                     a custom policy may have; split its statements over several policies or use wildcards",
                    extent.compact_chars
                ),
            );
        }
    }
    if let Some(extra) = cx.statements.get(MAX_STATEMENTS) {
        sink.push(
            &TOO_MANY_STATEMENTS,
            extra.statement.location,
            Some(extra.index),
            format!(
                "the policy has {} statements, more than the {MAX_STATEMENTS} the IAM API reference allows in a \
                 custom policy; merge statements with the same effect and conditions, or split the policy",
                cx.statements.len()
            ),
        );
    }
    for s in &cx.statements {
        let st = s.statement;
        let patterns = st.actions.patterns();
        if let Some(extra) = patterns.get(MAX_ACTIONS) {
            sink.push(
                &TOO_MANY_ACTIONS,
                extra.location,
                Some(s.index),
                format!(
                    "{} lists {} actions, more than the {MAX_ACTIONS} allowed per statement; use wildcards or \
                     split the statement",
                    s.name(),
                    patterns.len()
                ),
            );
        }
        for p in patterns.iter().filter(|p| p.value.chars().count() > MAX_STRING) {
            sink.push(
                &ACTION_TOO_LONG,
                p.location,
                Some(s.index),
                format!(
                    "the action has {} characters, more than {MAX_STRING}; no real action is that long, check it",
                    p.value.chars().count()
                ),
            );
        }
        let resources = st.resource.as_deref().unwrap_or_default();
        if let Some(extra) = resources.get(MAX_RESOURCES) {
            sink.push(
                &TOO_MANY_RESOURCES,
                extra.location,
                Some(s.index),
                format!(
                    "{} lists {} resources, more than the {MAX_RESOURCES} allowed per statement; use wildcards or \
                     split the statement",
                    s.name(),
                    resources.len()
                ),
            );
        }
        for r in resources.iter().filter(|r| r.value.chars().count() > MAX_STRING) {
            sink.push(
                &RESOURCE_TOO_LONG,
                r.location,
                Some(s.index),
                format!(
                    "the resource has {} characters, more than the {MAX_STRING} allowed; shorten it with a wildcard",
                    r.value.chars().count()
                ),
            );
        }
        // Operators in document order with their keys (duplicate keys are refused by the parser, so
        // equal names are one operator).
        let mut operators: Vec<&str> = Vec::new();
        let mut keys: BTreeMap<&str, Vec<&crate::policy::ConditionEntry>> = BTreeMap::new();
        for entry in &st.conditions {
            let op = entry.operator.value.as_str();
            if !operators.contains(&op) {
                operators.push(op);
            }
            keys.entry(op).or_default().push(entry);
        }
        if let Some(&name) = operators.get(MAX_CONDITIONS) {
            if let Some(extra) = st.conditions.iter().find(|e| e.operator.value == name) {
                sink.push(
                    &TOO_MANY_CONDITIONS,
                    extra.operator.location,
                    Some(s.index),
                    format!(
                        "{} has {} condition operators, more than the {MAX_CONDITIONS} allowed per statement; \
                         combine keys under fewer operators or split the statement",
                        s.name(),
                        operators.len()
                    ),
                );
            }
        }
        for op in &operators {
            let entries = keys.get(op).map_or(&[][..], Vec::as_slice);
            if let Some(extra) = entries.get(MAX_KEYS) {
                sink.push(
                    &TOO_MANY_KEYS,
                    extra.key.location,
                    Some(s.index),
                    format!(
                        "`{op}` has {} condition keys, more than the {MAX_KEYS} allowed per operator; split them \
                         over two statements",
                        entries.len()
                    ),
                );
            }
        }
    }
}
