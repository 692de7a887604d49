//! Argument parsing and dispatch. Each subcommand lives in its own file and maps a library result to
//! an exit code; the contract (names, JSON fields, exit codes) is SPEC section 4.

mod authorize;
mod cloud;
mod generate;
mod import;
mod json;
mod lint;
mod match_cmd;
mod matrix_diff;
mod routes;
#[cfg(feature = "serve")]
mod serve;
mod test_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Decide whether requests to the IMS API are allowed by IAM policies.
#[derive(Debug, Parser)]
#[command(name = "ims-iam", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the permission matrix.
    Routes(routes::Args),
    /// Route one raw request to its documented operation.
    Match(match_cmd::Args),
    /// Work with the permission matrix's data.
    #[command(subcommand)]
    Matrix(MatrixCommand),
    /// Decide one request against policy files.
    Authorize(authorize::Args),
    /// Run declarative decision-test files.
    Test(test_cmd::Args),
    /// Check policy files for mistakes before they reach the cloud.
    Lint(lint::Args),
    /// Generate the smallest policy that allows observed calls, and report what else it allows.
    Generate(generate::Args),
    /// Serve forward-auth checks for nginx `auth_request`, Traefik `ForwardAuth` and Envoy `ext_authz`.
    #[cfg(feature = "serve")]
    Serve(serve::Args),
}

#[derive(Debug, Subcommand)]
enum MatrixCommand {
    /// Import documentation pages (RST grid tables, HTML tables) and print them in the data file's format.
    Import(import::Args),
    /// List the rows whose facts differ between two cloud profiles (`--cloud A --cloud B`); exit 1 when
    /// some row differs.
    Diff(matrix_diff::Args),
}

/// Output format of `routes`, `match` and `authorize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum Format {
    /// Human-readable text.
    #[default]
    Text,
    /// JSON (SPEC section 4).
    Json,
}

/// Writes to standard output. A closed pipe (`ims-iam routes | head`) ends the output quietly instead of
/// panicking as `println!` would; the exit code still reports the command's result.
pub(crate) fn out(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// Exit code 2: usage errors, unreadable or invalid input.
pub(crate) const EXIT_ERROR: u8 = 2;

pub(crate) fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_ERROR)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Routes(args) => routes::run(&args),
        Command::Match(args) => match_cmd::run(&args),
        Command::Matrix(MatrixCommand::Import(args)) => import::run(&args),
        Command::Matrix(MatrixCommand::Diff(args)) => matrix_diff::run(&args),
        Command::Authorize(args) => authorize::run(&args),
        Command::Test(args) => test_cmd::run(&args),
        Command::Lint(args) => lint::run(&args),
        Command::Generate(args) => generate::run(&args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(&args),
    }
}
