//! `ims-iam schema policy|principals|test`: print a JSON Schema (see `ims_iam::schema`).

use std::process::ExitCode;

use clap::ValueEnum;

/// Which file's schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Kind {
    /// Policy files (documents, role objects, envelopes, list responses).
    Policy,
    /// Principals files (`ims-iam serve --principals`, `ims-iam lint --principals`).
    Principals,
    /// Decision-test files (`ims-iam test`).
    Test,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Save the output and point your editor at it, e.g. in VS Code's settings: \
                  \"json.schemas\": [{\"fileMatch\": [\"*.test.json\"], \"url\": \"./ims-iam-test.schema.json\"}]."
)]
pub(crate) struct Args {
    /// The kind of file.
    #[arg(value_enum)]
    kind: Kind,
}

pub(crate) fn run(args: &Args) -> ExitCode {
    let schema = match args.kind {
        Kind::Policy => ims_iam::schema::policy(),
        Kind::Principals => ims_iam::schema::principals(),
        Kind::Test => ims_iam::schema::test(),
    };
    super::out(&format!("{schema:#}\n"));
    ExitCode::SUCCESS
}
