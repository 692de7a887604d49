#!/usr/bin/env bash
# Instructions per decision, counted by valgrind's callgrind (deterministic, independent of the
# machine's load): ims-iam's hot path per case (examples/hot_path.rs), then each peer's decision loop
# per case with ims-iam's in the same program for the ratios (benches/peers, `loop` mode).
#
#   bash benches/instructions.sh             # everything
#   bash benches/instructions.sh --no-peers  # ims-iam's cases only (no peer build)
#
# Installs valgrind with apt-get when it is missing and builds the release binaries it runs. Only the
# measured function is counted (--toggle-collect): setting up, parsing and compiling are not.
set -euo pipefail

cd "$(dirname "$0")/.."
peers=1
for arg in "$@"; do
    case "$arg" in
        --no-peers) peers=0 ;;
        *) echo "usage: $0 [--no-peers]" >&2; exit 2 ;;
    esac
done

if ! command -v valgrind >/dev/null 2>&1 || ! command -v callgrind_annotate >/dev/null 2>&1; then
    echo "valgrind not found: installing it with apt-get" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq valgrind
fi

echo "building target/release/examples/hot_path" >&2
cargo build --release --quiet --example hot_path
if [ "$peers" -eq 1 ]; then
    echo "building benches/peers (the first build takes several minutes)" >&2
    (cd benches/peers && cargo build --release --quiet)
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# instructions FUNCTION COMMAND...: the instructions executed inside FUNCTION (inclusive).
instructions() {
    local fn="$1"
    shift
    if ! valgrind --tool=callgrind --callgrind-out-file="$work/out" --toggle-collect="$fn" "$@" \
        >"$work/stdout" 2>"$work/stderr"; then
        cat "$work/stderr" >&2
        echo "failed: $*" >&2
        exit 1
    fi
    awk '/^(summary|totals):/ { print $2; exit }' "$work/out"
}

# per TOTAL DECISIONS: instructions per decision, rounded.
per() {
    awk -v t="$1" -v n="$2" 'BEGIN { printf "%d", t / n + 0.5 }'
}

rounds=10
hot=target/release/examples/hot_path

# The number of requests the last run decided: hot_path prints "<case>: <n> of <total> requests ...".
decided() {
    awk '{ for (i = 1; i < NF; i++) if ($i == "of") { print $(i + 1); exit } }' "$work/stdout"
}

echo
echo "ims-iam hot path (examples/hot_path.rs: $rounds x the mix, route + context + authorize per request)"
printf '%-44s %12s\n' "case" "instr/dec"
for case in small organisation 10k users:1000 keys:1 keys:2 keys:4 keys:8 values:1000 cidrs:1000 route; do
    case "$case" in
        small) label="(a) small" ;;
        organisation) label="(b) organisation (400 statements)" ;;
        10k) label="(c) 10k statements" ;;
        users:1000) label="1,000 global conditional Allows (users)" ;;
        keys:*) label="condition keys all holding: ${case#keys:}" ;;
        values:1000) label="StringEquals with 1,000 values" ;;
        cidrs:1000) label="IpAddress with 1,000 CIDRs" ;;
        route) label="route only (the mix)" ;;
    esac
    total="$(instructions 'hot_path::run' "$hot" "$case" "$rounds")"
    printf '%-44s %12s\n' "$label" "$(per "$total" "$(decided)")"
done

if [ "$peers" -eq 1 ]; then
    bin=benches/peers/target/release/ims-iam-peers
    "$bin" check >"$work/check" || { cat "$work/check" >&2; exit 1; }
    echo
    echo "peers (benches/peers, 'loop' mode: the mix minus its request errors, after one warm-up pass)"
    printf '%-20s %-30s %14s %12s\n' "set" "engine" "instr/dec" "ratio"
    for set in a b; do
        n="$(awk '/statements, [0-9]+ requests/ { for (i = 1; i <= NF; i++) if ($(i+1) == "requests") { print $i; exit } }' \
            <(grep "^($set)" "$work/check"))"
        ours=""
        for engine in ims-iam matchit cedar cedar-per-decision regorus casbin; do
            decisions="$n"
            if [ "$engine" = ims-iam ] || [ "$engine" = matchit ]; then decisions=$((n * rounds)); fi
            total="$(instructions 'ims_iam_peers::measured' "$bin" loop "$engine" "$set" "$decisions")"
            value="$(per "$total" "$decisions")"
            if [ -z "$ours" ]; then ours="$value"; fi
            printf '%-20s %-30s %14s %11sx\n' "($set)" "$engine" "$value" \
                "$(awk -v v="$value" -v o="$ours" 'BEGIN { printf (v / o >= 10 ? "%.0f" : "%.2f"), v / o }')"
        done
    done
fi
