//! Colour in text output: verdicts, lint severities, test results and warnings. Text is styled with
//! ANSI sequences and written through `anstream`, which strips them unless the stream is a terminal
//! and `NO_COLOR` is unset (or `--color always`); JSON, SARIF and CSV output is never styled.

use anstyle::{AnsiColor, Style};

const RED: Style = AnsiColor::Red.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const CYAN: Style = AnsiColor::Cyan.on_default().bold();

/// `text` in `style`.
fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// An authorize summary with its leading verdict (`allowed`, `denied`) coloured.
pub(crate) fn verdict(summary: &str) -> String {
    for (word, style) in [("allowed", GREEN), ("denied", RED)] {
        if let Some(rest) = summary.strip_prefix(word) {
            return format!("{}{rest}", paint(style, word));
        }
    }
    summary.to_owned()
}

/// Lint's text output with each finding's severity (`error[IMS001]`) coloured.
pub(crate) fn lint_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        out.push_str(&severity_line(line));
    }
    out
}

fn severity_line(line: &str) -> String {
    for (word, style) in [
        ("error[", RED),
        ("security_warning[", RED),
        ("warning[", YELLOW),
        ("suggestion[", CYAN),
    ] {
        if let Some(at) = line.find(&format!(": {word}")) {
            let start = at + 2;
            let end = start + word.len() - 1;
            return format!(
                "{}{}{}",
                &line[..start],
                paint(style, &line[start..end]),
                &line[end..]
            );
        }
    }
    line.to_owned()
}

/// A decision-test report with `FAIL` and the counts coloured.
pub(crate) fn test_report(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| match line.find("FAIL ") {
            Some(at) if line[..at].trim().is_empty() => {
                format!("{}{}{}", &line[..at], paint(RED, "FAIL"), &line[at + 4..])
            }
            _ => line.replace(" 0 failed", &format!(" {}", paint(GREEN, "0 failed"))),
        })
        .collect()
}

/// `warning: MESSAGE`, styled.
pub(crate) fn warning(message: &str) -> String {
    format!("{}: {message}\n", paint(YELLOW, "warning"))
}

/// `error (KIND): MESSAGE`, styled.
pub(crate) fn error_of_kind(kind: &str, message: &str) -> String {
    format!("{} ({kind}): {message}\n", paint(RED, "error"))
}

/// `error: MESSAGE`, styled.
pub(crate) fn error(message: &str) -> String {
    format!("{}: {message}\n", paint(RED, "error"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_only_the_marked_words() {
        let v = verdict("denied: ims:images:delete");
        assert!(
            v.starts_with("\u{1b}[") && v.ends_with(": ims:images:delete"),
            "{v:?}"
        );
        assert_eq!(verdict("other"), "other");
        let l = lint_text("p.json:1:2: warning[IMS030]: text error[x]\n  |\n");
        assert!(l.starts_with("p.json:1:2: \u{1b}["), "{l:?}");
        assert!(l.contains("[IMS030]: text error[x]\n  |\n"), "{l:?}");
        let t = test_report("f: 1 passed, 1 failed\n  FAIL a: expected x\n");
        assert!(t.contains("  \u{1b}[") && t.contains(" a: expected x"), "{t:?}");
    }
}
