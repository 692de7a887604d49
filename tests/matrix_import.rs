#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The importer against the documentation pages in `../shared` (SPEC 1.3): importing the OTC pages
//! and the two seed pages gives exactly the committed data file (less the rows only Huawei Cloud
//! lists), and the editions of the tagging page agree. Also the `ims-iam matrix import` command.
#![cfg(feature = "import")]

use std::path::{Path, PathBuf};

use ims_iam::import::{MatrixFile, Row};
use ims_iam::import::{import_page, merge, to_toml};

/// The OTC pages, in the order the data file lists their sections.
const OTC_PAGES: &[&str] = &[
    "image_management.rst",
    "image_tagging.rst",
    "image_schema.rst",
    "image_sharing.rst",
    "image_replication.rst",
    "image_quota.rst",
];

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared`, or `None` after saying loudly that the test is skipped (a failure under CI).
fn shared() -> Option<PathBuf> {
    let dir = manifest().join("../shared");
    if dir.is_dir() {
        return Some(dir);
    }
    eprintln!("SKIPPED: ../shared not found (looked for {})", dir.display());
    assert!(
        std::env::var_os("CI").is_none(),
        "../shared must exist in CI: the importer test cannot run without the documentation pages"
    );
    None
}

/// The one file in `dir` whose name starts with `prefix`.
fn seed(dir: &Path, prefix: &str) -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .collect();
    assert_eq!(found.len(), 1, "expected one {prefix}* in {}", dir.display());
    found.pop().unwrap()
}

fn import(path: &Path, label: &str) -> Vec<Row> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    import_page(&text, label).unwrap_or_else(|e| panic!("{e}"))
}

/// Every page, labelled as the data file labels it, in the data file's order.
fn pages(shared: &Path) -> Vec<(String, Vec<Row>)> {
    let mut out: Vec<(String, Vec<Row>)> = OTC_PAGES
        .iter()
        .map(|file| {
            let label = format!("otc/{file}");
            let rows = import(&shared.join("ims-docs/otc").join(file), &label);
            (label, rows)
        })
        .collect();
    let seeds = shared.join("seeds");
    out.push(("seed/en".to_owned(), import(&seed(&seeds, "000_"), "seed/en")));
    out.push(("seed/zh".to_owned(), import(&seed(&seeds, "001_"), "seed/zh")));
    out
}

fn committed() -> MatrixFile {
    let text = std::fs::read_to_string(manifest().join("src/matrix/ims-permissions.toml")).unwrap();
    toml::from_str(&text).unwrap()
}

/// A readable difference between two row lists, matched by method and template.
fn diff(want: &[Row], got: &[Row]) -> String {
    let key = |r: &Row| format!("{} {}", r.method, r.template);
    let render = |r: &Row| {
        to_toml(&MatrixFile {
            clouds: Vec::new(),
            operations: vec![r.clone()],
        })
    };
    let mut out = String::new();
    for w in want {
        match got.iter().find(|g| key(g) == key(w)) {
            None => out.push_str(&format!("missing from the import: {}\n", key(w))),
            Some(g) if g != w => {
                out.push_str(&format!("row {} differs (- committed, + imported):\n", key(w)));
                let (wl, gl) = (render(w), render(g));
                for line in wl.lines().filter(|l| !gl.lines().any(|x| x == *l)) {
                    out.push_str(&format!("  - {line}\n"));
                }
                for line in gl.lines().filter(|l| !wl.lines().any(|x| x == *l)) {
                    out.push_str(&format!("  + {line}\n"));
                }
            }
            Some(_) => {}
        }
    }
    for g in got.iter().filter(|g| !want.iter().any(|w| key(w) == key(g))) {
        out.push_str(&format!("not in the committed file: {}\n", key(g)));
    }
    let order = |rows: &[Row]| rows.iter().map(key).collect::<Vec<_>>();
    if out.is_empty() && order(want) != order(got) {
        out.push_str(&format!(
            "same rows, different order:\ncommitted: {:#?}\nimported: {:#?}\n",
            order(want),
            order(got)
        ));
    }
    out
}

#[test]
fn importing_the_pages_gives_the_committed_data_file() {
    let Some(shared) = shared() else { return };
    let merged = merge(pages(&shared).into_iter().map(|(_, rows)| rows)).unwrap_or_else(|e| panic!("{e}"));
    let want: Vec<Row> = committed()
        .operations
        .into_iter()
        .filter(|r| r.sources.iter().any(|s| s.starts_with("otc/")))
        // Other profiles' differences are not on the OTC pages.
        .map(|r| Row {
            clouds: Default::default(),
            ..r
        })
        .collect();
    assert_eq!(want.len(), 43, "the committed file has the 43 OTC rows");
    let report = diff(&want, &merged.operations);
    assert!(
        report.is_empty(),
        "the import disagrees with the committed data file:\n{report}"
    );
    assert_eq!(merged.operations, want);
}

#[test]
fn english_and_chinese_seed_pages_agree_row_for_row() {
    let Some(shared) = shared() else { return };
    let seeds = shared.join("seeds");
    let en = import(&seed(&seeds, "000_"), "seed/en");
    let zh = import(&seed(&seeds, "001_"), "seed/zh");
    assert_eq!(en.len(), 10, "the ten Image Tagging rows");
    assert_eq!(en.len(), zh.len());
    for (e, z) in en.iter().zip(&zh) {
        let facts = |r: &Row| {
            (
                r.section.clone(),
                r.method.clone(),
                r.template.clone(),
                r.actions.clone(),
                r.iam_project,
                r.enterprise_project,
            )
        };
        assert_eq!(facts(e), facts(z), "`{}` and `{}`", e.name, z.name);
        assert!(z.name_zh.is_some(), "`{}` has a Chinese name", z.name);
        assert!(e.name_zh.is_none(), "`{}` has no Chinese name", e.name);
    }
}

#[test]
fn older_english_seed_agrees_with_the_otc_tagging_page_except_labels() {
    let Some(shared) = shared() else { return };
    let old = import(&seed(&shared.join("seeds"), "000_"), "seed/en");
    let otc = import(
        &shared.join("ims-docs/otc/image_tagging.rst"),
        "otc/image_tagging.rst",
    );
    assert_eq!(old.len(), otc.len());
    let mut labels_differ = 0;
    for (o, n) in old.iter().zip(&otc) {
        labels_differ += usize::from(o.name != n.name);
        let unlabelled = |r: &Row| Row {
            name: String::new(),
            sources: Vec::new(),
            ..r.clone()
        };
        assert_eq!(unlabelled(o), unlabelled(n), "`{}` and `{}`", o.name, n.name);
    }
    assert!(
        labels_differ > 0,
        "the editions do word the permissions differently"
    );
}

#[test]
fn the_introduction_page_has_no_table() {
    let Some(shared) = shared() else { return };
    let text = std::fs::read_to_string(shared.join("ims-docs/otc/introduction.rst")).unwrap();
    let err = import_page(&text, "otc/introduction.rst").unwrap_err();
    assert_eq!(err.to_string(), "otc/introduction.rst: no table found");
}

#[cfg(feature = "cli")]
mod cli {
    use std::process::Command;

    use super::*;

    fn fixture(name: &str) -> PathBuf {
        manifest().join("tests/fixtures/import").join(name)
    }

    fn run(args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_ims-iam"))
            .args(["matrix", "import"])
            .args(args)
            .output()
            .unwrap()
    }

    #[test]
    fn prints_the_data_file_format() {
        let page = fixture("replication_6col.rst");
        let out = run(&[page.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let printed: MatrixFile = toml::from_str(std::str::from_utf8(&out.stdout).unwrap()).unwrap();
        let want = import(&page, "import/replication_6col.rst");
        assert_eq!(
            printed.operations, want,
            "default label: parent directory / file name"
        );
    }

    #[test]
    fn labels_and_json() {
        let en = fixture("tagging_5col.rst");
        let zh = fixture("tagging_zh.html");
        let out = run(&[
            "--format",
            "json",
            &format!("old={}", en.display()),
            &format!("zh={}", zh.display()),
            &fixture("replication_6col.rst").display().to_string(),
        ]);
        // The fixtures' tag rows disagree on purpose (notes, dependencies): a conflict is exit 2.
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("`PUT /v2/images/{image_id}/tags/{tag}`: `api_notes` differs"),
            "{stderr}"
        );

        let out = run(&["--format", "json", &format!("old={}", en.display())]);
        assert_eq!(out.status.code(), Some(0));
        let printed: MatrixFile = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(printed.operations.len(), 2);
        assert!(printed.operations.iter().all(|r| r.sources == ["old"]));
    }

    #[test]
    fn missing_or_unparseable_input_exits_2() {
        let out = run(&["tests/fixtures/import/no-such-page.rst"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            String::from_utf8_lossy(&out.stderr)
                .contains("cannot read `tests/fixtures/import/no-such-page.rst`")
        );
        assert!(out.stdout.is_empty());

        let not_a_page = manifest().join("Cargo.toml");
        let out = run(&[not_a_page.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        assert!(out.stdout.is_empty());

        let out = run(&[]);
        assert_eq!(out.status.code(), Some(2), "FILE is required");
    }
}
