//! The string theory: which single request values a key's string blocks can tell apart.
//!
//! Every string operator is a regular language over characters: equality (`StringEquals`), equality
//! of the lowercased text (`...IgnoreCase`, compared on the lowercased character stream), prefix,
//! suffix, and `*`/`?` patterns. The product of their automata is explored breadth-first over an
//! alphabet made of the characters the policies write, their case variants (including every character
//! whose lowercase form is one of them), and one fresh character standing for all others. Every
//! reachable combination of accepting states is reached by a shortest string, which becomes a
//! candidate value: so the candidates realise every truth vector that any string can.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::OnceLock;

use super::blocks::StrKind;
use super::error::AnalysisError;

/// Bound: product states explored per key.
pub(crate) const MAX_STRING_STATES: usize = 50_000;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Star,
    Any,
    Char(char),
}

#[derive(Debug, Clone)]
enum Matcher {
    Exact(Vec<char>),
    Folded(Vec<char>),
    Prefix(Vec<char>),
    Suffix(Vec<char>),
    Like(Vec<Tok>),
}

type State = Vec<u32>;

impl Matcher {
    fn new(kind: StrKind, value: &str) -> Matcher {
        match kind {
            StrKind::Equals => Matcher::Exact(value.chars().collect()),
            StrKind::IgnoreCase => Matcher::Folded(value.chars().flat_map(char::to_lowercase).collect()),
            StrKind::StartWith => Matcher::Prefix(value.chars().collect()),
            StrKind::EndWith => Matcher::Suffix(value.chars().collect()),
            StrKind::Like => Matcher::Like(
                value
                    .chars()
                    .map(|c| match c {
                        '*' => Tok::Star,
                        '?' => Tok::Any,
                        c => Tok::Char(c),
                    })
                    .collect(),
            ),
        }
    }

    fn literal_chars(&self) -> Vec<char> {
        match self {
            Matcher::Exact(p) | Matcher::Folded(p) | Matcher::Prefix(p) | Matcher::Suffix(p) => p.clone(),
            Matcher::Like(t) => t
                .iter()
                .filter_map(|t| match t {
                    Tok::Char(c) => Some(*c),
                    _ => None,
                })
                .collect(),
        }
    }

    fn len(&self) -> u32 {
        let n = match self {
            Matcher::Exact(p) | Matcher::Folded(p) | Matcher::Prefix(p) | Matcher::Suffix(p) => p.len(),
            Matcher::Like(t) => t.len(),
        };
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    fn start(&self) -> State {
        match self {
            Matcher::Like(t) => closure(t, vec![0]),
            _ => vec![0],
        }
    }

    fn accepts(&self, s: &State) -> bool {
        s.contains(&self.len())
    }

    fn step(&self, s: &State, c: char) -> State {
        match self {
            Matcher::Exact(p) => exact_step(p, s, c),
            Matcher::Folded(p) => {
                let mut cur = s.clone();
                for lc in c.to_lowercase() {
                    cur = exact_step(p, &cur, lc);
                }
                cur
            }
            Matcher::Prefix(p) => s
                .iter()
                .filter_map(|&i| {
                    if i as usize == p.len() {
                        Some(i)
                    } else {
                        (p.get(i as usize) == Some(&c)).then_some(i + 1)
                    }
                })
                .collect(),
            Matcher::Suffix(p) => {
                let mut next = vec![0];
                for &j in s {
                    if p.get(j as usize) == Some(&c) {
                        next.push(j + 1);
                    }
                }
                next.sort_unstable();
                next.dedup();
                next
            }
            Matcher::Like(t) => {
                let mut next = Vec::new();
                for &i in s {
                    match t.get(i as usize) {
                        Some(Tok::Star) => next.push(i),
                        Some(Tok::Any) => next.push(i + 1),
                        Some(Tok::Char(x)) if *x == c => next.push(i + 1),
                        _ => {}
                    }
                }
                closure(t, next)
            }
        }
    }
}

fn exact_step(p: &[char], s: &State, c: char) -> State {
    s.iter()
        .filter_map(|&i| (p.get(i as usize) == Some(&c)).then_some(i + 1))
        .collect()
}

/// Adds the positions after stars, sorts and dedups.
fn closure(t: &[Tok], mut s: State) -> State {
    let mut k = 0;
    while k < s.len() {
        let i = s[k];
        if t.get(i as usize) == Some(&Tok::Star) {
            s.push(i + 1);
        }
        k += 1;
    }
    s.sort_unstable();
    s.dedup();
    s
}

/// Every character whose lowercase form contains a given character (only characters that change).
fn lowercase_preimages() -> &'static HashMap<char, Vec<char>> {
    static TABLE: OnceLock<HashMap<char, Vec<char>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map: HashMap<char, Vec<char>> = HashMap::new();
        for c in (0u32..=0x10FFFF).filter_map(char::from_u32) {
            let mut lower = c.to_lowercase();
            if lower.len() == 1 && lower.clone().next() == Some(c) {
                continue;
            }
            for lc in lower.by_ref() {
                map.entry(lc).or_default().push(c);
            }
        }
        map
    })
}

/// Candidate values for a key's string blocks: `(kind, value)` per written value. One shortest string
/// per reachable vector of matcher verdicts.
pub(crate) fn candidates(values: &[(StrKind, &str)], key: &str) -> Result<Vec<String>, AnalysisError> {
    let matchers: Vec<Matcher> = values.iter().map(|(k, v)| Matcher::new(*k, v)).collect();
    let folded = values.iter().any(|(k, _)| *k == StrKind::IgnoreCase);
    let mut alphabet: Vec<char> = Vec::new();
    for m in &matchers {
        for c in m.literal_chars() {
            alphabet.push(c);
            alphabet.extend(c.to_lowercase());
            alphabet.extend(c.to_uppercase());
        }
    }
    if folded {
        let pre = lowercase_preimages();
        let base: Vec<char> = alphabet.clone();
        for c in base {
            for lc in c.to_lowercase() {
                if let Some(more) = pre.get(&lc) {
                    alphabet.extend(more);
                }
            }
        }
    }
    alphabet.sort_unstable();
    alphabet.dedup();
    // One character that no written value mentions, in any case: it stands for all such characters.
    let fresh = ('a'..='z')
        .chain('0'..='9')
        .chain((0x100u32..0x2000).filter_map(char::from_u32))
        .find(|c| {
            alphabet.binary_search(c).is_err()
                && c.to_lowercase().all(|l| alphabet.binary_search(&l).is_err())
                && c.to_uppercase().all(|u| alphabet.binary_search(&u).is_err())
        });
    alphabet.extend(fresh);

    // Equality only: each written value is its own case, any other string matches none.
    if values.iter().all(|(k, _)| *k == StrKind::Equals) {
        let mut out: Vec<String> = values.iter().map(|(_, v)| (*v).to_owned()).collect();
        out.push(String::new());
        out.extend(fresh.map(String::from));
        out.sort();
        out.dedup();
        return Ok(out);
    }
    let start: Vec<State> = matchers.iter().map(Matcher::start).collect();
    let verdicts =
        |s: &[State]| -> Vec<bool> { matchers.iter().zip(s).map(|(m, st)| m.accepts(st)).collect() };
    let mut seen: HashSet<Vec<State>> = HashSet::new();
    let mut found: HashMap<Vec<bool>, String> = HashMap::new();
    let mut queue = VecDeque::new();
    seen.insert(start.clone());
    found.insert(verdicts(&start), String::new());
    queue.push_back((start, String::new()));
    while let Some((state, text)) = queue.pop_front() {
        for &c in &alphabet {
            let next: Vec<State> = matchers.iter().zip(&state).map(|(m, s)| m.step(s, c)).collect();
            if seen.contains(&next) {
                continue;
            }
            if seen.len() >= MAX_STRING_STATES {
                return Err(AnalysisError::limit(
                    "max_string_states",
                    MAX_STRING_STATES,
                    format!("the string patterns of condition key `{key}`"),
                ));
            }
            let mut t = text.clone();
            t.push(c);
            found.entry(verdicts(&next)).or_insert_with(|| t.clone());
            seen.insert(next.clone());
            queue.push_back((next, t));
        }
    }
    let mut out: Vec<String> = found.into_values().collect();
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_versus_not_like_has_three_regions() {
        // `a*` and `ab*`: "" (neither), "a" (only a*), "ab" (both).
        let c = candidates(&[(StrKind::Like, "a*"), (StrKind::Like, "ab*")], "k").unwrap();
        assert!(c.contains(&String::new()));
        assert!(c.iter().any(|s| s.starts_with('a') && !s.starts_with("ab")));
        assert!(c.iter().any(|s| s.starts_with("ab")));
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn ignore_case_reaches_case_variants() {
        let c = candidates(&[(StrKind::Equals, "ab"), (StrKind::IgnoreCase, "AB")], "k").unwrap();
        // (false,false), (true,true) "ab", (false,true) "AB"/"Ab"...
        assert_eq!(c.len(), 3, "{c:?}");
    }

    #[test]
    fn suffix_and_prefix_combine() {
        let c = candidates(&[(StrKind::StartWith, "ab"), (StrKind::EndWith, "ba")], "k").unwrap();
        // neither, prefix only, suffix only, both ("aba" is shortest).
        assert_eq!(c.len(), 4, "{c:?}");
        assert!(c.contains(&"aba".to_owned()));
    }
}
