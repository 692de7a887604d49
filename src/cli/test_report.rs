//! The output of `ims-iam test`: text, JUnit XML or JSON, and the coverage summary with its threshold.

use std::process::ExitCode;

use clap::ValueEnum;
use ims_iam::Cloud;
use ims_iam::testing::{self, Coverage, TestReport};

use super::EXIT_ERROR;

/// Output format of `test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum TestFormat {
    /// Per file, `N passed, M failed` and each failure with its explanation, then the totals.
    #[default]
    Text,
    /// JUnit XML: one testsuite per file, one testcase per case, failures with the explanation.
    Junit,
    /// JSON: per file, per case: `name`, `passed`, `expected`, `actual`, `message`.
    Json,
}

/// Coverage flags of `test`.
#[derive(Debug, clap::Args)]
pub(crate) struct CoverageArgs {
    /// Report which operations, statements and conditions the cases exercised (to standard error with
    /// `--format junit` or `json`, which keep standard output machine-readable).
    #[arg(long)]
    coverage: bool,
    /// With `--coverage`: exit 1 when operations, statements or conditions (covered both ways) are
    /// under this percentage.
    #[arg(long, value_name = "PCT", requires = "coverage", value_parser = parse_percent)]
    threshold: Option<f64>,
}

fn parse_percent(text: &str) -> Result<f64, String> {
    match text.trim_end_matches('%').parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(format!("`{text}` is not a percentage from 0 to 100")),
    }
}

/// Prints the reports and the coverage, and maps the run to an exit code: 2 when a file was invalid, 1
/// when a case failed or the coverage is under the threshold, 0 otherwise.
pub(crate) fn finish(
    format: TestFormat,
    coverage: &CoverageArgs,
    cloud: Cloud,
    reports: &[TestReport],
    invalid: bool,
) -> ExitCode {
    let failed: usize = reports.iter().map(|r| r.failures().count()).sum();
    let total: usize = reports.iter().map(|r| r.cases.len()).sum();
    match format {
        TestFormat::Text => {
            for r in reports {
                super::out(&super::style::test_report(&r.to_string()));
            }
            super::out(&super::style::test_report(&format!(
                "{} passed, {failed} failed\n",
                total - failed
            )));
        }
        TestFormat::Junit => super::out(&testing::to_junit(reports)),
        TestFormat::Json => super::out(&format!("{:#}\n", testing::to_json(reports))),
    }
    let mut under = false;
    if coverage.coverage {
        let mut c = Coverage::new(cloud);
        for r in reports {
            c.add(r);
        }
        let mut text = c.to_string();
        if let Some(t) = coverage.threshold {
            under = !c.meets(t);
            if under {
                text.push_str(&format!("coverage is under the threshold of {t}%\n"));
            }
        }
        if format == TestFormat::Text {
            super::out(&text);
        } else {
            eprint!("{text}");
        }
    }
    if invalid {
        ExitCode::from(EXIT_ERROR)
    } else if failed > 0 || under {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
