//! Least privilege from observed calls (SPEC section 6): the smallest Version 1.1 policy that allows every
//! observed IMS call, and what else it allows.
//!
//! Three inputs ([`InputFormat`]): `calls` files (`METHOD TARGET` per line, see below), the JSON decision
//! logs of `ims-iam serve` (shadow mode: `serve --dry-run`), and Cloud Trace Service trace files (which do
//! not identify the IMS API: their IMS traces are listed as unrouted, see the README). Each call is routed
//! with the strict router; what does not route is listed ([`Unrouted`]), never guessed.
//!
//! The policy has one Allow statement with the exact actions the calls required (sorted, once each,
//! documented spelling), conditional actions only where a call said their situation held, no wildcard
//! unless [`Generator::compact`] proved one changes nothing. Next to it, [`Generated`] gives the covered
//! accesses, the *collateral* (every other operation and situation the policy allows, computed with the
//! real evaluator), the dependent actions as a note, and a scope suggestion.
//!
//! Calls files: blank lines and `#` comments are skipped; after `METHOD TARGET`, the annotations
//! `situation=ID` (repeatable) and `project=ID` say what the line cannot: the situation of a call whose
//! required actions depend on one (quick import needs `system-disk-image-import` or
//! `data-disk-image-import`), and the project of a call whose path has none. [`Generator::with_situation`]
//! says a situation held for every call (the only way for logs and traces).
//!
//! ```
//! use ims_iam::generate::{Generator, InputFormat};
//!
//! let calls = "\
//! GET /v2/cloudimages
//! PUT /v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/env
//! GET /v2/imagez
//! ";
//! let mut generator = Generator::default();
//! generator.read_str("calls.txt", calls, InputFormat::Calls)?;
//! let generated = generator.generate();
//! assert_eq!(generated.actions(), ["ims:images:get", "ims:images:list", "ims:images:update"]);
//! assert_eq!(generated.unrouted()[0].to_string(), "calls.txt:3: GET /v2/imagez: no GET API has the path `/v2/imagez` (not_found)");
//! // Tagging needs ims:images:update, which also allows updating image information, among others.
//! assert!(generated.collateral().iter().any(|a| a.to_string() == "PATCH /v2/images/{image_id}"));
//! # Ok::<(), ims_iam::generate::InputError>(())
//! ```

mod builder;
mod calls;
mod collateral;
mod cts;
mod input;
mod log;
mod report;

use std::collections::BTreeMap;
use std::io::{BufRead, Read as _};
use std::path::Path;

pub use collateral::Access;
pub use input::{InputError, InputLimits, Unrouted};
pub use report::{Generated, ScopeSuggestion};

use calls::{CallLine, RawCall};
use input::{Line, Lines, MAX_CTS_FILE_BYTES, Stop, shown};
use log::LogLine;

use crate::matrix::Situation;
use crate::route::Router;

/// What the input files hold.
///
/// ```
/// use ims_iam::generate::InputFormat;
/// assert_eq!("log".parse::<InputFormat>(), Ok(InputFormat::Log));
/// assert!("har".parse::<InputFormat>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// `METHOD TARGET [situation=ID]... [project=ID]` per line.
    #[default]
    Calls,
    /// The JSON decision logs of `ims-iam serve --log-format json`.
    Log,
    /// Cloud Trace Service trace files.
    Cts,
}

impl std::str::FromStr for InputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<InputFormat, String> {
        match s {
            "calls" => Ok(InputFormat::Calls),
            "log" => Ok(InputFormat::Log),
            "cts" => Ok(InputFormat::Cts),
            _ => Err(format!(
                "unknown input format {}: expected `calls`, `log` or `cts`",
                shown(s)
            )),
        }
    }
}

/// What the calls' projects say about the scope.
#[derive(Debug, Clone, Default)]
struct Projects {
    first: Option<String>,
    several: bool,
    unknown: u64,
}

impl Projects {
    fn see(&mut self, project: Option<&str>) {
        match (project, &self.first) {
            (None, _) => self.unknown += 1,
            (Some(p), None) => self.first = Some(p.to_owned()),
            (Some(p), Some(first)) => self.several |= p != first,
        }
    }
}

/// Reads observed calls from any number of inputs, then [generates](Generator::generate) the policy.
///
/// ```
/// use ims_iam::generate::{Generator, InputFormat};
/// use ims_iam::Situation;
/// let mut generator = Generator::default().with_situation(Situation::SystemDiskImageImport);
/// generator.read_str("calls", "POST /v2/cloudimages/quickimport/action", InputFormat::Calls)?;
/// assert_eq!(generator.generate().actions(), ["ims:serverImages:create"]);
/// # Ok::<(), ims_iam::generate::InputError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Generator {
    situations: u8,
    principal: Option<String>,
    compact: bool,
    limits: InputLimits,
    observed: BTreeMap<Access, u64>,
    unrouted: Vec<Unrouted>,
    ignored: u64,
    lines: u64,
    projects: Projects,
}

impl Generator {
    /// Says that `situation` held for every call (in addition to each line's own annotations).
    #[must_use]
    pub fn with_situation(mut self, situation: Situation) -> Generator {
        self.situations |= situation.bit();
        self
    }

    /// Reads only the decision records of this user (logs).
    #[must_use]
    pub fn with_principal(mut self, principal: impl Into<String>) -> Generator {
        self.principal = Some(principal.into());
        self
    }

    /// Merges actions into wildcards where that provably changes nothing the policy allows.
    #[must_use]
    pub fn compact(mut self) -> Generator {
        self.compact = true;
        self
    }

    /// Other input bounds.
    #[must_use]
    pub fn with_limits(mut self, limits: InputLimits) -> Generator {
        self.limits = limits;
        self
    }

    /// The lines read so far that did not become calls.
    pub fn unrouted(&self) -> &[Unrouted] {
        &self.unrouted
    }

    /// Reads a file (`-`: standard input).
    pub fn read_file(&mut self, path: &Path, from: InputFormat) -> Result<(), InputError> {
        let name = path.display().to_string();
        let io = |source| InputError::Io {
            file: name.clone(),
            source,
        };
        if path == Path::new("-") {
            return self.read(&name, std::io::stdin().lock(), from);
        }
        let file = std::fs::File::open(path).map_err(io)?;
        if file.metadata().map_err(io)?.is_dir() {
            return Err(io(std::io::Error::other("is a directory")));
        }
        self.read(&name, std::io::BufReader::new(file), from)
    }

    /// Reads text held in memory; `name` names it in messages.
    pub fn read_str(&mut self, name: &str, text: &str, from: InputFormat) -> Result<(), InputError> {
        self.read(name, text.as_bytes(), from)
    }

    /// Reads an input from any reader; `name` names it in messages.
    pub fn read<R: BufRead>(&mut self, name: &str, reader: R, from: InputFormat) -> Result<(), InputError> {
        match from {
            InputFormat::Calls | InputFormat::Log => self.read_lines(name, reader, from),
            InputFormat::Cts => self.read_cts(name, reader),
        }
    }

    fn count_line(&mut self, file: &str, line: u64) -> Result<(), InputError> {
        self.lines += 1;
        if self.lines > self.limits.max_lines {
            return Err(InputError::Limit {
                file: file.to_owned(),
                line,
                limit: "max_lines",
                value: self.limits.max_lines,
                hint: "split the input, or generate from a sample of it",
            });
        }
        Ok(())
    }

    fn push_unrouted(&mut self, entry: Unrouted) -> Result<(), InputError> {
        if self.unrouted.len() >= self.limits.max_unrouted {
            return Err(InputError::Limit {
                file: entry.file,
                line: entry.line,
                limit: "max_unrouted",
                value: self.limits.max_unrouted as u64,
                hint: "too many lines do not route: is `--from` right for this input?",
            });
        }
        self.unrouted.push(entry);
        Ok(())
    }

    fn read_lines<R: BufRead>(&mut self, name: &str, reader: R, from: InputFormat) -> Result<(), InputError> {
        let mut lines = Lines::new(reader, self.limits.max_line_bytes, self.limits.max_file_bytes);
        let principal = self.principal.clone();
        let mut n: u64 = 0;
        loop {
            let line = match lines.next_line() {
                Ok(Some(line)) => line,
                Ok(None) => return Ok(()),
                Err(Stop::Io(source)) => {
                    return Err(InputError::Io {
                        file: name.to_owned(),
                        source,
                    });
                }
                Err(Stop::FileTooLarge) => {
                    return Err(InputError::Limit {
                        file: name.to_owned(),
                        line: n + 1,
                        limit: "max_file_bytes",
                        value: self.limits.max_file_bytes,
                        hint: "the file is larger than the bound (or endless)",
                    });
                }
                Err(Stop::EndlessLine) => {
                    return Err(InputError::Limit {
                        file: name.to_owned(),
                        line: n + 1,
                        limit: "max_line_bytes",
                        value: self.limits.max_line_bytes as u64,
                        hint: "a line is 16 times longer than the bound: this is not a line-oriented file",
                    });
                }
            };
            n += 1;
            self.count_line(name, n)?;
            let unrouted = |kind: &'static str, message: String| Unrouted {
                file: name.to_owned(),
                line: n,
                method: None,
                target: None,
                kind,
                message,
                detail: None,
            };
            let text = match line {
                Line::TooLong => {
                    let limit = self.limits.max_line_bytes;
                    let message = format!("the line is longer than {limit} bytes");
                    self.push_unrouted(unrouted("line_too_long", message))?;
                    continue;
                }
                Line::Text(bytes) => match std::str::from_utf8(bytes) {
                    Ok(text) => text.to_owned(),
                    Err(_) => {
                        self.push_unrouted(unrouted("invalid_utf8", "the line is not UTF-8".to_owned()))?;
                        continue;
                    }
                },
            };
            match from {
                InputFormat::Log => match log::parse_line(&text, principal.as_deref()) {
                    LogLine::Skip => self.ignored += 1,
                    LogLine::Call(call) => {
                        let raw = RawCall {
                            method: &call.method,
                            target: &call.target,
                            situations: 0,
                            project: call.project.as_deref(),
                        };
                        self.observe(name, n, raw)?;
                    }
                    LogLine::Bad {
                        method,
                        target,
                        kind,
                        message,
                    } => self.push_unrouted(Unrouted {
                        method,
                        target,
                        ..unrouted(kind, message)
                    })?,
                },
                InputFormat::Calls | InputFormat::Cts => match calls::parse_line(&text) {
                    CallLine::Skip => {}
                    CallLine::Call(call) => self.observe(name, n, call)?,
                    CallLine::Bad {
                        method,
                        target,
                        kind,
                        message,
                    } => self.push_unrouted(Unrouted {
                        method: method.map(str::to_owned),
                        target: target.map(str::to_owned),
                        ..unrouted(kind, message)
                    })?,
                },
            }
        }
    }

    fn read_cts<R: BufRead>(&mut self, name: &str, reader: R) -> Result<(), InputError> {
        let cap = MAX_CTS_FILE_BYTES.min(self.limits.max_file_bytes);
        let mut bytes = Vec::new();
        reader
            .take(cap.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|source| InputError::Io {
                file: name.to_owned(),
                source,
            })?;
        if bytes.len() as u64 > cap {
            return Err(InputError::Limit {
                file: name.to_owned(),
                line: 1,
                limit: "max_file_bytes",
                value: cap,
                hint: "a CTS trace file is read whole; split it",
            });
        }
        let syntax = |(line, column, message): cts::CtsSyntax| InputError::Syntax {
            file: name.to_owned(),
            line,
            column,
            message,
        };
        let text = String::from_utf8(bytes).map_err(|_| syntax((1, 1, "the file is not UTF-8".into())))?;
        let file = cts::parse(&text).map_err(syntax)?;
        self.ignored += file.other_services;
        for trace in file.ims {
            self.count_line(name, trace.line)?;
            self.push_unrouted(Unrouted {
                file: name.to_owned(),
                line: trace.line,
                method: None,
                target: None,
                kind: "cts_no_request_line",
                message: "a CTS trace names the operation but not the HTTP method and path, so the IMS API \
                          it called cannot be told; write the call as `METHOD TARGET` in a calls file"
                    .to_owned(),
                detail: Some(trace.detail),
            })?;
        }
        Ok(())
    }

    /// Routes one call and records it, or lists why it cannot be.
    fn observe(&mut self, file: &str, line: u64, call: RawCall<'_>) -> Result<(), InputError> {
        let unrouted = |kind: &'static str, message: String| Unrouted {
            file: file.to_owned(),
            line,
            method: Some(call.method.to_owned()),
            target: Some(call.target.to_owned()),
            kind,
            message,
            detail: None,
        };
        let routed = match Router::default().route(call.method, call.target) {
            Ok(routed) => routed,
            Err(e) => return self.push_unrouted(unrouted(e.kind(), e.to_string())),
        };
        let op = routed.operation();
        let project = match (routed.project_id(), call.project) {
            (Some(a), Some(b)) if a != b => {
                let message = format!(
                    "the path's project {} differs from the project {}",
                    shown(a),
                    shown(b)
                );
                return self.push_unrouted(unrouted("project_mismatch", message));
            }
            (a, b) => a.or(b).map(str::to_owned),
        };
        let access = Access::new(op, call.situations | self.situations);
        if !op.actions().is_empty() && access.required_actions().next().is_none() {
            let ids: Vec<String> = op
                .actions()
                .iter()
                .filter_map(|a| a.situation())
                .map(|s| format!("`situation={s}`"))
                .collect();
            let message = format!(
                "every required action of `{op}` depends on a situation: annotate the call with {}",
                ids.join(" or ")
            );
            return self.push_unrouted(unrouted("situation_required", message));
        }
        if !op.actions().is_empty() {
            self.projects.see(project.as_deref());
        }
        *self.observed.entry(access).or_insert(0) += 1;
        Ok(())
    }

    /// The policy for the calls read so far, and its report.
    pub fn generate(&self) -> Generated {
        report::build(self)
    }
}
