//! `make fuzz`: runs every fuzz target for a fixed time and reports its executions.
//!
//! ```text
//! sdk-fuzz [--seconds N] [--threads N] [TARGET ...]
//! ```
//!
//! Each target runs for `--seconds` (default 60) on each of `--threads` threads (default: the
//! machine's cores), with a different random seed per thread. A failing property prints arbtest's
//! seed; replay it with `ARBTEST_SEED=<seed>` in `cargo test -p sdk-fuzz`.

use std::time::Duration;

use sdk_fuzz::{run, Report, TARGETS};

fn main() {
    let mut seconds = 60u64;
    let mut threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut only = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |what: &str| -> u64 {
            args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| usage(&format!("{what} needs a number")))
        };
        match arg.as_str() {
            "--seconds" => seconds = number("--seconds"),
            "--threads" => threads = number("--threads").max(1) as usize,
            "-h" | "--help" => usage(""),
            name if TARGETS.iter().any(|(n, _)| *n == name) => only.push(name.to_string()),
            other => usage(&format!("unknown argument `{other}`")),
        }
    }
    let budget = Duration::from_secs(seconds);
    println!("| target | executions | exec/s | result |");
    println!("|---|---:|---:|---|");
    let (mut total, mut failed) = (0u64, 0usize);
    for (name, target) in TARGETS.iter().filter(|(n, _)| only.is_empty() || only.iter().any(|o| o == n)) {
        let reports: Vec<Report> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads).map(|_| scope.spawn(|| run(*target, budget))).collect();
            handles.into_iter().map(|h| h.join().expect("a fuzz thread reports")).collect()
        });
        let executions: u64 = reports.iter().map(|r| r.executions).sum();
        let elapsed = reports.iter().map(|r| r.elapsed).max().unwrap_or_default();
        let failures: Vec<&str> = reports.iter().filter_map(|r| r.failure.as_deref()).collect();
        total += executions;
        failed += failures.len();
        let result = if failures.is_empty() { "0 panics".to_string() } else { format!("FAILED: {}", failures.join(" / ").replace('\n', " ")) };
        println!("| {name} | {executions} | {:.0} | {result} |", executions as f64 / elapsed.as_secs_f64().max(1e-9));
    }
    println!("\n{total} executions in total, {failed} failure(s).");
    if failed > 0 {
        std::process::exit(1);
    }
}

fn usage(problem: &str) -> ! {
    if !problem.is_empty() {
        eprintln!("sdk-fuzz: {problem}");
    }
    let names: Vec<&str> = TARGETS.iter().map(|(n, _)| *n).collect();
    eprintln!("usage: sdk-fuzz [--seconds N] [--threads N] [{}]", names.join("|"));
    std::process::exit(2)
}
