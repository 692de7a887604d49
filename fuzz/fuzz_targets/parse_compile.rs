//! Any text as a policy file: parsing and compiling never panic, and a set that compiles decides every
//! documented API the same way with and without an explanation.
#![no_main]

use ims_iam::{Context, Policy, PolicySet, Request, Scope, operations};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(policy) = Policy::parse("fuzz.json", Scope::Global, text) else {
        return;
    };
    let Ok(set) = PolicySet::new([policy]) else {
        return;
    };
    let ctx = Context::default();
    for operation in operations() {
        let request = Request::for_operation(operation, None, &ctx);
        let fast = set.authorize(&request);
        let explained = set.explain(&request).decision();
        assert_eq!(fast, explained, "{} {}", operation.method().as_str(), operation.template());
    }
});
