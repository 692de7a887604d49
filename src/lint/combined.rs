//! Linting with principals files: each principals file is checked (IMS008), its policy files join the
//! run, and the grant rules (IMS050, IMS051) judge each of them on the combined grant of every group and
//! user that gets it, instead of alone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::context::{Ctx, Sink};
use super::finding::Finding;
use super::{LintError, Options, rules};
use crate::compile::Scope;
use crate::policy::{Limits, PolicyDocument, PolicyFile, read_bytes, read_text};
use crate::principals::{Principals, layout, looks_like_principals};

/// A policy file attached in a principals file: for each group or user that gets it, the other policy
/// files judged with it.
#[derive(Default)]
struct Attached {
    /// `(label, other files)`, the label being ``group `g` `` or ``user `u` ``.
    grantees: Vec<(String, Vec<PathBuf>)>,
}

/// `base/file` without `.` and with each `dir/..` removed where `dir` is a name, as people write it.
fn join(base: &Path, file: &str) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in base.join(file).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// The key a file is known by: its canonical path when it has one.
fn key(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}

/// Whether the file at `path` has the shape of a principals file.
pub(super) fn is_principals(path: &Path) -> bool {
    read_bytes(path, &Limits::default())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .is_some_and(|text| looks_like_principals(&text))
}

/// The run: findings of every file (sorted by the caller) and the files that could not be read.
pub(super) fn lint(
    files: &[PathBuf],
    principals: &[PathBuf],
    options: &Options,
) -> (Vec<Finding>, Vec<LintError>, usize) {
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    let mut policies: Vec<PathBuf> = files.to_vec();
    let mut attached: BTreeMap<PathBuf, Attached> = BTreeMap::new();
    for path in principals {
        let shown = path.display().to_string();
        let text = match read_text(path, &Limits::default()) {
            Ok(text) => text,
            Err(source) => {
                errors.push(LintError::Read { path: shown, source });
                continue;
            }
        };
        if let Err(err) = Principals::load(path) {
            let mut sink = Sink::new(&shown, &text);
            rules::principals::report(&err, &mut sink);
            findings.append(&mut sink.findings);
            continue;
        }
        let Some(layout) = layout(&text) else {
            continue;
        };
        let base = path.parent().unwrap_or_else(|| Path::new(""));
        let file_of = |name: &str| {
            layout
                .policies
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, file)| join(base, file))
        };
        for (_, file) in &layout.policies {
            let file = join(base, file);
            if !policies.iter().any(|p| key(p) == key(&file)) {
                policies.push(file);
            }
        }
        for grantee in &layout.owners {
            for (i, (name, scope)) in grantee.attachments.iter().enumerate() {
                let Some(file) = file_of(name) else {
                    continue;
                };
                // The other attachments that apply wherever this one does.
                let others: Vec<PathBuf> = grantee
                    .attachments
                    .iter()
                    .enumerate()
                    .filter(|&(j, (_, s))| j != i && (*s == Scope::Global || s == scope))
                    .filter_map(|(_, (n, _))| file_of(n))
                    .collect();
                attached
                    .entry(key(&file))
                    .or_default()
                    .grantees
                    .push((grantee.label.clone(), others));
            }
        }
    }
    for path in &policies {
        let found = match attached.get(&key(path)) {
            Some(a) => lint_attached(path, a, options),
            None => super::lint_file(path, options),
        };
        match found {
            Ok(mut f) => findings.append(&mut f),
            Err(e) => errors.push(e),
        }
    }
    let count = policies.len() + principals.len();
    (findings, errors, count)
}

/// The documents of a policy file, or none when it does not parse (its own lint reports that).
fn documents(path: &Path) -> Vec<PolicyDocument> {
    let Ok(text) = read_text(path, &Limits::default()) else {
        return Vec::new();
    };
    match PolicyDocument::parse_file(&text) {
        Ok(PolicyFile::Single(doc)) => vec![doc],
        Ok(PolicyFile::List(roles)) => roles.into_iter().map(|(_, doc)| doc).collect(),
        Err(_) => Vec::new(),
    }
}

/// Lints a policy file that some groups or users get: the local rules once, the grant rules once per
/// grantee, a finding that several grantees share reported once naming them all.
fn lint_attached(path: &Path, attached: &Attached, options: &Options) -> Result<Vec<Finding>, LintError> {
    let shown = path.display().to_string();
    let bytes = read_bytes(path, &Limits::default()).map_err(|source| LintError::Read {
        path: shown.clone(),
        source,
    })?;
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Ok(super::lint_bytes(&shown, &bytes, options));
    };
    let docs: Vec<PolicyDocument> = match PolicyDocument::parse_file(text) {
        Ok(PolicyFile::Single(doc)) => vec![doc],
        Ok(PolicyFile::List(roles)) => roles.into_iter().map(|(_, doc)| doc).collect(),
        Err(_) => return Ok(super::lint_str(&shown, text, options)),
    };
    let mut sink = Sink::new(&shown, text);
    for doc in &docs {
        sink.set_sids(doc);
        rules::run_local(&Ctx::new(text, doc, options), &mut sink);
    }
    // (finding without grantee) -> grantees.
    let mut shared: Vec<(Finding, Vec<&str>)> = Vec::new();
    for (label, other_files) in &attached.grantees {
        let other_docs: Vec<PolicyDocument> = other_files.iter().flat_map(|f| documents(f)).collect();
        for (i, doc) in docs.iter().enumerate() {
            // Attaching a list file attaches every role of it.
            let others: Vec<Ctx<'_>> = docs
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, d)| d)
                .chain(&other_docs)
                .map(|d| Ctx::new(text, d, options))
                .collect();
            let mut grant_sink = Sink::new(&shown, text);
            grant_sink.set_sids(doc);
            rules::run_grants(
                &Ctx::new(text, doc, options).with_others(&others),
                &mut grant_sink,
            );
            for f in grant_sink.findings {
                match shared.iter_mut().find(|(g, _)| *g == f) {
                    Some((_, labels)) => labels.push(label),
                    None => shared.push((f, vec![label])),
                }
            }
        }
    }
    let mut findings = sink.findings;
    for (mut f, labels) in shared {
        f.message = format!("{} (for {})", f.message, labels.join(", "));
        findings.push(f);
    }
    Ok(super::finish(findings, options))
}
