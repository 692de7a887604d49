//! The serde model of the matrix data file (`src/matrix/ims-permissions.toml`).
//!
//! This file is shared, through `#[path]`, by `build.rs` (which turns the data file into the static
//! table) and by the importer (which writes documentation pages out in this format). It depends on
//! serde and std only.

use serde::{Deserialize, Serialize};

/// The whole data file: one `[[operation]]` table per documented API.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixFile {
    /// The rows, in documentation order.
    #[serde(rename = "operation", default)]
    pub operations: Vec<Row>,
}

/// One documented API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Row {
    /// The documentation section, e.g. `Image Tagging`.
    pub section: String,
    /// The English permission name (current OTC wording).
    pub name: String,
    /// The Chinese permission name, where a Chinese page gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_zh: Option<String>,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path template, e.g. `/v2/images/{image_id}/tags/{tag}`.
    pub template: String,
    /// The `.. note::` text of the API cell (requirements outside IAM), one entry per paragraph or bullet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_notes: Vec<String>,
    /// Every action the API requires; empty for rows marked `N/A`.
    #[serde(default)]
    pub actions: Vec<ActionEntry>,
    /// The dependent actions, grouped as the page groups them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<DependencyGroup>,
    /// `Y` in the IAM Project column.
    pub iam_project: bool,
    /// `Y` in the Enterprise Project column.
    pub enterprise_project: bool,
    /// The pages that list the row (`otc/image_tagging.rst`, `seed/en`, `seed/zh`, `huawei-cloud`).
    #[serde(default)]
    pub sources: Vec<String>,
}

/// One required action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionEntry {
    /// The action, spelled as documented (`ims:serverImages:create`).
    pub action: String,
    /// The situation in which alone the action is required (see [`SITUATIONS`]); absent: always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// The qualifier as the page words it, without the parentheses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A group of dependent actions: those the page lists under one bullet (the required action they
/// serve, `of`), or the plain list of a row without bullets (`of` absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DependencyGroup {
    /// The required action this group serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<String>,
    /// The qualifier of the bullet, without the parentheses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The dependent actions, as documented (`obs:bucket:*`, `CSBS:backup:*`).
    #[serde(default)]
    pub actions: Vec<String>,
}

/// The documented situations that make a required action conditional: `(id, qualifier wording)`.
///
/// The importer maps a qualifier note to its id with [`situation_for_note`]; the build refuses ids
/// that are not listed here.
pub const SITUATIONS: &[(&str, &str)] = &[
    (
        "enterprise-project-migration",
        "only for migration to enterprise projects",
    ),
    (
        "enterprise-projects-enabled",
        "required only for users who have enabled enterprise projects",
    ),
    (
        "system-disk-image-import",
        "required only for quickly importing system disk images",
    ),
    (
        "data-disk-image-import",
        "required only for quickly importing data disk images",
    ),
];

/// The situation id of a qualifier note, compared without regard to ASCII case and runs of spaces.
pub fn situation_for_note(note: &str) -> Option<&'static str> {
    let wanted = normalize_note(note);
    SITUATIONS
        .iter()
        .find(|(_, wording)| normalize_note(wording) == wanted)
        .map(|(id, _)| *id)
}

fn normalize_note(note: &str) -> String {
    note.split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks a documented action (required or dependent): `service:resourceType:operation`, each part
/// non-empty ASCII letters, digits, `_` or `*`.
pub fn check_action(action: &str) -> Result<(), String> {
    let parts: Vec<&str> = action.split(':').collect();
    let ok = parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'*' || b == b'_')
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected an action `service:resourceType:operation`, found `{action}`"
        ))
    }
}
