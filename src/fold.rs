//! Unicode simple case folding, char by char and without allocation: what the `...IgnoreCase`
//! condition operators and condition key names compare by (`ΟΔΟΣ` equals `οδος`; `Straße` is not
//! `STRASSE`, which only full folding would give).
//!
//! A character folds to its lowercase when that is one character (the standard library's
//! `char::to_lowercase`), except for the characters whose simple case folding (Unicode
//! `CaseFolding.txt`, status `C` and `S`) differs from their lowercase: lowercase variants that fold
//! to another lowercase letter (final sigma, the Greek symbol forms, long s, micro sign, ...). A
//! character whose lowercase is several characters (`İ`) has no simple folding and stays itself.
//! Cherokee folds to its uppercase in Unicode and to its lowercase here: the same equivalence.

/// The characters whose simple case folding is not their lowercase, and what they fold to.
const EXCEPTIONS: &[(char, char)] = &[
    ('\u{00B5}', '\u{03BC}'), // micro sign -> mu
    ('\u{017F}', 's'),        // long s
    ('\u{0345}', '\u{03B9}'), // combining ypogegrammeni -> iota
    ('\u{03C2}', '\u{03C3}'), // final sigma -> sigma
    ('\u{03D0}', '\u{03B2}'), // beta symbol
    ('\u{03D1}', '\u{03B8}'), // theta symbol
    ('\u{03D5}', '\u{03C6}'), // phi symbol
    ('\u{03D6}', '\u{03C0}'), // pi symbol
    ('\u{03F0}', '\u{03BA}'), // kappa symbol
    ('\u{03F1}', '\u{03C1}'), // rho symbol
    ('\u{03F5}', '\u{03B5}'), // lunate epsilon symbol
    ('\u{1C80}', '\u{0432}'), // Cyrillic small rounded ve
    ('\u{1C81}', '\u{0434}'),
    ('\u{1C82}', '\u{043E}'),
    ('\u{1C83}', '\u{0441}'),
    ('\u{1C84}', '\u{0442}'),
    ('\u{1C85}', '\u{0442}'),
    ('\u{1C86}', '\u{044A}'),
    ('\u{1C87}', '\u{0463}'),
    ('\u{1C88}', '\u{A64B}'),
    ('\u{1E9B}', '\u{1E61}'), // long s with dot above
    ('\u{1FBE}', '\u{03B9}'), // Greek prosgegrammeni -> iota
];

/// The simple case folding of `c`.
pub(crate) fn fold(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if let Ok(i) = EXCEPTIONS.binary_search_by_key(&c, |&(from, _)| from) {
        if let Some(&(_, to)) = EXCEPTIONS.get(i) {
            return to;
        }
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// The folded characters of `text`.
pub(crate) fn folded(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().map(fold)
}

/// Whether `a` and `b` are equal after simple case folding (no allocation).
pub(crate) fn eq_folded(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    folded(a).eq(folded(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settled_cases() {
        assert!(eq_folded("ΟΔΟΣ", "οδος"), "final sigma folds to sigma");
        assert!(eq_folded("ΟΔΟΣ", "οδοσ"));
        assert!(!eq_folded("Straße", "STRASSE"), "simple folding: ß is not ss");
        assert!(eq_folded("STRAẞE", "straße"), "capital sharp s folds to ß");
        assert!(eq_folded("g:UserName", "G:USERNAME"));
        assert!(eq_folded("\u{212A}elvin", "kelvin"), "Kelvin sign");
        assert!(eq_folded("µ", "Μ"), "micro sign and capital mu");
        assert!(!eq_folded("İ", "i"), "İ has no simple folding");
        assert!(!eq_folded("a", "ab"));
        assert!(eq_folded("", ""));
    }

    #[test]
    fn exceptions_are_sorted_and_folding_is_idempotent() {
        assert!(EXCEPTIONS.windows(2).all(|w| w[0].0 < w[1].0));
        for c in ['Σ', 'ς', 'ϐ', 'ẞ', 'Ꭰ', 'ꭰ', 'A', 'İ', '\u{1C88}'] {
            assert_eq!(fold(fold(c)), fold(c), "{c}");
        }
        assert_eq!(fold('Ꭰ'), fold('ꭰ'), "Cherokee upper and lower fold together");
    }
}
