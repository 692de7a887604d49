//! The generator of the static permission table: checks the data file's rows and writes the Rust
//! that `src/matrix/mod.rs` includes.
//!
//! Shared, through `#[path]`, by `build.rs` (which runs it on `src/matrix/ims-permissions.toml`) and by
//! the library's tests (which check that it refuses bad data). Depends on std and its sibling modules
//! `model` and `template` only.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::model::{ActionEntry, BASES, CLOUDS, DependencyGroup, MatrixFile, Row, SITUATIONS, check_action};
use super::route_gen;
use super::template::{self, ParamFormatName, TemplateSegment};

const SECTIONS: &[&str] = &[
    "Image Management",
    "Image Tagging",
    "Image Schema",
    "Image Sharing",
    "Image Replication",
    "Image Quota",
    "Asynchronous Job Query",
];
/// In the order of `Method`'s variants.
const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

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

/// One row's facts in one cloud profile: the row's own, with the profile's differences applied.
struct Facts<'r> {
    actions: &'r [ActionEntry],
    dependencies: &'r [DependencyGroup],
    enterprise_project: bool,
    /// The row's sources, then the pages of the profile's differences.
    sources: Vec<&'r str>,
}

fn facts<'r>(row: &'r Row, cloud: &str) -> Facts<'r> {
    let own = row.clouds.get(cloud);
    let mut sources: Vec<&str> = row.sources.iter().map(String::as_str).collect();
    sources.extend(own.iter().flat_map(|c| c.sources.iter().map(String::as_str)));
    Facts {
        actions: own.and_then(|c| c.actions.as_deref()).unwrap_or(&row.actions),
        dependencies: own
            .and_then(|c| c.dependencies.as_deref())
            .unwrap_or(&row.dependencies),
        enterprise_project: own
            .and_then(|c| c.enterprise_project)
            .unwrap_or(row.enterprise_project),
        sources,
    }
}

/// Checks the profiles, the basis of each row and each profile's differences: known profile ids, in
/// the order of `CLOUDS`; a known basis; an `inferred` row names an existing counterpart and requires,
/// in every profile, at least every action the counterpart requires; a `decision` row says why.
fn check_profiles(file: &MatrixFile) -> Result<(), String> {
    let ids: Vec<&str> = file.clouds.iter().map(|c| c.id.as_str()).collect();
    if ids != CLOUDS {
        return Err(format!(
            "the `[[cloud]]` profiles must be {CLOUDS:?}, in that order; found {ids:?}"
        ));
    }
    if let Some(c) = file
        .clouds
        .iter()
        .find(|c| c.name.trim().is_empty() || c.sources.is_empty())
    {
        return Err(format!(
            "cloud `{}`: a profile needs a name and at least one source",
            c.id
        ));
    }
    let rows = &file.operations;
    for (i, row) in rows.iter().enumerate() {
        let at = format!("operation {i} ({} {})", row.method, row.template);
        if !BASES.contains(&row.basis.as_str()) {
            return Err(format!(
                "{at}: unknown basis `{}` (expected one of {BASES:?})",
                row.basis
            ));
        }
        match (row.basis.as_str(), &row.inferred_from, &row.basis_note) {
            ("inferred", None, _) => return Err(format!("{at}: an inferred row needs `inferred_from`")),
            ("decision", _, None) => return Err(format!("{at}: a decision row needs `basis_note`")),
            ("permission-table" | "decision", Some(_), _) => {
                return Err(format!("{at}: `inferred_from` is only for inferred rows"));
            }
            _ => {}
        }
        for (cloud, own) in &row.clouds {
            if !CLOUDS[1..].contains(&cloud.as_str()) {
                return Err(format!(
                    "{at}: unknown cloud profile `{cloud}` (the row's own facts are `{}`'s)",
                    CLOUDS[0]
                ));
            }
            if own.sources.is_empty() {
                return Err(format!("{at}: cloud `{cloud}`: the differences need a source"));
            }
            for a in own.actions.iter().flatten() {
                check_action(&a.action).map_err(|e| format!("{at}: cloud `{cloud}`: {e}"))?;
                if a.when
                    .as_ref()
                    .is_some_and(|w| !SITUATIONS.iter().any(|(id, _)| id == w))
                {
                    return Err(format!("{at}: cloud `{cloud}`: unknown situation"));
                }
            }
            for g in own.dependencies.iter().flatten() {
                for action in g.of.iter().chain(&g.actions) {
                    check_action(action).map_err(|e| format!("{at}: cloud `{cloud}`: dependency: {e}"))?;
                }
            }
        }
        let Some(counterpart) = &row.inferred_from else {
            continue;
        };
        let Some(other) = rows
            .iter()
            .find(|r| format!("{} {}", r.method, r.template) == *counterpart)
        else {
            return Err(format!("{at}: `inferred_from` names no row: `{counterpart}`"));
        };
        for cloud in CLOUDS {
            let (mine, theirs) = (facts(row, cloud), facts(other, cloud));
            for a in theirs.actions {
                let kept = mine.actions.iter().any(|m| {
                    m.action.eq_ignore_ascii_case(&a.action) && (m.when.is_none() || m.when == a.when)
                });
                if !kept {
                    return Err(format!(
                        "{at}: in `{cloud}` it requires less than `{counterpart}`, from which it is inferred: \
                         `{}` is missing",
                        a.action
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Checks the rows (known sections, methods and situations; well-formed actions and templates; no
/// action twice in a row; no duplicate rows, that is two templates of one method with the same shape) and
/// returns the generated Rust, or what is wrong.
pub fn generate(file: &MatrixFile) -> Result<String, String> {
    let rows = &file.operations;
    if rows.is_empty() {
        return Err("no operation".into());
    }
    if rows.len() > usize::from(u16::MAX) {
        return Err("too many operations".into());
    }
    check_profiles(file)?;
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
        let every_cloud = CLOUDS.iter().flat_map(|c| facts(row, c).actions);
        for a in every_cloud {
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
    let _ = writeln!(out, "pub(crate) const MAX_SEGMENTS: usize = {max_segments};");
    let _ = writeln!(out, "pub(crate) const CLOUD_COUNT: usize = {};\n", CLOUDS.len());

    out.push_str("pub(crate) static PROFILES: [(&str, &[&str]); CLOUD_COUNT] = [\n");
    for profile in &file.clouds {
        let _ = writeln!(out, "    ({:?}, &{:?}),", profile.name, profile.sources);
    }
    out.push_str("];\n\n");
    for (c, cloud) in CLOUDS.iter().enumerate() {
        let _ = writeln!(
            out,
            "static OPERATIONS_{}: [Operation; {}] = [",
            cloud.to_ascii_uppercase().replace('-', "_"),
            rows.len()
        );
        for (i, (row, segments)) in rows.iter().zip(&parsed).enumerate() {
            operation(&mut out, i, row, segments, cloud, c, &action_id)?;
        }
        out.push_str("];\n\n");
    }
    let _ = writeln!(
        out,
        "pub(crate) static TABLES: [&[Operation]; CLOUD_COUNT] = [{}];\n",
        CLOUDS
            .iter()
            .map(|c| format!("&OPERATIONS_{}", c.to_ascii_uppercase().replace('-', "_")))
            .collect::<Vec<_>>()
            .join(", ")
    );

    let by_method = routing_order(rows, &parsed)?;
    let mut by_len = String::new();
    // Read by the reference router of the tests only (the router uses `route_matcher`).
    by_len.push_str("#[cfg(test)]\n");
    let _ = writeln!(
        by_len,
        "pub(crate) static ROUTES_BY_LEN: [[&[u16]; MAX_SEGMENTS + 1]; {}] = [",
        METHODS.len()
    );
    for list in &by_method {
        // The routing order restricted to each segment count.
        by_len.push_str("    [");
        for count in 0..=max_segments {
            let same: Vec<usize> = list
                .iter()
                .copied()
                .filter(|&i| parsed[i].len() == count)
                .collect();
            let _ = write!(by_len, "&{same:?}, ");
        }
        by_len.push_str("],\n");
    }
    by_len.push_str("];\n\n");
    out.push_str(&by_len);
    let _ = writeln!(
        out,
        "pub(crate) static OVERLAPS: [(u16, u16); {}] = {:?};",
        overlaps.len(),
        overlaps
    );
    Ok(out)
}

/// Per method (in the order of [`METHODS`]), the operations in routing priority order.
fn routing_order(rows: &[Row], parsed: &[Vec<TemplateSegment<'_>>]) -> Result<Vec<Vec<usize>>, String> {
    let mut by_method: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        let m = METHODS
            .iter()
            .position(|m| *m == row.method)
            .ok_or("unknown method")?;
        by_method.entry(m).or_default().push(i);
    }
    Ok((0..METHODS.len())
        .map(|m| {
            let mut list = by_method.remove(&m).unwrap_or_default();
            list.sort_by(|&a, &b| template::priority_cmp(&parsed[a], &parsed[b]).then(a.cmp(&b)));
            list
        })
        .collect())
}

/// The router's matcher (see `route_gen`) for the rows of a file that [`generate`] accepts.
pub fn route_matcher(file: &MatrixFile) -> Result<String, String> {
    let parsed = file
        .operations
        .iter()
        .map(|row| template::parse_template(&row.template))
        .collect::<Result<Vec<_>, _>>()?;
    let max_segments = parsed.iter().map(Vec::len).max().unwrap_or(0);
    route_gen::matcher(&routing_order(&file.operations, &parsed)?, &parsed, max_segments)
}

/// The router's fast walks (see `route_gen::fast`) for the rows of a file that [`generate`] accepts.
pub fn route_fast(file: &MatrixFile) -> Result<String, String> {
    let parsed = file
        .operations
        .iter()
        .map(|row| template::parse_template(&row.template))
        .collect::<Result<Vec<_>, _>>()?;
    route_gen::fast(&routing_order(&file.operations, &parsed)?, &parsed)
}

/// Writes one row of one cloud profile's table.
fn operation(
    out: &mut String,
    i: usize,
    row: &Row,
    segments: &[TemplateSegment<'_>],
    cloud: &str,
    cloud_index: usize,
    action_id: &dyn Fn(&str) -> Option<usize>,
) -> Result<(), String> {
    let facts = facts(row, cloud);
    let _ = writeln!(out, "    Operation {{");
    let _ = writeln!(out, "        index: {i},");
    let _ = writeln!(out, "        cloud: Cloud::ALL[{cloud_index}],");
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
                    ParamFormatName::ApiVersion => "ApiVersion",
                    ParamFormatName::Any => "Any",
                };
                let _ = write!(out, "Segment::Param({p:?}, ParamFormat::{format}), ");
            }
        }
    }
    out.push_str("],\n");
    let names: Vec<&str> = segments
        .iter()
        .filter_map(|s| match s {
            TemplateSegment::Param(p) => Some(*p),
            TemplateSegment::Literal(_) => None,
        })
        .collect();
    let _ = writeln!(out, "        param_names: &{names:?},");
    let _ = writeln!(out, "        api_notes: &{:?},", row.api_notes);
    out.push_str("        actions: &[\n");
    for a in facts.actions {
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
    for g in facts.dependencies {
        let _ = writeln!(
            out,
            "            DependencyGroup {{ of: {:?}, note: {:?}, actions: &{:?} }},",
            g.of, g.note, g.actions
        );
    }
    out.push_str("        ],\n");
    let _ = writeln!(out, "        iam_project: {},", row.iam_project);
    let _ = writeln!(out, "        enterprise_project: {},", facts.enterprise_project);
    let _ = writeln!(out, "        sources: &{:?},", facts.sources);
    let _ = writeln!(out, "        basis: Basis::{},", camel(&row.basis));
    let _ = writeln!(out, "        inferred_from: {:?},", row.inferred_from);
    let _ = writeln!(out, "        basis_note: {:?},", row.basis_note);
    out.push_str("    },\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::model::{ActionEntry, Row};

    fn row(method: &str, template: &str) -> Row {
        Row {
            section: "Image Tagging".into(),
            name: "a row".into(),
            name_zh: None,
            method: method.into(),
            template: template.into(),
            api_notes: Vec::new(),
            actions: vec![ActionEntry {
                action: "ims:images:update".into(),
                when: None,
                note: None,
            }],
            dependencies: Vec::new(),
            iam_project: true,
            enterprise_project: false,
            sources: vec!["test".into()],
            basis: crate::matrix::model::default_basis(),
            inferred_from: None,
            basis_note: None,
            clouds: std::collections::BTreeMap::new(),
        }
    }

    fn file(rows: Vec<Row>) -> MatrixFile {
        let clouds = CLOUDS
            .iter()
            .map(|id| crate::matrix::model::CloudProfile {
                id: (*id).to_owned(),
                name: (*id).to_owned(),
                sources: vec!["test".into()],
            })
            .collect();
        MatrixFile {
            clouds,
            operations: rows,
        }
    }

    #[test]
    fn the_committed_data_generates_what_the_library_includes() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/matrix/ims-permissions.toml"
        ))
        .unwrap();
        let data: MatrixFile = toml::from_str(&text).unwrap();
        let out = generate(&data).unwrap();
        let included = std::fs::read_to_string(concat!(env!("OUT_DIR"), "/matrix.rs")).unwrap();
        assert_eq!(out, included);
        let matcher = route_matcher(&data).unwrap();
        let included = std::fs::read_to_string(concat!(env!("OUT_DIR"), "/route_matcher.rs")).unwrap();
        assert_eq!(matcher, included);
        let fast = route_fast(&data).unwrap();
        let included = std::fs::read_to_string(concat!(env!("OUT_DIR"), "/route_fast.rs")).unwrap();
        assert_eq!(fast, included);
    }

    #[test]
    fn duplicate_rows_are_refused() {
        let err = generate(&file(vec![
            row("PUT", "/v2/images/{image_id}/tags/{tag}"),
            row("PUT", "/v2/images/{id}/tags/{key}"),
        ]))
        .unwrap_err();
        assert!(
            err.starts_with("duplicate rows: PUT /v2/images/{image_id}/tags/{tag}"),
            "{err}"
        );
        // The same template under another method is another row.
        assert!(generate(&file(vec![row("PUT", "/v2/a/{x}"), row("DELETE", "/v2/a/{x}")])).is_ok());
    }

    #[test]
    fn overlaps_are_recorded_with_the_winner_first() {
        let out = generate(&file(vec![row("GET", "/v2/{p}/images"), row("GET", "/v2/x/{q}")])).unwrap();
        assert!(out.contains("OVERLAPS: [(u16, u16); 1] = [(1, 0)]"), "{out}");
    }

    #[test]
    fn bad_rows_are_refused() {
        let mut bad_section = row("GET", "/a");
        bad_section.section = "Image Magic".into();
        let mut bad_situation = row("GET", "/a");
        bad_situation.actions[0].when = Some("sometimes".into());
        let mut bad_action = row("GET", "/a");
        bad_action.actions[0].action = "ims:images".into();
        let mut twice = row("GET", "/a");
        twice.actions.push(twice.actions[0].clone());
        let mut no_source = row("GET", "/a");
        no_source.sources.clear();
        for (r, want) in [
            (bad_section, "unknown section"),
            (bad_situation, "unknown situation"),
            (bad_action, "expected an action"),
            (twice, "twice"),
            (no_source, "at least one source"),
            (row("get", "/a"), "unknown method"),
            (row("GET", "/a//b"), "bad literal segment"),
        ] {
            let err = generate(&file(vec![r])).unwrap_err();
            assert!(err.contains(want), "{err}");
        }
        assert!(generate(&file(Vec::new())).is_err());
    }
}
