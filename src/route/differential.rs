//! The generated matcher against the previous router (`reference`): the same row with the same
//! parameters, or the same error (kind, offsets, segment numbers, texts), for targets built from every
//! template and then mutated.

use proptest::prelude::*;

use super::reference::{self, Outcome};
use super::{MAX_TARGET_LEN, Router};
use crate::matrix::{Cloud, MAX_SEGMENTS};

const METHODS: [&str; 8] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "get", "OPTIONS"];

/// What the matcher decides, in the reference's terms.
fn outcome(router: Router, method: &str, target: &str) -> Outcome {
    router.route(method, target).map(|m| {
        let params = m.params().map(|(name, value)| (name, value.to_owned())).collect();
        (m.operation(), params)
    })
}

fn agree(method: &str, target: &str) -> Result<(), TestCaseError> {
    for cloud in Cloud::ALL {
        for check_formats in [true, false] {
            let mut router = Router::default().with_cloud(cloud);
            if !check_formats {
                router = router.accept_any_param_format();
            }
            let new = outcome(router, method, target);
            let old = reference::route(method, target, check_formats, cloud);
            let same = match (&new, &old) {
                (Ok((a, p)), Ok((b, q))) => std::ptr::eq(*a, *b) && p == q,
                (Err(a), Err(b)) => a == b,
                _ => false,
            };
            prop_assert!(
                same,
                "{method} {target:?} ({cloud:?}, formats {check_formats}): {new:?} != {old:?}"
            );
        }
    }
    Ok(())
}

/// A piece to put into a target: the bytes that mean something to the router, and some that do not.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/".to_owned()),
        Just("//".to_owned()),
        Just(".".to_owned()),
        Just("..".to_owned()),
        Just("/./".to_owned()),
        Just("/../".to_owned()),
        Just("%2e".to_owned()),
        Just("%2E%2e".to_owned()),
        Just("%2F".to_owned()),
        Just("%".to_owned()),
        Just("%z".to_owned()),
        Just("%4".to_owned()),
        Just("%ff".to_owned()),
        Just("%00".to_owned()),
        Just("%c2%85".to_owned()),
        Just("%E7%8E%AF".to_owned()),
        Just("%69mages".to_owned()),
        Just("?".to_owned()),
        Just("#".to_owned()),
        Just(" ".to_owned()),
        Just("\\".to_owned()),
        Just("\u{7f}".to_owned()),
        Just("\t".to_owned()),
        Just("é".to_owned()),
        Just("中".to_owned()),
        Just("images".to_owned()),
        Just("v2".to_owned()),
        Just("0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11".to_owned()),
        Just("0123456789abcdef0123456789abcdef".to_owned()),
        "[a-zA-Z0-9._~-]{0,6}",
    ]
}

/// A mutation of a target built from a template.
#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, String),
    Replace(usize, usize, String),
    Truncate(usize),
    Query(String),
    Repeat(usize),
    Long(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), piece()).prop_map(|(at, p)| Mutation::Insert(at, p)),
        (any::<usize>(), 0..40usize, piece()).prop_map(|(at, n, p)| Mutation::Replace(at, n, p)),
        any::<usize>().prop_map(Mutation::Truncate),
        proptest::collection::vec(piece(), 0..4).prop_map(|p| Mutation::Query(p.concat())),
        (1..MAX_SEGMENTS + 3).prop_map(Mutation::Repeat),
        (MAX_TARGET_LEN - 80..MAX_TARGET_LEN + 80).prop_map(Mutation::Long),
    ]
}

/// The byte offset nearest `at` (modulo the length) where `text` can be split.
fn boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn mutate(mut target: String, mutation: &Mutation) -> String {
    match mutation {
        Mutation::Insert(at, piece) => target.insert_str(boundary(&target, *at), piece),
        Mutation::Replace(at, n, piece) => {
            let start = boundary(&target, *at);
            let mut end = (start + n).min(target.len());
            while !target.is_char_boundary(end) {
                end -= 1;
            }
            target.replace_range(start..end.max(start), piece);
        }
        Mutation::Truncate(at) => target.truncate(boundary(&target, *at)),
        Mutation::Query(query) => {
            target.push('?');
            target.push_str(query);
        }
        Mutation::Repeat(n) => target = target.repeat(*n),
        Mutation::Long(len) => {
            let pad = len.saturating_sub(target.len());
            target.push_str(&"a".repeat(pad));
        }
    }
    target
}

#[test]
fn every_template_agrees_as_written_and_as_its_example() {
    for op in crate::operations() {
        for method in METHODS {
            agree(method, op.template()).unwrap();
            agree(method, &op.example_path()).unwrap();
        }
    }
    for target in [
        "",
        "/",
        "/?",
        "*",
        "http://h/v2/images",
        "/?a#b",
        "//",
        "/a/",
        "/%",
        "/a%2",
    ] {
        agree("GET", target).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn mutated_template_targets_agree(
        op in (0..crate::operations().len()).prop_map(|i| &crate::operations()[i]),
        method in proptest::sample::select(&METHODS[..]),
        own_method in any::<bool>(),
        mutations in proptest::collection::vec(mutation(), 0..4),
    ) {
        let method = if own_method { op.method().as_str() } else { method };
        let target = mutations.iter().fold(op.example_path(), mutate);
        agree(method, &target)?;
    }

    #[test]
    fn arbitrary_targets_agree(
        method in proptest::sample::select(&METHODS[..]),
        pieces in proptest::collection::vec(piece(), 0..12),
    ) {
        agree(method, &pieces.concat())?;
        agree(method, &format!("/{}", pieces.concat()))?;
    }
}
