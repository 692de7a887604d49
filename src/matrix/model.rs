//! The serde model of the matrix data file (`src/matrix/ims-permissions.toml`).
//!
//! This file is shared, through `#[path]`, by `build.rs` (which turns the data file into the static
//! table) and by the importer (which writes documentation pages out in this format). It depends on
//! serde and std only.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The whole data file: the cloud profiles, then one `[[operation]]` table per documented API.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixFile {
    /// The cloud profiles whose facts the rows record (see [`CLOUDS`]); the first is the default.
    #[serde(rename = "cloud", default, skip_serializing_if = "Vec::is_empty")]
    pub clouds: Vec<CloudProfile>,
    /// The rows, in documentation order.
    #[serde(rename = "operation", default)]
    pub operations: Vec<Row>,
}

/// One cloud profile: whose documentation a set of facts comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudProfile {
    /// The profile's id (`otc`, `huawei-cloud`, `eu-west-0`), one of [`CLOUDS`].
    pub id: String,
    /// A human-readable name.
    pub name: String,
    /// The pages whose facts the profile records where they differ from the rows' own.
    pub sources: Vec<String>,
}

/// The profile ids, in the order of the library's `Cloud` enum; the first is the default.
pub const CLOUDS: &[&str] = &["otc", "huawei-cloud", "eu-west-0"];

/// Where a row's required actions come from.
pub const BASES: &[&str] = &["permission-table", "inferred", "decision"];

/// The default basis: a permission page lists the row.
pub fn default_basis() -> String {
    BASES[0].to_owned()
}

fn is_default_basis(basis: &str) -> bool {
    basis == BASES[0]
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
    /// Where the required actions come from: `permission-table` (the default: a permission page lists
    /// the row), `inferred` (from the counterpart named by `inferred_from`), or `decision` (no page gives
    /// them; `basis_note` says what this project decided and why).
    #[serde(default = "default_basis", skip_serializing_if = "is_default_basis")]
    pub basis: String,
    /// For an `inferred` row: the counterpart, `METHOD /template`, whose facts it takes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inferred_from: Option<String>,
    /// Why the row requires what it requires, when the basis is not a permission page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis_note: Option<String>,
    /// Facts of other cloud profiles where they differ from the row's own, by profile id.
    #[serde(rename = "cloud", default, skip_serializing_if = "BTreeMap::is_empty")]
    pub clouds: BTreeMap<String, CloudFacts>,
}

/// A cloud profile's facts for one row, where they differ from the row's own (absent: the same).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudFacts {
    /// The required actions in that cloud.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<ActionEntry>>,
    /// The dependent actions in that cloud.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependencies: Option<Vec<DependencyGroup>>,
    /// The Enterprise Project flag in that cloud.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project: Option<bool>,
    /// The pages that give these facts.
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
