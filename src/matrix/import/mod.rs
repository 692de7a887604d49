//! The documentation-page importer: turns the IMS "Permissions Policies and Supported Actions" pages
//! into rows of the matrix data file (`src/matrix/ims-permissions.toml`).
//!
//! - [`import_page`] reads one page, reStructuredText (the OTC pages: grid tables) or HTML (the
//!   Chinese page: a `<table>`), and returns its rows, each labelled with the page's source label.
//! - [`merge`] joins the rows of several pages: one row per method and template.
//! - [`to_toml`] prints rows in the data file's format, so that a diff against the committed file is
//!   readable.
//!
//! Columns are found by their header (English or Chinese), so the older five-column layout
//! (`Permissions | APIs | Actions | IAM Project | Enterprise Project`) and the newer six-column one
//! (with `Dependencies`) both work. How cells are read:
//!
//! - API: `METHOD /template`, then `.. note::` blocks; each paragraph or bullet of a note is one
//!   entry of `api_notes`.
//! - Action: one action per paragraph or bullet; `N/A` means no action. A qualifier in parentheses
//!   (`ims:serverImages:create (required only for ...)`) is kept as `note` and must name one of the
//!   known situations (`SITUATIONS` of the matrix model), which gives `when`.
//! - Dependencies: `-` means none. A bullet with actions indented under it is a group of the
//!   bullet's action (`of`, with its qualifier as `note`); all other actions of the cell form one
//!   group without `of`.
//! - IAM Project, Enterprise Project: `Y` (or `√`) is true, `x` is false.
//!
//! The section is the page title; the Chinese titles are mapped to the English section names.
//! A Chinese permission name is stored as both `name` and `name_zh`; [`merge`] then prefers an
//! English name from another page.

mod cell;
mod error;
mod html;
mod rst;

use std::collections::HashMap;
use std::fmt::Write as _;

pub use crate::matrix::model::{ActionEntry, DependencyGroup, MatrixFile, Row};
pub use error::{ImportError, RowConflict};

/// The largest page [`import_page`] reads, in bytes (the real pages are below 100 KiB).
pub const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

/// Imports one documentation page; `source` labels the rows (`otc/image_tagging.rst`).
///
/// A page that contains `<table` is read as HTML, any other as reStructuredText. Every table of the
/// page must be a permission table.
///
/// ```
/// use ims_iam::import::import_page;
///
/// let page = "\
/// Image Quota
/// ===========
///
/// +--------------------------+---------------------------+----------------+-------------+--------------------+
/// | Permission               | API                       | Action         | IAM Project | Enterprise Project |
/// +==========================+===========================+================+=============+====================+
/// | Querying the Image Quota | GET /v1/cloudimages/quota | ims:quotas:get | Y           | Y                  |
/// +--------------------------+---------------------------+----------------+-------------+--------------------+
/// ";
/// let rows = import_page(page, "quota.rst")?;
/// assert_eq!(rows.len(), 1);
/// assert_eq!(rows[0].section, "Image Quota");
/// assert_eq!(rows[0].template, "/v1/cloudimages/quota");
/// assert_eq!(rows[0].actions[0].action, "ims:quotas:get");
/// assert_eq!(rows[0].sources, ["quota.rst"]);
/// # Ok::<(), ims_iam::import::ImportError>(())
/// ```
pub fn import_page(text: &str, source: &str) -> Result<Vec<Row>, ImportError> {
    if text.len() > MAX_PAGE_BYTES {
        return Err(ImportError::TooLarge {
            page: source.to_owned(),
            limit: MAX_PAGE_BYTES,
        });
    }
    let (title, tables) = if is_html(text) {
        html::parse(text, source)?
    } else {
        rst::parse(text, source)?
    };
    if tables.is_empty() {
        return Err(ImportError::NoTable {
            page: source.to_owned(),
        });
    }
    let section = cell::section_for_title(&title, source)?;
    let mut rows = Vec::new();
    for table in &tables {
        rows.extend(cell::rows_from_table(table, &section, source)?);
    }
    Ok(rows)
}

fn is_html(text: &str) -> bool {
    text.as_bytes()
        .windows(6)
        .any(|w| w.eq_ignore_ascii_case(b"<table"))
}

/// Merges the rows of several pages into one data file.
///
/// Rows with the same method and template become one row, in the order of their first appearance:
/// the sources are joined in order; the first English `name` is kept (a Chinese one gives way to
/// it); `name_zh` comes from whichever page gives it. Every other field must agree, else the
/// result is an [`ImportError::Conflict`] naming the row and the field.
///
/// ```
/// use ims_iam::import::{merge, ImportError};
/// use ims_iam::import::{ActionEntry, Row};
///
/// let row = |name: &str, source: &str, action: &str| Row {
///     section: "Image Quota".into(),
///     name: name.into(),
///     name_zh: None,
///     method: "GET".into(),
///     template: "/v1/cloudimages/quota".into(),
///     api_notes: vec![],
///     actions: vec![ActionEntry { action: action.into(), when: None, note: None }],
///     dependencies: vec![],
///     iam_project: true,
///     enterprise_project: true,
///     sources: vec![source.into()],
///     basis: "permission-table".into(),
///     inferred_from: None,
///     basis_note: None,
///     clouds: std::collections::BTreeMap::new(),
/// };
/// let file = merge([
///     vec![row("Querying the Image Quota", "new", "ims:quotas:get")],
///     vec![row("Queries the quota.", "old", "ims:quotas:get")],
/// ])?;
/// assert_eq!(file.operations.len(), 1);
/// assert_eq!(file.operations[0].name, "Querying the Image Quota");
/// assert_eq!(file.operations[0].sources, ["new", "old"]);
///
/// let err = merge([
///     vec![row("Querying the Image Quota", "new", "ims:quotas:get")],
///     vec![row("Querying the Image Quota", "other", "ims:quotas:list")],
/// ])
/// .unwrap_err();
/// assert!(matches!(err, ImportError::Conflict(c) if c.field == "actions"));
/// # Ok::<(), ImportError>(())
/// ```
pub fn merge(pages: impl IntoIterator<Item = Vec<Row>>) -> Result<MatrixFile, ImportError> {
    let mut operations: Vec<Row> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for row in pages.into_iter().flatten() {
        match index.get(&(row.method.clone(), row.template.clone())) {
            Some(&i) => merge_row(&mut operations[i], row)?,
            None => {
                index.insert((row.method.clone(), row.template.clone()), operations.len());
                operations.push(row);
            }
        }
    }
    Ok(MatrixFile {
        clouds: Vec::new(),
        operations,
    })
}

fn merge_row(into: &mut Row, row: Row) -> Result<(), ImportError> {
    let conflict = |field: &'static str, first: String, second: String| {
        ImportError::Conflict(Box::new(RowConflict {
            method: into.method.clone(),
            template: into.template.clone(),
            field,
            first_source: into.sources.join(", "),
            first,
            second_source: row.sources.join(", "),
            second,
        }))
    };
    if into.section != row.section {
        return Err(conflict("section", quote(&into.section), quote(&row.section)));
    }
    if into.api_notes != row.api_notes {
        return Err(conflict(
            "api_notes",
            string_array(&into.api_notes),
            string_array(&row.api_notes),
        ));
    }
    if into.actions != row.actions {
        return Err(conflict(
            "actions",
            inline_array(into.actions.iter().map(action_table)),
            inline_array(row.actions.iter().map(action_table)),
        ));
    }
    if into.dependencies != row.dependencies {
        return Err(conflict(
            "dependencies",
            inline_array(into.dependencies.iter().map(dependency_table)),
            inline_array(row.dependencies.iter().map(dependency_table)),
        ));
    }
    if into.iam_project != row.iam_project {
        return Err(conflict(
            "iam_project",
            into.iam_project.to_string(),
            row.iam_project.to_string(),
        ));
    }
    if into.enterprise_project != row.enterprise_project {
        return Err(conflict(
            "enterprise_project",
            into.enterprise_project.to_string(),
            row.enterprise_project.to_string(),
        ));
    }
    if cell::is_chinese(&into.name) && !cell::is_chinese(&row.name) {
        into.name = row.name;
    }
    if into.name_zh.is_none() {
        into.name_zh = row.name_zh;
    }
    for source in row.sources {
        if !into.sources.contains(&source) {
            into.sources.push(source);
        }
    }
    Ok(())
}

/// Prints rows in the data file's format: one `[[operation]]` table per row, fields in the order
/// of [`Row`], actions one inline table per line, dependency groups one inline table per line.
///
/// The output parses back into the same [`MatrixFile`].
///
/// ```
/// use ims_iam::import::{import_page, merge, to_toml};
///
/// let page = "\
/// Image Schema
/// ============
///
/// +--------------------------+-----------------------+--------+--------------+-------------+--------------------+
/// | Permission               | API                   | Action | Dependencies | IAM Project | Enterprise Project |
/// +==========================+=======================+========+==============+=============+====================+
/// | Querying an Image Schema | GET /v2/schemas/image | N/A    | ``-``        | Y           | x                  |
/// +--------------------------+-----------------------+--------+--------------+-------------+--------------------+
/// ";
/// let file = merge([import_page(page, "schema.rst")?])?;
/// assert_eq!(to_toml(&file), "\
/// [[operation]]
/// section = \"Image Schema\"
/// name = \"Querying an Image Schema\"
/// method = \"GET\"
/// template = \"/v2/schemas/image\"
/// actions = []
/// iam_project = true
/// enterprise_project = false
/// sources = [\"schema.rst\"]
/// ");
/// # Ok::<(), ims_iam::import::ImportError>(())
/// ```
pub fn to_toml(file: &MatrixFile) -> String {
    let mut out = String::new();
    for profile in &file.clouds {
        let _ = writeln!(out, "[[cloud]]");
        let _ = writeln!(out, "id = {}", quote(&profile.id));
        let _ = writeln!(out, "name = {}", quote(&profile.name));
        let _ = writeln!(out, "sources = {}\n", string_array(&profile.sources));
    }
    for (i, row) in file.operations.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "[[operation]]");
        let _ = writeln!(out, "section = {}", quote(&row.section));
        let _ = writeln!(out, "name = {}", quote(&row.name));
        if let Some(zh) = &row.name_zh {
            let _ = writeln!(out, "name_zh = {}", quote(zh));
        }
        let _ = writeln!(out, "method = {}", quote(&row.method));
        let _ = writeln!(out, "template = {}", quote(&row.template));
        if !row.api_notes.is_empty() {
            let _ = writeln!(out, "api_notes = {}", string_array(&row.api_notes));
        }
        let _ = writeln!(
            out,
            "actions = {}",
            block_array(row.actions.iter().map(action_table))
        );
        if !row.dependencies.is_empty() {
            let _ = writeln!(
                out,
                "dependencies = {}",
                block_array(row.dependencies.iter().map(dependency_table))
            );
        }
        let _ = writeln!(out, "iam_project = {}", row.iam_project);
        let _ = writeln!(out, "enterprise_project = {}", row.enterprise_project);
        let _ = writeln!(out, "sources = {}", string_array(&row.sources));
        if row.basis != super::model::default_basis() {
            let _ = writeln!(out, "basis = {}", quote(&row.basis));
        }
        if let Some(from) = &row.inferred_from {
            let _ = writeln!(out, "inferred_from = {}", quote(from));
        }
        if let Some(note) = &row.basis_note {
            let _ = writeln!(out, "basis_note = {}", quote(note));
        }
        for (cloud, facts) in &row.clouds {
            let _ = writeln!(out, "\n[operation.cloud.{cloud}]");
            if let Some(actions) = &facts.actions {
                let _ = writeln!(out, "actions = {}", block_array(actions.iter().map(action_table)));
            }
            if let Some(groups) = &facts.dependencies {
                let _ = writeln!(
                    out,
                    "dependencies = {}",
                    block_array(groups.iter().map(dependency_table))
                );
            }
            if let Some(ep) = facts.enterprise_project {
                let _ = writeln!(out, "enterprise_project = {ep}");
            }
            let _ = writeln!(out, "sources = {}", string_array(&facts.sources));
        }
    }
    out
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn string_array(items: &[String]) -> String {
    inline_array(items.iter().map(|s| quote(s)))
}

/// `[a, b]` on one line.
fn inline_array(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(", "))
}

/// `[]`, or one item per indented line with a trailing comma.
fn block_array(items: impl Iterator<Item = String>) -> String {
    let mut out = String::from("[");
    for item in items {
        let _ = write!(out, "\n    {item},");
    }
    if out.len() > 1 {
        out.push('\n');
    }
    out.push(']');
    out
}

fn action_table(entry: &ActionEntry) -> String {
    let mut fields = vec![format!("action = {}", quote(&entry.action))];
    if let Some(when) = &entry.when {
        fields.push(format!("when = {}", quote(when)));
    }
    if let Some(note) = &entry.note {
        fields.push(format!("note = {}", quote(note)));
    }
    format!("{{ {} }}", fields.join(", "))
}

fn dependency_table(group: &DependencyGroup) -> String {
    let mut fields = Vec::new();
    if let Some(of) = &group.of {
        fields.push(format!("of = {}", quote(of)));
    }
    if let Some(note) = &group.note {
        fields.push(format!("note = {}", quote(note)));
    }
    fields.push(format!("actions = {}", string_array(&group.actions)));
    format!("{{ {} }}", fields.join(", "))
}

#[cfg(test)]
mod tests;
