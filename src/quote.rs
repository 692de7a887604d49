//! Quoting user input in messages: one rule, so that every message quotes the same way.
//!
//! User input (a method, a path, a parameter value, a condition key, a JSON key) is quoted in
//! backticks, with control characters escaped (`\n`, `\u{7}`) and at most [`MAX_QUOTED`] bytes of it
//! (cut at a character boundary, `...` when cut): a message stays short and printable whatever the
//! input is.

use std::fmt::{self, Write};

/// How many bytes of user input a message quotes.
pub(crate) const MAX_QUOTED: usize = 64;

/// User input as a message quotes it: in backticks, escaped and truncated (see the module
/// documentation). Allocates nothing until it is formatted.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Quoted<'a>(pub(crate) &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('`')?;
        write_excerpt(f, self.0)?;
        f.write_char('`')
    }
}

/// What [`Quoted`] shows between its backticks, for an error that keeps the quoted text in a field
/// (and puts the backticks around it in its message).
pub(crate) fn excerpt(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MAX_QUOTED) + 3);
    // Writing to a `String` cannot fail.
    let _ = write_excerpt(&mut out, s);
    out
}

/// At most [`MAX_QUOTED`] bytes of `s`, cut at a character boundary, with `...` when cut, and control
/// characters escaped.
fn write_excerpt(out: &mut impl Write, s: &str) -> fmt::Result {
    let mut end = s.len().min(MAX_QUOTED);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    for c in s.get(..end).unwrap_or_default().chars() {
        if c.is_control() {
            for e in c.escape_default() {
                out.write_char(e)?;
            }
        } else {
            out.write_char(c)?;
        }
    }
    if end < s.len() {
        out.write_str("...")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_printable_input_is_quoted_as_is() {
        assert_eq!(Quoted("g:UserName").to_string(), "`g:UserName`");
        assert_eq!(excerpt("g:UserName"), "g:UserName");
        assert_eq!(Quoted("").to_string(), "``");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(Quoted("a\nb\u{7}c\u{85}").to_string(), "`a\\nb\\u{7}c\\u{85}`");
        assert_eq!(excerpt("tab\there"), "tab\\there");
    }

    #[test]
    fn long_input_is_cut_at_a_character_boundary() {
        let long = "x".repeat(100);
        assert_eq!(excerpt(&long), format!("{}...", "x".repeat(MAX_QUOTED)));
        assert_eq!(excerpt(&"x".repeat(MAX_QUOTED)), "x".repeat(MAX_QUOTED));
        // 63 ASCII bytes, then a 3-byte character across the 64-byte limit: cut before it.
        let text = format!("{}中中", "a".repeat(63));
        assert_eq!(excerpt(&text), format!("{}...", "a".repeat(63)));
        assert_eq!(Quoted(&text).to_string(), format!("`{}...`", "a".repeat(63)));
    }
}
