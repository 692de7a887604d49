//! `ims-iam matrix import [--format toml|json] FILE...`: imports documentation pages, merges their
//! rows and prints them in the data file's format.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use ims_iam::import::{import_page, merge, to_toml};

/// Output format of `matrix import`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub(crate) enum ImportFormat {
    /// The data file's TOML format.
    #[default]
    Toml,
    /// The same rows as JSON: `{"operation": [...]}`.
    Json,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Exit codes: 0 imported, 2 usage error or unreadable or invalid page.")]
pub(crate) struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: ImportFormat,
    /// Pages to import, in order: `PATH` or `LABEL=PATH` (split at the first `=`). The default
    /// label is the parent directory's name and the file name, e.g. `otc/image_tagging.rst`.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<String>,
}

pub(crate) fn run(args: &Args) -> ExitCode {
    match import(args) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(out.as_bytes())
                .and_then(|()| stdout.flush())
                .is_err()
            {
                return ExitCode::from(super::EXIT_ERROR);
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("ims-iam: error: {message}");
            ExitCode::from(super::EXIT_ERROR)
        }
    }
}

fn import(args: &Args) -> Result<String, String> {
    let mut pages = Vec::with_capacity(args.files.len());
    for arg in &args.files {
        let (label, path) = label_and_path(arg);
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read `{path}`: {e}"))?;
        pages.push(import_page(&text, &label).map_err(|e| e.to_string())?);
    }
    let file = merge(pages).map_err(|e| e.to_string())?;
    match args.format {
        ImportFormat::Toml => Ok(to_toml(&file)),
        ImportFormat::Json => serde_json::to_string_pretty(&file)
            .map(|mut s| {
                s.push('\n');
                s
            })
            .map_err(|e| format!("cannot write JSON: {e}")),
    }
}

/// `LABEL=PATH`, or `PATH` labelled `<parent directory name>/<file name>`.
fn label_and_path(arg: &str) -> (String, &str) {
    if let Some((label, path)) = arg.split_once('=') {
        if !label.is_empty() {
            return (label.to_owned(), path);
        }
    }
    let path = Path::new(arg);
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned());
    let parent = path
        .parent()
        .and_then(Path::file_name)
        .map(|d| d.to_string_lossy().into_owned());
    let label = match (parent, file) {
        (Some(dir), Some(file)) => format!("{dir}/{file}"),
        (None, Some(file)) => file,
        _ => arg.to_owned(),
    };
    (label, arg)
}

#[cfg(test)]
mod tests {
    use super::label_and_path;

    #[test]
    fn labels() {
        assert_eq!(
            label_and_path("ims-docs/otc/image_tagging.rst"),
            (
                "otc/image_tagging.rst".to_owned(),
                "ims-docs/otc/image_tagging.rst"
            )
        );
        assert_eq!(
            label_and_path("seed/en=a/b.txt"),
            ("seed/en".to_owned(), "a/b.txt")
        );
        assert_eq!(label_and_path("page.rst"), ("page.rst".to_owned(), "page.rst"));
        assert_eq!(label_and_path("=x/y.rst"), ("=x/y.rst".to_owned(), "=x/y.rst"));
    }
}
