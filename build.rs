//! Generates the static permission table from `src/matrix/ims-permissions.toml`.
//!
//! The data file is the one source of truth; this script checks it (known sections, methods and
//! situations, well-formed templates, no duplicate rows, no two templates of one method that no
//! rule can tell apart), sorts every method's templates by the routing priority rule, records
//! which pairs overlap, and writes Rust into `OUT_DIR/matrix.rs`. Nothing is parsed at run time.

#![expect(
    clippy::panic,
    reason = "a build script reports a bad data file by failing the build"
)]

#[path = "src/matrix/model.rs"]
#[allow(dead_code)]
mod model;
#[path = "src/matrix/template.rs"]
#[allow(dead_code)]
mod template;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use model::{MatrixFile, SITUATIONS, check_action};
use template::{ParamFormatName, TemplateSegment};

const DATA: &str = "src/matrix/ims-permissions.toml";
const SECTIONS: &[&str] = &[
    "Image Management",
    "Image Tagging",
    "Image Schema",
    "Image Sharing",
    "Image Replication",
    "Image Quota",
];
/// In the order of `Method`'s variants.
const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

fn main() {
    println!("cargo::rerun-if-changed={DATA}");
    println!("cargo::rerun-if-changed=src/matrix/model.rs");
    println!("cargo::rerun-if-changed=src/matrix/template.rs");
    let text = std::fs::read_to_string(DATA).unwrap_or_else(|e| panic!("cannot read {DATA}: {e}"));
    let file: MatrixFile = toml::from_str(&text).unwrap_or_else(|e| panic!("{DATA}: {e}"));
    let out = generate(&file).unwrap_or_else(|e| panic!("{DATA}: {e}"));
    let dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_else(|| panic!("OUT_DIR is not set")));
    std::fs::write(dir.join("matrix.rs"), out).unwrap_or_else(|e| panic!("cannot write matrix.rs: {e}"));
}

fn camel(id: &str) -> String {
    id.split(['-', ' ', '_'])
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + &c.as_str().to_ascii_lowercase(),
                None => String::new(),
            }
        })
        .collect()
}

fn generate(file: &MatrixFile) -> Result<String, String> {
    let rows = &file.operations;
    if rows.is_empty() {
        return Err("no operation".into());
    }
    if rows.len() > usize::from(u16::MAX) {
        return Err("too many operations".into());
    }
    let mut parsed = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let at = format!("operation {i} ({} {})", row.method, row.template);
        if !SECTIONS.contains(&row.section.as_str()) {
            return Err(format!("{at}: unknown section `{}`", row.section));
        }
        if !METHODS.contains(&row.method.as_str()) {
            return Err(format!("{at}: unknown method `{}`", row.method));
        }
        if row.name.trim().is_empty() || row.sources.is_empty() {
            return Err(format!("{at}: a row needs a name and at least one source"));
        }
        for action in &row.actions {
            check_action(&action.action).map_err(|e| format!("{at}: {e}"))?;
            if let Some(when) = &action.when {
                if !SITUATIONS.iter().any(|(id, _)| id == when) {
                    return Err(format!("{at}: unknown situation `{when}`"));
                }
            }
        }
        let mut seen = Vec::new();
        for a in &row.actions {
            let lower = a.action.to_ascii_lowercase();
            if seen.contains(&lower) {
                return Err(format!("{at}: action `{}` twice", a.action));
            }
            seen.push(lower);
        }
        for group in &row.dependencies {
            for action in group.of.iter().chain(&group.actions) {
                check_action(action).map_err(|e| format!("{at}: dependency: {e}"))?;
            }
        }
        parsed.push(template::parse_template(&row.template).map_err(|e| format!("{at}: {e}"))?);
    }

    // Duplicates and overlaps, per method.
    let mut overlaps = Vec::new();
    for i in 0..rows.len() {
        for j in i + 1..rows.len() {
            if rows[i].method != rows[j].method {
                continue;
            }
            if template::same_shape(&parsed[i], &parsed[j]) {
                return Err(format!(
                    "duplicate rows: {} {} and {} (operations {i} and {j})",
                    rows[i].method, rows[i].template, rows[j].template
                ));
            }
            if template::can_overlap(&parsed[i], &parsed[j]) {
                let (w, l) = match template::priority_cmp(&parsed[i], &parsed[j]) {
                    std::cmp::Ordering::Greater => (j, i),
                    _ => (i, j),
                };
                overlaps.push((w, l));
            }
        }
    }

    // The action universe: every required action, first spelling wins, unique without regard to case.
    let mut universe: Vec<String> = Vec::new();
    for row in rows {
        for a in &row.actions {
            if !universe.iter().any(|u| u.eq_ignore_ascii_case(&a.action)) {
                universe.push(a.action.clone());
            }
        }
    }
    if universe.len() > 64 {
        return Err("more than 64 distinct required actions: widen ActionSet".into());
    }
    let action_id = |name: &str| universe.iter().position(|u| u.eq_ignore_ascii_case(name));

    let mut out = String::new();
    out.push_str("// @generated by build.rs from src/matrix/ims-permissions.toml; do not edit.\n\n");
    let _ = writeln!(
        out,
        "pub(crate) static ACTIONS: [&str; {}] = {:?};\n",
        universe.len(),
        universe
    );
    let max_params = parsed
        .iter()
        .map(|p| {
            p.iter()
                .filter(|s| matches!(s, TemplateSegment::Param(_)))
                .count()
        })
        .max()
        .unwrap_or(0);
    let max_segments = parsed.iter().map(Vec::len).max().unwrap_or(0);
    let _ = writeln!(out, "pub(crate) const MAX_PARAMS: usize = {max_params};");
    let _ = writeln!(out, "pub(crate) const MAX_SEGMENTS: usize = {max_segments};\n");

    let _ = writeln!(
        out,
        "pub(crate) static OPERATIONS: [Operation; {}] = [",
        rows.len()
    );
    for (i, (row, segments)) in rows.iter().zip(&parsed).enumerate() {
        let _ = writeln!(out, "    Operation {{");
        let _ = writeln!(out, "        index: {i},");
        let _ = writeln!(out, "        section: Section::{},", camel(&row.section));
        let _ = writeln!(out, "        name: {:?},", row.name);
        let _ = writeln!(out, "        name_zh: {:?},", row.name_zh);
        let _ = writeln!(out, "        method: Method::{},", camel(&row.method));
        let _ = writeln!(out, "        template: {:?},", row.template);
        out.push_str("        segments: &[");
        for s in segments {
            match s {
                TemplateSegment::Literal(l) => {
                    let _ = write!(out, "Segment::Literal({l:?}), ");
                }
                TemplateSegment::Param(p) => {
                    let format = match template::param_format(p) {
                        ParamFormatName::Uuid => "Uuid",
                        ParamFormatName::Hex32 => "Hex32",
                        ParamFormatName::Any => "Any",
                    };
                    let _ = write!(out, "Segment::Param({p:?}, ParamFormat::{format}), ");
                }
            }
        }
        out.push_str("],\n");
        let _ = writeln!(out, "        api_notes: &{:?},", row.api_notes);
        out.push_str("        actions: &[\n");
        for a in &row.actions {
            let id = action_id(&a.action).ok_or("action missing from the universe")?;
            let situation = match &a.when {
                Some(w) => format!("Some(Situation::{})", camel(w)),
                None => "None".into(),
            };
            let _ = writeln!(
                out,
                "            RequiredAction {{ action: {:?}, id: ActionId({id}), situation: {situation}, note: {:?} }},",
                a.action, a.note
            );
        }
        out.push_str("        ],\n        dependencies: &[\n");
        for g in &row.dependencies {
            let _ = writeln!(
                out,
                "            DependencyGroup {{ of: {:?}, note: {:?}, actions: &{:?} }},",
                g.of, g.note, g.actions
            );
        }
        out.push_str("        ],\n");
        let _ = writeln!(out, "        iam_project: {},", row.iam_project);
        let _ = writeln!(out, "        enterprise_project: {},", row.enterprise_project);
        let _ = writeln!(out, "        sources: &{:?},", row.sources);
        out.push_str("    },\n");
    }
    out.push_str("];\n\n");

    // Per method, the operations in routing order.
    let mut by_method: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        let m = METHODS
            .iter()
            .position(|m| *m == row.method)
            .ok_or("unknown method")?;
        by_method.entry(m).or_default().push(i);
    }
    let _ = writeln!(out, "pub(crate) static ROUTES: [&[u16]; {}] = [", METHODS.len());
    for m in 0..METHODS.len() {
        let mut list = by_method.remove(&m).unwrap_or_default();
        list.sort_by(|&a, &b| template::priority_cmp(&parsed[a], &parsed[b]).then(a.cmp(&b)));
        let _ = writeln!(out, "    &{list:?},");
    }
    out.push_str("];\n\n");
    let _ = writeln!(
        out,
        "pub(crate) static OVERLAPS: [(u16, u16); {}] = {:?};",
        overlaps.len(),
        overlaps
    );
    Ok(out)
}
