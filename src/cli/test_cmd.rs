//! `ims-iam test`: run declarative decision-test files (see `ims_iam::testing`).
//!
//! Exit codes: 0 every case passed, 1 some case failed, 2 a file is unreadable or invalid.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::EXIT_ERROR;
use ims_iam::testing;

#[derive(Debug, clap::Args)]
#[command(after_help = "File format (JSON; README, \"Decision tests\"): \
    {\"policies\": [{\"file\": \"p.json\", \"scope\": \"global\"}], \
    \"cases\": [{\"name\": \"...\", \"method\": \"GET\", \"target\": \"/v2/cloudimages\", \
    \"expect\": \"allow\"}]}.\n\
    `policies[]`: `{file, scope}` (path relative to the test file) or `{name, scope, document}` (inline); \
    scope `global`, `project:ID` or `enterprise-project:ID`.\n\
    `cases[]`: `name`, `method`, `target`; optional `policies` (replaces the file's), `project`, \
    `enterprise_project`, `context` ({\"g:SourceIp\": \"10.0.0.1\"}, an array is multi-valued), `situations`, \
    `current_time` (RFC 3339), `expect` (`allow`, `deny`, `explicit_deny`, `implicit_deny`, \
    `no_action_required`, `error`), `expect_error` (an error kind, with `error`), `expect_statements` \
    ([{\"policy\": \"p.json\", \"statement\": 0}], the statements that decided).\n\
    Optional top level: `description`, `cloud`.\n\
    Exit codes: 0 every case passed, 1 some case failed, 2 usage error, or a file unreadable or invalid, \
    or no test file found.")]
pub(crate) struct Args {
    /// Decision-test files, or directories (every `*.test.json` below them).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The cloud profile for files that name none (a file's `cloud` field wins).
    #[command(flatten)]
    cloud: super::cloud::CloudArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: super::test_report::TestFormat,
    #[command(flatten)]
    coverage: super::test_report::CoverageArgs,
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
        let before = files.len();
        if let Err(e) = collect(f, &mut files) {
            super::error(&format!("cannot read `{}`: {e}", f.display()));
            return ExitCode::from(EXIT_ERROR);
        }
        if files.len() == before {
            super::error(&format!(
                "no decision-test file in directory `{}`: test reads every `*.test.json` below a directory",
                f.display()
            ));
            return ExitCode::from(EXIT_ERROR);
        }
    }
    let mut reports = Vec::with_capacity(files.len());
    let mut invalid = false;
    for file in &files {
        match testing::run_file_in(file, args.cloud.cloud) {
            Ok(report) => {
                for warning in &report.warnings {
                    super::warn(warning);
                }
                reports.push(report);
            }
            Err(e) => {
                super::error(&e.to_string());
                invalid = true;
            }
        }
    }
    super::test_report::finish(args.format, &args.coverage, args.cloud.cloud, &reports, invalid)
}
