//! Argument parsing and dispatch. Each subcommand lives in its own file and maps a library result to
//! an exit code; the contract (names, JSON fields, exit codes) is SPEC section 4. Every command's
//! `--help` states its exit codes.

mod access;
mod analysis_io;
mod authorize;
mod check;
mod cloud;
mod diff;
mod generate;
mod import;
mod json;
mod lint;
mod match_cmd;
mod matrix_diff;
mod principals_cmd;
mod reference;
mod routes;
mod schema_cmd;
#[cfg(feature = "serve")]
mod serve;
mod style;
mod test_cmd;
mod test_report;
mod who_can;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Decide whether requests to the IMS API are allowed by IAM policies.
#[derive(Debug, Parser)]
#[command(name = "ims-iam", version, about, propagate_version = true)]
struct Cli {
    /// Colour in text output: `auto` colours on a terminal unless `NO_COLOR` is set.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    color: ColorWhen,
    #[command(subcommand)]
    command: Command,
}

/// When text output is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorWhen {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
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
    /// What a policy set allows: every operation and scope situation, allow / deny / conditional.
    Access(access::Args),
    /// Which users and groups of a principals file may call an API.
    WhoCan(who_can::Args),
    /// Prove that no request of a specification is allowed (`--never`), or nothing outside (`--only`).
    Check(check::Args),
    /// What a change of policies grants that was not granted before, and what it removes.
    Diff(diff::Args),
    /// Run declarative decision-test files.
    Test(test_cmd::Args),
    /// Check policy files for mistakes before they reach the cloud.
    Lint(lint::Args),
    /// Check principals files (users, groups and their policies).
    #[command(subcommand)]
    Principals(principals_cmd::Command),
    /// Print the JSON Schema of policy, principals or decision-test files, for editors.
    Schema(schema_cmd::Args),
    /// Generate the smallest policy that allows observed calls, and report what else it allows.
    Generate(generate::Args),
    /// Serve forward-auth checks for nginx `auth_request`, Traefik `ForwardAuth` and Envoy `ext_authz`.
    #[cfg(feature = "serve")]
    Serve(serve::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(reference::CompletionsArgs),
    /// Print the man page (roff), e.g. `ims-iam man > ims-iam.1`.
    Man,
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
    /// JSON: the decision, reason, operation, parameters, and per action the deciding statements
    /// (README, "JSON output"); field names are stable.
    Json,
}

/// Writes to standard output. A closed pipe (`ims-iam routes | head`) ends the output quietly instead of
/// panicking as `println!` would; the exit code still reports the command's result. Colour (see
/// [`style`]) is stripped unless the output is a terminal and colour is wanted.
pub(crate) fn out(text: &str) {
    use std::io::Write as _;
    let _ = anstream::stdout().lock().write_all(text.as_bytes());
}

/// Writes to standard error, colour stripped as for [`out`].
pub(crate) fn err(text: &str) {
    use std::io::Write as _;
    let _ = anstream::stderr().lock().write_all(text.as_bytes());
}

/// `warning: MESSAGE` on standard error.
pub(crate) fn warn(message: &str) {
    err(&style::warning(message));
}

/// `error: MESSAGE` on standard error.
pub(crate) fn error(message: &str) {
    err(&style::error(message));
}

/// The message for a `--situation` that names none: the valid ids.
pub(crate) fn unknown_situation(given: &str) -> String {
    let ids: Vec<&str> = ims_iam::Situation::ALL.iter().map(|s| s.id()).collect();
    format!(
        "unknown situation `{given}`: expected one of `{}`",
        ids.join("`, `")
    )
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
    anstream::ColorChoice::write_global(match cli.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    });
    match cli.command {
        Command::Routes(args) => routes::run(&args),
        Command::Match(args) => match_cmd::run(&args),
        Command::Matrix(MatrixCommand::Import(args)) => import::run(&args),
        Command::Matrix(MatrixCommand::Diff(args)) => matrix_diff::run(&args),
        Command::Authorize(args) => authorize::run(&args),
        Command::Test(args) => test_cmd::run(&args),
        Command::Access(args) => access::run(&args),
        Command::WhoCan(args) => who_can::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Lint(args) => lint::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Principals(command) => principals_cmd::run(&command),
        Command::Schema(args) => schema_cmd::run(&args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(&args),
        Command::Completions(args) => reference::completions::<Cli>(&args),
        Command::Man => reference::man::<Cli>(),
    }
}
