//! Generates the static permission table from `src/matrix/ims-permissions.toml`.
//!
//! The data file is the one source of truth; this script checks it (known sections, methods and
//! situations, well-formed templates, no duplicate rows, no two templates of one method that no
//! rule can tell apart), sorts every method's templates by the routing priority rule, records
//! which pairs overlap, and writes Rust into `OUT_DIR/matrix.rs`, with the router's decisions in
//! `OUT_DIR/route_matcher.rs` and its fast walks in `OUT_DIR/route_fast.rs`. Nothing is parsed at run time.

#![expect(
    clippy::panic,
    reason = "a build script reports a bad data file by failing the build"
)]

#[path = "src/matrix/generate.rs"]
mod generate;
#[path = "src/matrix/model.rs"]
#[allow(dead_code)]
mod model;
#[path = "src/matrix/route_gen.rs"]
mod route_gen;
#[path = "src/matrix/template.rs"]
#[allow(dead_code)]
mod template;

use std::path::PathBuf;

use model::MatrixFile;

const DATA: &str = "src/matrix/ims-permissions.toml";

fn main() {
    println!("cargo::rerun-if-changed={DATA}");
    println!("cargo::rerun-if-changed=src/matrix/model.rs");
    println!("cargo::rerun-if-changed=src/matrix/template.rs");
    println!("cargo::rerun-if-changed=src/matrix/generate.rs");
    println!("cargo::rerun-if-changed=src/matrix/route_gen.rs");
    let text = std::fs::read_to_string(DATA).unwrap_or_else(|e| panic!("cannot read {DATA}: {e}"));
    let file: MatrixFile = toml::from_str(&text).unwrap_or_else(|e| panic!("{DATA}: {e}"));
    let out = generate::generate(&file).unwrap_or_else(|e| panic!("{DATA}: {e}"));
    let dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_else(|| panic!("OUT_DIR is not set")));
    std::fs::write(dir.join("matrix.rs"), out).unwrap_or_else(|e| panic!("cannot write matrix.rs: {e}"));
    let matcher = generate::route_matcher(&file).unwrap_or_else(|e| panic!("{DATA}: {e}"));
    std::fs::write(dir.join("route_matcher.rs"), matcher)
        .unwrap_or_else(|e| panic!("cannot write route_matcher.rs: {e}"));
    let fast = generate::route_fast(&file).unwrap_or_else(|e| panic!("{DATA}: {e}"));
    std::fs::write(dir.join("route_fast.rs"), fast)
        .unwrap_or_else(|e| panic!("cannot write route_fast.rs: {e}"));
}
