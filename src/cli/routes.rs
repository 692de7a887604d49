//! (placeholder, replaced by the subcommand's implementation)

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

pub(crate) fn run(_args: &Args) -> ExitCode {
    ExitCode::from(super::EXIT_ERROR)
}
