//! JSON Schemas (draft 2020-12) of the files users write: policies, principals files and decision-test
//! files (`ims-iam schema policy|principals|test`). Editors that read JSON Schema complete and check
//! them: the IMS actions are an enumeration from the permission matrix (wildcard patterns and other
//! services' actions are accepted by pattern), condition operators and global keys come from the
//! condition compiler's own tables.
//!
//! A schema checks shape, not meaning: the strict loader and `ims-iam lint` still have the last word
//! (limits, condition values that do not parse, duplicate keys, which JSON Schema cannot see).
//!
//! ```
//! let policy = ims_iam::schema::policy();
//! assert_eq!(policy["$schema"], "https://json-schema.org/draft/2020-12/schema");
//! let actions = policy["$defs"]["imsAction"]["enum"].as_array().unwrap();
//! assert!(actions.iter().any(|a| a == "ims:images:get"));
//! ```

use serde_json::{Value, json};

use crate::compile::condition::{GLOBAL_KEYS, operator_names};
use crate::{Cloud, Situation, known_actions};

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Escapes a literal for a regular expression.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\^$.|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A regular expression matching `text` without regard to ASCII case.
fn any_case(text: &str) -> String {
    escape(text)
        .chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The definitions of a policy document, shared by the three schemas.
fn policy_defs() -> Value {
    let operators: Vec<String> = operator_names().map(escape).collect();
    let operator_pattern = format!(
        "^(ForAnyValue:|ForAllValues:)?({})(IfExists)?$",
        operators.join("|")
    );
    // Keys match without regard to case: the enumeration is for completion, the patterns check.
    let exact_keys: Vec<&str> = GLOBAL_KEYS
        .iter()
        .filter(|k| !k.tag_prefix)
        .map(|k| k.name)
        .collect();
    let exact_pattern: Vec<String> = exact_keys.iter().map(|k| any_case(k)).collect();
    let tag_prefixes: Vec<String> = GLOBAL_KEYS
        .iter()
        .filter(|k| k.tag_prefix)
        .map(|k| any_case(k.name))
        .collect();
    // Actions match without regard to case too (the linter warns about an uppercase service).
    let actions_any_case: Vec<String> = known_actions().iter().map(|a| any_case(a)).collect();
    let scalar = json!({"type": ["string", "number", "boolean"]});
    json!({
        "imsAction": {
            "description": "An action that a documented IMS API requires.",
            "enum": known_actions(),
        },
        "action": {
            "description": "`service:resourceType:operation`; `*` and `?` are wildcards.",
            "anyOf": [
                {"$ref": "#/$defs/imsAction"},
                {"description": "an IMS action in another case",
                 "type": "string", "pattern": format!("^({})$", actions_any_case.join("|"))},
                {"description": "an action pattern with a wildcard (`ims:*:get*`, `*:*:*`)",
                 "type": "string", "pattern": "^(?=\\S*[*?])\\S+$"},
                {"description": "another service's action (pattern)",
                 "type": "string", "pattern": "^(?![iI][mM][sS]:)[^:\\s]+:[^:\\s]+:[^:\\s]+$"}
            ]
        },
        "actions": {
            "anyOf": [
                {"$ref": "#/$defs/action"},
                {"type": "array", "items": {"$ref": "#/$defs/action"}}
            ]
        },
        "conditionKey": {
            "description": "A global key (`g:...`) or a service key (`service:...`).",
            "anyOf": [
                {"enum": exact_keys},
                {"type": "string", "pattern": format!("^({})$", exact_pattern.join("|"))},
                {"type": "string", "pattern": format!("^({})..*$", tag_prefixes.join("|"))},
                {"type": "string", "pattern": "^(?![gG]:)[^:\\s]+:.+$"}
            ]
        },
        "conditionValues": {
            "anyOf": [scalar, {"type": "array", "items": scalar}]
        },
        "condition": {
            "description": "Operators (`StringEquals`, `ForAnyValue:StringLike`, `IpAddressIfExists`, ...) to keys to values.",
            "type": "object",
            "propertyNames": {"pattern": operator_pattern},
            "additionalProperties": {
                "type": "object",
                "propertyNames": {"$ref": "#/$defs/conditionKey"},
                "additionalProperties": {"$ref": "#/$defs/conditionValues"}
            }
        },
        "statement": {
            "type": "object",
            "properties": {
                "Sid": {"type": "string"},
                "Effect": {"enum": ["Allow", "Deny"]},
                "Action": {"$ref": "#/$defs/actions"},
                "NotAction": {"$ref": "#/$defs/actions"},
                "Resource": {
                    "anyOf": [
                        {"type": "string"},
                        {"type": "array", "items": {"type": "string"}},
                        {"type": "object", "properties": {"uri": {"type": "array", "items": {"type": "string"}}},
                         "required": ["uri"], "additionalProperties": false}
                    ]
                },
                "Condition": {"$ref": "#/$defs/condition"}
            },
            "required": ["Effect"],
            "oneOf": [{"required": ["Action"]}, {"required": ["NotAction"]}],
            "additionalProperties": false
        },
        "document": {
            "description": "A policy document.",
            "type": "object",
            "properties": {
                "Version": {"enum": ["1.0", "1.1"]},
                "Statement": {"type": "array", "items": {"$ref": "#/$defs/statement"}},
                "Depends": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"catalog": {"type": "string"}, "display_name": {"type": "string"}},
                        "required": ["catalog", "display_name"],
                        "additionalProperties": false
                    }
                }
            },
            "required": ["Version", "Statement"],
            "additionalProperties": false
        },
        "role": {
            "description": "A role object as the IAM API returns it: metadata and the document under `policy`.",
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "display_name": {"type": "string"},
                "policy": {"$ref": "#/$defs/document"}
            },
            "required": ["policy"]
        },
        "policyFile": {
            "anyOf": [
                {"$ref": "#/$defs/document"},
                {"$ref": "#/$defs/role"},
                {"type": "object", "properties": {"role": {"$ref": "#/$defs/role"}},
                 "required": ["role"], "additionalProperties": false},
                {"type": "object",
                 "properties": {
                     "roles": {"type": "array", "items": {"$ref": "#/$defs/role"}},
                     "links": {},
                     "total_number": {"type": "integer"}
                 },
                 "required": ["roles"], "additionalProperties": false}
            ]
        },
        "scope": {
            "description": "`global`, `project:ID` or `enterprise-project:ID`.",
            "type": "string",
            "pattern": "^(global|project:.+|enterprise-project:.+)$"
        }
    })
}

/// The schema of a policy file: a document, a role object, a `{"role": ...}` envelope or a list
/// response (`{"roles": [...]}`).
///
/// ```
/// let schema = ims_iam::schema::policy();
/// assert_eq!(schema["$ref"], "#/$defs/policyFile");
/// ```
pub fn policy() -> Value {
    json!({
        "$schema": DRAFT,
        "title": "IAM policy file (IMS)",
        "$ref": "#/$defs/policyFile",
        "$defs": policy_defs(),
    })
}

/// The schema of a principals file (`policies`, `groups`, `users`; see `ims-iam serve --principals`).
///
/// ```
/// let schema = ims_iam::schema::principals();
/// assert_eq!(schema["required"][0], "policies");
/// ```
pub fn principals() -> Value {
    let name =
        json!({"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[^,\\s](?:[^,]*[^,\\s])?$"});
    let attachment = json!({
        "type": "object",
        "properties": {"policy": name, "scope": {"$ref": "#/$defs/scope"}},
        "required": ["policy"],
        "additionalProperties": false
    });
    let attachments = json!({"type": "array", "items": attachment});
    json!({
        "$schema": DRAFT,
        "title": "ims-iam principals file",
        "type": "object",
        "properties": {
            "policies": {
                "description": "Policy names to policy files, relative to this file.",
                "type": "object",
                "propertyNames": name,
                "additionalProperties": {"type": "string"}
            },
            "groups": {
                "type": "object",
                "propertyNames": name,
                "additionalProperties": {
                    "type": "object",
                    "properties": {"description": {"type": "string"}, "attachments": attachments},
                    "additionalProperties": false
                }
            },
            "users": {
                "type": "object",
                "propertyNames": name,
                "additionalProperties": {
                    "type": "object",
                    "properties": {
                        "description": {"type": "string"},
                        "groups": {"type": "array", "items": name},
                        "attachments": attachments
                    },
                    "additionalProperties": false
                }
            }
        },
        "required": ["policies"],
        "additionalProperties": false,
        "$defs": {"scope": policy_defs()["scope"].clone()},
    })
}

/// The schema of a decision-test file (`ims-iam test`; the format is in [`crate::testing`]).
///
/// ```
/// let schema = ims_iam::schema::test();
/// let expect = &schema["$defs"]["case"]["properties"]["expect"]["enum"];
/// assert!(expect.as_array().unwrap().iter().any(|e| e == "implicit_deny"));
/// ```
pub fn test() -> Value {
    let clouds: Vec<&str> = Cloud::ALL.iter().map(|c| c.id()).collect();
    let situations: Vec<&str> = Situation::ALL.iter().map(|s| s.id()).collect();
    let mut defs = policy_defs();
    if let Value::Object(map) = &mut defs {
        map.insert(
            "policySpec".into(),
            json!({
                "description": "A policy file (relative to the test file) or an inline document, with its scope.",
                "type": "object",
                "properties": {
                    "file": {"type": "string"},
                    "name": {"type": "string"},
                    "scope": {"$ref": "#/$defs/scope"},
                    "document": {"$ref": "#/$defs/policyFile"}
                },
                "oneOf": [{"required": ["file"]}, {"required": ["document", "name"]}],
                "additionalProperties": false
            }),
        );
        map.insert(
            "case".into(),
            json!({
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "method": {"type": "string"},
                    "target": {"type": "string"},
                    "policies": {"type": "array", "items": {"$ref": "#/$defs/policySpec"}},
                    "project": {"type": "string"},
                    "enterprise_project": {"type": "string"},
                    "context": {
                        "type": "object",
                        "propertyNames": {"$ref": "#/$defs/conditionKey"},
                        "additionalProperties": {
                            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
                        }
                    },
                    "situations": {"type": "array", "items": {"enum": situations}},
                    "current_time": {"type": "string"},
                    "expect": {"enum": ["allow", "deny", "explicit_deny", "implicit_deny", "no_action_required", "error"]},
                    "expect_error": {"type": "string"},
                    "expect_statements": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"policy": {"type": "string"}, "statement": {"type": "integer", "minimum": 0}},
                            "required": ["policy", "statement"],
                            "additionalProperties": false
                        }
                    }
                },
                "required": ["name", "method", "target", "expect"],
                "additionalProperties": false
            }),
        );
    }
    json!({
        "$schema": DRAFT,
        "title": "ims-iam decision-test file",
        "type": "object",
        "properties": {
            "description": {"type": "string"},
            "cloud": {"enum": clouds},
            "policies": {"type": "array", "items": {"$ref": "#/$defs/policySpec"}},
            "cases": {"type": "array", "items": {"$ref": "#/$defs/case"}}
        },
        "required": ["cases"],
        "additionalProperties": false,
        "$defs": defs,
    })
}
