//! IMS008: a principals file that does not load.

use crate::lint::context::Sink;
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;
use crate::policy::Location;
use crate::principals::PrincipalsError;

pub(crate) const RULE: Rule = Rule {
    code: "IMS008",
    name: "invalid-principals",
    severity: Severity::Error,
    summary: "a principals file that does not load: bad JSON or shape, an undefined policy or group, an invalid \
              scope or name, a policy file that is missing or does not parse",
    description: "A principals file (`policies`, `groups`, `users`) says which groups and users get which \
                  policies; `ims-iam serve --principals` refuses the whole file when any part of it is wrong. \
                  The finding says what is wrong and where; fix it there. Principals files are recognised by \
                  their shape (a `policies`, `groups` or `users` key and no `Statement`) when a directory is \
                  linted, or given with `--principals`; `ims-iam principals check FILE` checks one alone.",
    example: r#"{"policies": {}, "users": {"alice": {"groups": ["admins"]}}}"#,
};

/// Reports why the principals file failed to load.
pub(crate) fn report(err: &PrincipalsError, sink: &mut Sink<'_>) {
    let at = match err {
        PrincipalsError::Syntax { line, column, .. } => Location {
            line: *line,
            column: *column,
        },
        _ => Location { line: 1, column: 1 },
    };
    let hint = match err {
        PrincipalsError::Io { .. } | PrincipalsError::TooLarge { .. } => {
            "; paths in `policies` are relative to the principals file's directory"
        }
        PrincipalsError::UnknownPolicy { .. } => "; define it under `policies` or fix the name",
        PrincipalsError::UnknownGroup { .. } => "; define it under `groups` or fix the name",
        PrincipalsError::InvalidScope { .. } => {
            "; a scope is `global`, `project:ID` or `enterprise-project:ID`"
        }
        PrincipalsError::InvalidPolicy { .. } => "; `ims-iam lint` on that file says more",
        _ => "",
    };
    sink.push(&RULE, at, None, format!("{err}{hint}"));
}
