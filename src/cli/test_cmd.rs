//! `ims-iam test`: run declarative decision-test files (see `ims_iam::testing`).
//!
//! Exit codes: 0 every case passed, 1 some case failed, 2 a file is unreadable or invalid.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::EXIT_ERROR;
use ims_iam::testing;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Decision-test files, or directories (every `*.test.json` below them).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The cloud profile for files that name none (a file's `cloud` field wins).
    #[command(flatten)]
    cloud: super::cloud::CloudArg,
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for entry in entries {
            if entry.is_dir() || entry.to_string_lossy().ends_with(".test.json") {
                collect(&entry, out)?;
            }
        }
    } else {
        out.push(path.to_owned());
    }
    Ok(())
}

pub(crate) fn run(args: &Args) -> ExitCode {
    let mut files = Vec::new();
    for f in &args.files {
        if let Err(e) = collect(f, &mut files) {
            eprintln!("error: cannot read `{}`: {e}", f.display());
            return ExitCode::from(EXIT_ERROR);
        }
    }
    let (mut passed, mut failed, mut invalid) = (0usize, 0usize, false);
    for file in &files {
        match testing::run_file_in(file, args.cloud.cloud) {
            Ok(report) => {
                let f = report.failures().count();
                passed += report.cases.len() - f;
                failed += f;
                super::out(&report.to_string());
            }
            Err(e) => {
                eprintln!("error: {e}");
                invalid = true;
            }
        }
    }
    super::out(&format!("{passed} passed, {failed} failed\n"));
    if invalid {
        ExitCode::from(EXIT_ERROR)
    } else if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
