#!/usr/bin/env bash
# Builds every fuzz target and runs each one briefly from the committed seed corpus.
#
#   fuzz/run-ci.sh                   # 30 seconds per target
#   FUZZ_SECONDS=900 fuzz/run-ci.sh  # a longer campaign
#
# cargo-fuzz passes nightly-only flags to rustc (`-Zsanitizer=address`); RUSTC_BOOTSTRAP=1 lets the
# stable toolchain accept them. libFuzzer itself is compiled from C++ sources (needs a C++ compiler).
# New inputs go to fuzz/corpus/<target> (not committed); a crash stops the script with a non-zero exit
# and leaves the input in fuzz/artifacts/<target>.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-30}"
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR=never
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --version 0.13.2 --locked
fi
targets=$(cargo fuzz list)
cargo fuzz build
for target in $targets; do
    mkdir -p "corpus/$target" "seeds/$target"
    args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
    if [[ -f "dict/$target.dict" ]]; then
        args+=(-dict="dict/$target.dict")
    fi
    echo "fuzz: $target for ${seconds}s"
    cargo fuzz run "$target" "corpus/$target" "seeds/$target" -- "${args[@]}"
done
echo "fuzz: every target ran ${seconds}s without a finding"
