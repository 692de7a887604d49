//! Which files a lint run reads: files as given, every `*.json` below a directory, or the files a glob
//! pattern matches.

use std::path::{Path, PathBuf};

use glob::{MatchOptions, Pattern};

use super::LintError;

/// Suffix of decision-test files (`ims-iam test`), which are not policies.
const TEST_SUFFIX: &str = ".test.json";

const OPTIONS: MatchOptions = MatchOptions {
    case_sensitive: true,
    require_literal_separator: true,
    require_literal_leading_dot: true,
};

/// The policy files to lint for the paths given on a command line, in a deterministic order.
///
/// - a file is linted whatever its name;
/// - a directory contributes every `*.json` file below it, sorted, except decision-test files
///   (`*.test.json`, run by `ims-iam test`) and hidden files and directories (names starting with `.`);
/// - a path that does not exist but holds `*`, `?` or `[` is a glob pattern (`policies/**/*.json`),
///   expanded with the same exclusions; a pattern that matches nothing is an error.
///
/// A file listed twice is linted once.
///
/// ```
/// use ims_iam::lint::collect_files;
///
/// let dir = std::env::temp_dir().join(format!("ims-iam-collect-doc-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("tests"))?;
/// std::fs::write(dir.join("b.json"), "{}")?;
/// std::fs::write(dir.join("a.json"), "{}")?;
/// std::fs::write(dir.join("tests/read.test.json"), "{}")?;
/// let files = collect_files(&[&dir])?;
/// assert_eq!(files, vec![dir.join("a.json"), dir.join("b.json")]);
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn collect_files<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<PathBuf>, LintError> {
    let mut out: Vec<PathBuf> = Vec::new();
    for path in paths {
        let path = path.as_ref();
        let shown = path.display().to_string();
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let pattern = format!("{}/**/*.json", Pattern::escape(&shown));
                if expand(&pattern, &shown, &mut out)? == 0 {
                    return Err(LintError::EmptyDirectory { path: shown });
                }
            }
            Ok(_) => push(&mut out, path.to_owned()),
            Err(source)
                if source.kind() == std::io::ErrorKind::NotFound && shown.contains(['*', '?', '[']) =>
            {
                if expand(&shown, &shown, &mut out)? == 0 {
                    return Err(LintError::NoMatch { pattern: shown });
                }
            }
            Err(source) => return Err(LintError::Read { path: shown, source }),
        }
    }
    Ok(out)
}

fn push(out: &mut Vec<PathBuf>, path: PathBuf) {
    if !out.contains(&path) {
        out.push(path);
    }
}

/// Adds the files a pattern matches, sorted, without decision-test files; returns how many matched
/// (counting those already added).
fn expand(pattern: &str, shown: &str, out: &mut Vec<PathBuf>) -> Result<usize, LintError> {
    let entries = glob::glob_with(pattern, OPTIONS).map_err(|e| LintError::Pattern {
        pattern: shown.to_owned(),
        message: e.msg.to_owned(),
    })?;
    let mut found = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| LintError::Read {
            path: e.path().display().to_string(),
            source: std::io::Error::new(e.error().kind(), e.error().to_string()),
        })?;
        let is_test = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.ends_with(TEST_SUFFIX));
        if !is_test && path.is_file() {
            found.push(path);
        }
    }
    found.sort();
    let matched = found.len();
    for path in found {
        push(out, path);
    }
    Ok(matched)
}
