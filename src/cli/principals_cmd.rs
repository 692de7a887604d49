//! `ims-iam principals check FILE`: load a principals file and every policy file it names, as
//! `ims-iam serve --principals` would, and say what is wrong.
//!
//! Exit codes: 0 the file loads, 1 it does not (a finding), 2 the principals file cannot be read.

use std::path::PathBuf;
use std::process::ExitCode;

use ims_iam::{Principals, PrincipalsError};

use super::EXIT_ERROR;

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Check a principals file and the policy files it names; exit 0 when it loads, 1 when it does not,
    /// 2 when it cannot be read. `ims-iam lint --principals FILE` also lints its policies.
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// The principals file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

pub(crate) fn run(command: &Command) -> ExitCode {
    let Command::Check(args) = command;
    let shown = args.file.display();
    match Principals::load(&args.file) {
        Ok(p) => {
            super::out(&format!(
                "{shown}: valid: {} policies, {} groups, {} users\n",
                p.policies().count(),
                p.groups().count(),
                p.users().count()
            ));
            ExitCode::SUCCESS
        }
        Err(PrincipalsError::Io { path, source }) if path == args.file => {
            eprintln!("error: cannot read `{shown}`: {source}");
            ExitCode::from(EXIT_ERROR)
        }
        Err(err @ PrincipalsError::Syntax { line, column, .. }) => {
            super::out(&format!("{shown}:{line}:{column}: error: {err}\n"));
            ExitCode::from(1)
        }
        Err(err) => {
            super::out(&format!("{shown}: error: {err}\n"));
            ExitCode::from(1)
        }
    }
}
