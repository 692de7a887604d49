//! The same policies and the same requests decided by ims-iam, Cedar (`cedar-policy`), Rego
//! (`regorus`, on its bytecode VM) and casbin, with matchit routing the same templates as the routing
//! anchor. Every engine must first give the same decision on every request (the program fails
//! otherwise); then the engines are timed interleaved: round after round, each engine runs one batch
//! of about 10 ms in turn, so that load on the machine hits all of them alike; the figure of an engine
//! is its median over its batches. See `../README.md` for the translation rules and figures.
//!
//! ```sh
//! cd benches/peers
//! cargo run --release                      # agreement, then 10 s of interleaved timing per case
//! cargo run --release -- time 30           # 30 s per case
//! cargo run --release -- check             # agreement only
//! cargo run --release -- loop cedar b 368  # one engine, one case, 368 decisions in `measured`
//! ```
//!
//! The `loop` mode is for an instruction counter (`valgrind --tool=callgrind
//! --toggle-collect=ims_iam_peers::measured`, see `../instructions.sh`): it builds one engine for one
//! case, decides every request once outside the measured function (to warm caches and pools), then
//! the given number of decisions inside it.

#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../common/mod.rs"]
mod common;

mod casbin_engine;
mod cedar_engine;
mod ours;
mod rego_engine;
mod translate;

use std::hint::black_box;
use std::time::{Duration, Instant};

use common::PolicySpec;

/// One request, with what every engine needs prepared ahead.
pub struct Case {
    /// The request of the mix.
    pub request: common::Request,
    /// The index of its operation in `ims_iam::operations()` (ims-iam's routing).
    pub operation: usize,
    /// The required actions that count (no situation is given in the mix).
    pub actions: Vec<&'static str>,
    /// The path without its query (what a web framework hands to a router or to casbin).
    pub path: String,
    /// ims-iam's decision.
    pub allowed: bool,
}

/// A decision engine: decides case `i` of the mix.
pub trait Engine {
    /// Decides one case.
    fn decide(&mut self, case: usize) -> bool;

    /// Decides `count` cases in turn from `start` (wrapping at `cases`); returns how many were
    /// allowed. Monomorphised per engine, so only the call of a batch is dynamic.
    fn batch(&mut self, start: usize, count: usize, cases: usize) -> usize {
        let mut allowed = 0;
        let mut i = start;
        for _ in 0..count {
            allowed += usize::from(black_box(self.decide(black_box(i))));
            i += 1;
            if i == cases {
                i = 0;
            }
        }
        allowed
    }
}

/// matchit 0.9 routing the same templates (`{param}` syntax, one router per method): the floor of
/// what finding the operation costs. It neither decodes nor validates parameters; it receives the
/// path without its query, as a web framework hands it over.
struct Matchit {
    routers: Vec<(&'static str, matchit::Router<usize>)>,
    /// Per case: the router of its method and its path.
    cases: Vec<(usize, String)>,
}

impl Matchit {
    fn new(cases: &[Case]) -> Matchit {
        let mut routers: Vec<(&'static str, matchit::Router<usize>)> = Vec::new();
        for (i, op) in ims_iam::operations().iter().enumerate() {
            let method = op.method().as_str();
            let k = match routers.iter().position(|(m, _)| *m == method) {
                Some(k) => k,
                None => {
                    routers.push((method, matchit::Router::new()));
                    routers.len() - 1
                }
            };
            routers[k]
                .1
                .insert(op.template(), i)
                .unwrap_or_else(|e| panic!("matchit refuses `{} {}`: {e}", method, op.template()));
        }
        let cases = cases
            .iter()
            .map(|c| {
                let k = routers.iter().position(|(m, _)| *m == c.request.method).unwrap();
                (k, c.path.clone())
            })
            .collect();
        Matchit { routers, cases }
    }

    /// The operation matchit finds for case `i`.
    fn operation(&self, i: usize) -> Option<usize> {
        let (k, path) = &self.cases[i];
        self.routers[*k].1.at(path).ok().map(|m| *m.value)
    }
}

impl Engine for Matchit {
    fn decide(&mut self, case: usize) -> bool {
        self.operation(case).is_some()
    }
}

/// The two policy sets compared.
fn sets() -> [(&'static str, &'static str, Vec<PolicySpec>); 2] {
    [
        ("a", "(a) small", common::small()),
        ("b", "(b) organisation", common::organisation_50()),
    ]
}

/// The engines of one case, in timing order, with their table names.
fn engines(
    specs: &[PolicySpec],
    set: ims_iam::PolicySet,
    cases: &[Case],
) -> Vec<(&'static str, Box<dyn Engine>)> {
    vec![
        ("ims-iam", Box::new(ours::Ours::new(set, cases))),
        ("matchit (route only)", Box::new(Matchit::new(cases))),
        ("cedar", Box::new(cedar_engine::Cedar::new(specs, cases, false))),
        (
            "cedar (request per decision)",
            Box::new(cedar_engine::Cedar::new(specs, cases, true)),
        ),
        ("regorus (RVM)", Box::new(rego_engine::Rego::new(specs, cases))),
        ("casbin", Box::new(casbin_engine::Casbin::new(specs, cases))),
    ]
}

/// Checks that every engine decides every case as ims-iam does, and that matchit finds ims-iam's
/// operation for every case; panics otherwise. casbin may differ in one documented way only (see
/// `casbin_engine`): the number of such cases is returned.
fn check(name: &str, cases: &[Case], engines: &mut [(&'static str, Box<dyn Engine>)]) -> usize {
    let mut disagreements = 0;
    let mut casbin_multi_action = 0;
    for (engine, e) in engines.iter_mut() {
        for (i, case) in cases.iter().enumerate() {
            let answer = e.decide(i);
            let expected = if engine.starts_with("matchit") {
                true
            } else {
                case.allowed
            };
            if answer == expected {
                continue;
            }
            if *engine == "casbin" && case.allowed && !answer && case.actions.len() > 1 {
                casbin_multi_action += 1;
                continue;
            }
            disagreements += 1;
            eprintln!(
                "{name}: {engine} says {answer}, ims-iam {}: `{} {}` ({})",
                case.allowed, case.request.method, case.request.target, case.request.caller.user
            );
        }
    }
    let router = Matchit::new(cases);
    for (i, case) in cases.iter().enumerate() {
        if router.operation(i) != Some(case.operation) {
            disagreements += 1;
            eprintln!(
                "{name}: matchit finds {:?}, ims-iam {}: `{} {}`",
                router.operation(i),
                case.operation,
                case.request.method,
                case.request.target
            );
        }
    }
    assert_eq!(disagreements, 0, "{name}: the engines disagree (see above)");
    casbin_multi_action
}

/// Interleaved timing: each engine's batch is sized to about `BATCH`; then, for `duration`, round
/// after round, every engine runs one batch (the order rotates each round). Returns per engine the
/// median, minimum and maximum ns per decision over its batches, and the number of batches.
fn time(engines: &mut [(&'static str, Box<dyn Engine>)], cases: usize, duration: Duration) -> Vec<[f64; 4]> {
    const BATCH: Duration = Duration::from_millis(10);
    let sizes: Vec<usize> = engines
        .iter_mut()
        .map(|(_, e)| {
            let mut count = 1;
            loop {
                let start = Instant::now();
                black_box(e.batch(0, count, cases));
                let took = start.elapsed();
                if took >= BATCH / 4 || count > 1 << 30 {
                    let per = took.as_secs_f64() / count as f64;
                    break ((BATCH.as_secs_f64() / per) as usize).max(1);
                }
                count *= 4;
            }
        })
        .collect();
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); engines.len()];
    let mut next = vec![0; engines.len()];
    let start = Instant::now();
    let mut round = 0;
    while start.elapsed() < duration || round < 3 {
        for k in 0..engines.len() {
            let j = (k + round) % engines.len();
            let began = Instant::now();
            black_box(engines[j].1.batch(next[j], sizes[j], cases));
            samples[j].push(began.elapsed().as_nanos() as f64 / sizes[j] as f64);
            next[j] = (next[j] + sizes[j]) % cases;
        }
        round += 1;
    }
    samples
        .into_iter()
        .map(|mut s| {
            s.sort_by(f64::total_cmp);
            [s[s.len() / 2], s[0], s[s.len() - 1], s.len() as f64]
        })
        .collect()
}

fn prepare(specs: &[PolicySpec]) -> (ims_iam::PolicySet, Vec<Case>, usize) {
    let set = common::compile(specs);
    let (cases, skipped) = ours::cases(&set);
    (set, cases, skipped)
}

fn print_agreement(name: &str, specs: &[PolicySpec], cases: &[Case], skipped: usize, multi: usize) {
    let allowed = cases.iter().filter(|c| c.allowed).count();
    println!(
        "{name}: {} statements, {} requests ({allowed} allowed, {} denied; {skipped} request errors left out)",
        specs.iter().map(|s| s.statements.len()).sum::<usize>(),
        cases.len(),
        cases.len() - allowed,
    );
    println!(
        "  agreement: every engine agrees with ims-iam on every request, matchit finds the same operation; \
         casbin differs on {multi} (multi-action APIs granted by several statements, which its model cannot express)"
    );
}

/// The measured loop of the `loop` mode (a function of its own, so a profiler can count only it).
#[inline(never)]
fn measured(engine: &mut dyn Engine, count: usize, cases: usize) -> usize {
    engine.batch(0, count, cases)
}

fn run_loop(engine_name: &str, case: &str, count: Option<usize>) {
    let (_, _, specs) = sets()
        .into_iter()
        .find(|(key, _, _)| *key == case)
        .unwrap_or_else(|| panic!("unknown case `{case}` (a, b)"));
    let (set, cases, _) = prepare(&specs);
    let mut engine: Box<dyn Engine> = match engine_name {
        "ims-iam" => Box::new(ours::Ours::new(set, &cases)),
        "matchit" => Box::new(Matchit::new(&cases)),
        "cedar" => Box::new(cedar_engine::Cedar::new(&specs, &cases, false)),
        "cedar-per-decision" => Box::new(cedar_engine::Cedar::new(&specs, &cases, true)),
        "regorus" => Box::new(rego_engine::Rego::new(&specs, &cases)),
        "casbin" => Box::new(casbin_engine::Casbin::new(&specs, &cases)),
        other => {
            panic!("unknown engine `{other}` (ims-iam, matchit, cedar, cedar-per-decision, regorus, casbin)")
        }
    };
    let count = count.unwrap_or(cases.len());
    let warm = engine.batch(0, cases.len(), cases.len());
    let allowed = measured(engine.as_mut(), count, cases.len());
    println!(
        "{engine_name} {case}: warm-up {warm} of {} allowed; measured {count} decisions, {allowed} allowed",
        cases.len()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (mode, seconds) = match args.as_slice() {
        [] => ("time", 10.0),
        ["time"] => ("time", 10.0),
        ["time", s] => ("time", s.parse::<f64>().expect("seconds per case")),
        ["check"] => ("check", 0.0),
        ["loop", engine, case] => return run_loop(engine, case, None),
        ["loop", engine, case, n] => {
            return run_loop(engine, case, Some(n.parse().expect("a number of decisions")));
        }
        _ => panic!("usage: ims-iam-peers [time [SECONDS] | check | loop ENGINE CASE [DECISIONS]]"),
    };
    let mut table = Vec::new();
    for (_, name, specs) in sets() {
        let (set, cases, skipped) = prepare(&specs);
        let mut engines = engines(&specs, set, &cases);
        let multi = check(name, &cases, &mut engines);
        print_agreement(name, &specs, &cases, skipped, multi);
        if mode == "check" {
            continue;
        }
        let figures = time(&mut engines, cases.len(), Duration::from_secs_f64(seconds));
        let ours = figures[0][0];
        for ((engine, _), [median, min, max, batches]) in engines.iter().zip(&figures) {
            table.push(format!(
                "| {name} | {engine} | {} | {}, {} | {batches} | {} |",
                ns(*median),
                ns(*min),
                ns(*max),
                if *engine == "ims-iam" {
                    "1x".to_owned()
                } else {
                    ratio(median / ours)
                }
            ));
        }
    }
    if mode == "time" {
        println!("\n| set | engine | median per decision | min, max | batches | ratio to ims-iam |");
        println!("|---|---|---|---|---|---|");
        for row in table {
            println!("{row}");
        }
    }
}

/// A time in ns as the README writes it.
fn ns(t: f64) -> String {
    if t >= 1e6 {
        format!("{:.2} ms", t / 1e6)
    } else if t >= 1e3 {
        format!("{:.2} µs", t / 1e3)
    } else {
        format!("{t:.1} ns")
    }
}

/// A ratio as the README writes it.
fn ratio(r: f64) -> String {
    if r >= 10.0 {
        format!("{}x", thousands(r.round() as u64))
    } else {
        format!("{r:.2}x")
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
