//! Wildcard patterns: `*` matches any run of characters (possibly empty, across `:`), `?` exactly one
//! character. Used for actions (ASCII case-insensitive) and for `StringLike`/`StringMatch` condition
//! values (case-sensitive).
//!
//! A pattern is classified once, when it is compiled: exact, prefix (`abc*`), any (`*`), or general.
//! The general matcher splits the pattern at its stars; the first piece is anchored at the start, the
//! last at the end, and every piece between is found at its leftmost place after the previous one.
//! Leftmost placement is always safe (a later place leaves less room for the rest), so nothing is
//! ever retried: a match costs at most `input length x longest piece` character comparisons, however
//! many stars the pattern has. There is no backtracking blow-up on `*a*a*a*a*b`.

/// Whether letters are compared exactly or without regard to ASCII case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    /// `A` is not `a` (condition values).
    Sensitive,
    /// `A` is `a` (actions).
    AsciiInsensitive,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Strategy {
    /// No wildcard: the whole input equals the pattern.
    Exact(Vec<char>),
    /// `literal*` with no `?` in the literal.
    Prefix(Vec<char>),
    /// `*` alone (or only stars).
    Any,
    /// Anything else: pieces between stars.
    General {
        /// Pieces in order; `?` is kept as `None`.
        pieces: Vec<Vec<Option<char>>>,
        /// The pattern starts with `*`.
        star_start: bool,
        /// The pattern ends with `*`.
        star_end: bool,
    },
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    source: String,
    case: Case,
    strategy: Strategy,
}

impl Pattern {
    /// Compiles a pattern. Every string is a valid pattern.
    pub(crate) fn new(pattern: &str, case: Case) -> Pattern {
        let fold = |c: char| match case {
            Case::Sensitive => c,
            Case::AsciiInsensitive => c.to_ascii_lowercase(),
        };
        let has_star = pattern.contains('*');
        let has_q = pattern.contains('?');
        let strategy = if !has_star && !has_q {
            Strategy::Exact(pattern.chars().map(fold).collect())
        } else if pattern.chars().all(|c| c == '*') {
            Strategy::Any
        } else if !has_q && pattern.ends_with('*') && pattern.find('*') == Some(pattern.len() - 1) {
            Strategy::Prefix(pattern[..pattern.len() - 1].chars().map(fold).collect())
        } else {
            let pieces = pattern
                .split('*')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    p.chars()
                        .map(|c| if c == '?' { None } else { Some(fold(c)) })
                        .collect()
                })
                .collect();
            Strategy::General {
                pieces,
                star_start: pattern.starts_with('*'),
                star_end: pattern.ends_with('*'),
            }
        };
        Pattern {
            source: pattern.to_owned(),
            case,
            strategy,
        }
    }

    /// Whether the input matches the whole pattern.
    pub(crate) fn matches(&self, input: &str) -> bool {
        let mut steps = 0;
        let matched = self.matches_counting(input, &mut steps);
        #[cfg(test)]
        test_steps::add(steps);
        matched
    }

    /// [`Pattern::matches`], adding the number of character comparisons made to `steps`.
    pub(crate) fn matches_counting(&self, input: &str, steps: &mut u64) -> bool {
        let eq = |p: char, c: char, steps: &mut u64| {
            *steps += 1;
            match self.case {
                Case::Sensitive => p == c,
                Case::AsciiInsensitive => p == c.to_ascii_lowercase(),
            }
        };
        match &self.strategy {
            Strategy::Any => true,
            Strategy::Exact(lit) => {
                let mut it = input.chars();
                lit.iter().all(|&p| it.next().is_some_and(|c| eq(p, c, steps))) && it.next().is_none()
            }
            Strategy::Prefix(lit) => {
                let mut it = input.chars();
                lit.iter().all(|&p| it.next().is_some_and(|c| eq(p, c, steps)))
            }
            Strategy::General {
                pieces,
                star_start,
                star_end,
            } => general_match(pieces, *star_start, *star_end, input, &mut |p, c| match p {
                None => {
                    *steps += 1;
                    true
                }
                Some(p) => eq(p, c, steps),
            }),
        }
    }
}

/// Matches pieces separated by stars. `eq(piece_char, input_char)`.
fn general_match(
    pieces: &[Vec<Option<char>>],
    star_start: bool,
    star_end: bool,
    input: &str,
    eq: &mut dyn FnMut(Option<char>, char) -> bool,
) -> bool {
    // Work on char boundaries without allocating: a window is compared char by char.
    let piece_at = |piece: &[Option<char>], at: &str, eq: &mut dyn FnMut(Option<char>, char) -> bool| {
        let mut chars = at.chars();
        let mut len = 0;
        for &p in piece {
            match chars.next() {
                Some(c) if eq(p, c) => len += c.len_utf8(),
                _ => return None,
            }
        }
        Some(len)
    };
    let mut rest = input;
    let mut pieces = pieces;
    if !star_start {
        let Some((first, tail)) = pieces.split_first() else {
            return rest.is_empty();
        };
        match piece_at(first, rest, eq) {
            Some(len) => rest = &rest[len..],
            None => return false,
        }
        pieces = tail;
        if pieces.is_empty() && !star_end {
            return rest.is_empty();
        }
    }
    let (middle, last) = if star_end {
        (pieces, None)
    } else {
        match pieces.split_last() {
            Some((last, middle)) => (middle, Some(last)),
            None => (pieces, None),
        }
    };
    for piece in middle {
        // Leftmost occurrence of the piece in `rest`.
        let mut found = None;
        let mut start = rest;
        loop {
            if let Some(len) = piece_at(piece, start, eq) {
                found = Some((rest.len() - start.len()) + len);
                break;
            }
            let mut it = start.chars();
            if it.next().is_none() {
                break;
            }
            start = it.as_str();
        }
        match found {
            Some(end) => rest = &rest[end..],
            None => return false,
        }
    }
    match last {
        None => true,
        Some(last) => {
            // Anchored at the end: the piece must fit in the last `last.len()` characters of `rest`.
            let n = rest.chars().count();
            if n < last.len() {
                return false;
            }
            let skip: usize = rest.chars().take(n - last.len()).map(char::len_utf8).sum();
            piece_at(last, &rest[skip..], eq) == Some(rest.len() - skip)
        }
    }
}

/// Test-only: the character comparisons [`Pattern::matches`] made on this thread, so that tests can
/// bound the work of a whole evaluation (a condition, a compilation) in steps rather than wall time.
#[cfg(test)]
pub(crate) mod test_steps {
    use std::cell::Cell;

    thread_local! {
        static STEPS: Cell<u64> = const { Cell::new(0) };
    }

    pub(crate) fn add(steps: u64) {
        STEPS.with(|s| s.set(s.get() + steps));
    }

    /// Runs `f`; returns its result and the comparisons the matcher made meanwhile.
    pub(crate) fn count<T>(f: impl FnOnce() -> T) -> (T, u64) {
        let before = STEPS.with(Cell::get);
        let out = f();
        (out, STEPS.with(Cell::get) - before)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The obvious exponential reference: recursion over pattern and input.
    fn naive(p: &[char], s: &[char], case: Case) -> bool {
        let same = |a: char, b: char| match case {
            Case::Sensitive => a == b,
            Case::AsciiInsensitive => a.eq_ignore_ascii_case(&b),
        };
        match p.split_first() {
            None => s.is_empty(),
            Some(('*', rest)) => (0..=s.len()).any(|i| naive(rest, &s[i..], case)),
            Some(('?', rest)) => !s.is_empty() && naive(rest, &s[1..], case),
            Some((c, rest)) => !s.is_empty() && same(*c, s[0]) && naive(rest, &s[1..], case),
        }
    }

    fn m(p: &str, s: &str) -> bool {
        Pattern::new(p, Case::AsciiInsensitive).matches(s)
    }

    #[test]
    fn worked_examples() {
        assert!(m("ims:images:get", "IMS:Images:GET"));
        assert!(m("ims:*:*", "ims:images:get"));
        assert!(m("*", ""));
        assert!(m("ims:*", "ims:images:get"));
        assert!(m("*:*:*", "ims:images:get"));
        assert!(m("ims:images:?et", "ims:images:get"));
        assert!(!m("ims:images:?et", "ims:images:et"));
        assert!(!m("ims:images:g?t", "ims:images:gt"));
        assert!(m("ims:*s:get", "ims:images:get"));
        assert!(m("*get", "ims:images:get"));
        assert!(!m("*get", "ims:images:list"));
        assert!(m("ims*get", "ims:images:get"));
        assert!(!m("ims:images:get", "ims:images:gets"));
        assert!(!m("ims:images:get*x", "ims:images:get"));
        assert!(m("a*a", "aa"));
        assert!(!m("a*a", "a"));
        assert!(m("?", "é"));
        assert!(!Pattern::new("A*", Case::Sensitive).matches("abc"));
    }

    #[test]
    fn pathological_pattern_is_linear() {
        let pattern = format!("{}b", "*a".repeat(50));
        let input = "a".repeat(100_000);
        let p = Pattern::new(&pattern, Case::Sensitive);
        let mut steps = 0;
        assert!(!p.matches_counting(&input, &mut steps));
        assert!(steps <= 3 * 100_000, "{steps} steps");
    }

    /// Actions are matched without regard to case: the same bound holds, for the pathological pattern
    /// and for its variants (`?` pieces, a trailing star, longer pieces), on 100,000 characters.
    #[test]
    fn pathological_action_patterns_are_linear() {
        let n = 100_000u64;
        let input = "a".repeat(100_000);
        let upper = "A".repeat(100_000);
        let cases = [
            (format!("{}b", "*a".repeat(50)), 3),
            (format!("{}b*", "*a".repeat(50)), 3),
            (format!("{}b*", "*A".repeat(1_000)), 3),
            (format!("{}*b", "*a?".repeat(200)), 4),
            (format!("{}b*", "*aa".repeat(300)), 4),
            (format!("{}ab", "*aaaaaaaa".repeat(100)), 12),
        ];
        for (pattern, factor) in cases {
            let p = Pattern::new(&pattern, Case::AsciiInsensitive);
            for text in [&input, &upper] {
                let mut steps = 0;
                assert!(!p.matches_counting(text, &mut steps), "{pattern}");
                assert!(steps <= factor * n, "{pattern}: {steps} steps");
            }
        }
    }

    /// Compiling a statement matches its patterns against every known action: a pattern of 60,000
    /// characters costs steps in proportion to its length, not exponential in its stars.
    #[test]
    fn pathological_action_pattern_compiles_in_linear_steps() {
        let pattern = format!("{}b", "*a".repeat(30_000));
        let text =
            format!(r#"{{"Version": "1.1", "Statement": [{{"Effect": "Allow", "Action": "{pattern}"}}]}}"#);
        let policy = crate::Policy::parse("p", crate::Scope::Global, &text).unwrap();
        let (set, steps) = test_steps::count(|| crate::PolicySet::new([policy]));
        assert!(set.is_ok());
        let longest = crate::known_actions()
            .iter()
            .map(|a| a.len() as u64)
            .max()
            .unwrap();
        let bound = crate::known_actions().len() as u64 * 2 * longest;
        assert!(steps <= bound, "{steps} steps, bound {bound}");
    }

    proptest! {
        #[test]
        fn agrees_with_naive(p in "[ab*?:]{0,8}", s in "[abAB:]{0,10}") {
            let pc: Vec<char> = p.chars().collect();
            let sc: Vec<char> = s.chars().collect();
            for case in [Case::Sensitive, Case::AsciiInsensitive] {
                prop_assert_eq!(Pattern::new(&p, case).matches(&s), naive(&pc, &sc, case), "{} {}", p, s);
            }
        }
    }
}
