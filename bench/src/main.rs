//! `make bench`: benchmarks of the generator and the generated SDK, printed as one table of ratios
//! measured side by side in one run (absolute times on a shared machine drift; ratios much less).
//!
//! Usage: `sdk-bench [--quick] [--only generator|sdk] [--spec PATH]`.
//! Internal: `sdk-bench --child gen SPEC OUT | spec N PATH | idle | page-sdk N | page-raw N` (measured in a child
//! process so that its peak RSS is its own).
//!
//! Built without the default `generator` feature (as `scripts/bench.sh` builds it for the SDK rows),
//! it has only the SDK benchmarks, and the generator's helpers go unused.

#![cfg_attr(not(feature = "generator"), allow(dead_code, unused_imports))]

#[cfg(feature = "generator")]
mod generator_bench;
mod nginx;
mod sdk_bench;
mod server;
mod util;

use std::path::{Path, PathBuf};
use std::process::Command;

#[cfg(feature = "generator")]
use generator_bench::{Phases, PHASE_NAMES};
use util::{fmt_mb, fmt_ms, fmt_rate, median, proc_status_kb, Row};

const GEN_TARGET_MS: f64 = 100.0;
/// A step in time per operation (×10 operations) above this is super-linear.
const LINEAR_STEP_LIMIT: f64 = 1.5;

struct Options {
    quick: bool,
    generator: bool,
    sdk: bool,
    spec: PathBuf,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(&args[1..]);
        return;
    }
    let mut options = Options {
        quick: false,
        generator: true,
        sdk: true,
        spec: Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml"),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--only" => match it.next().map(String::as_str) {
                Some("generator") => options.sdk = false,
                Some("sdk") => options.generator = false,
                other => fail(&format!("--only takes `generator` or `sdk`, not {other:?}")),
            },
            "--spec" => options.spec = PathBuf::from(it.next().unwrap_or_else(|| fail("--spec needs a path"))),
            "-h" | "--help" => {
                println!("usage: sdk-bench [--quick] [--only generator|sdk] [--spec PATH]");
                return;
            }
            other => fail(&format!("unknown argument {other:?} (try --help)")),
        }
    }

    let started = std::time::Instant::now();
    let scratch = std::env::temp_dir().join(format!("sdk-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch directory");
    let mut rows = Vec::new();
    if options.generator {
        #[cfg(feature = "generator")]
        generator_rows(&options, &scratch, &mut rows);
        #[cfg(not(feature = "generator"))]
        fail("this build has no generator benchmarks (feature `generator`); run it with --only sdk");
    }
    if options.sdk {
        sdk_rows(&options, &mut rows);
    }
    let _ = std::fs::remove_dir_all(&scratch);

    println!();
    println!("## Results");
    println!();
    util::print_table(&rows);
    println!();
    print_machine();
    let misses: Vec<&Row> = rows.iter().filter(|r| r.pass == Some(false)).collect();
    println!();
    println!("{} checks, {} passed, {} missed; run took {:.0} s.", rows.iter().filter(|r| r.pass.is_some()).count(),
        rows.iter().filter(|r| r.pass == Some(true)).count(), misses.len(), started.elapsed().as_secs_f64());
    for miss in misses {
        println!("missed: {} — measured {} vs {} (target {})", miss.name, miss.measured, miss.baseline, miss.target);
    }
}

fn fail(message: &str) -> ! {
    eprintln!("sdk-bench: {message}");
    std::process::exit(2)
}

fn progress(message: &str) {
    eprintln!("[bench] {message}");
}

/// Runs this binary as a child process and returns its stdout.
fn run_child(args: &[&str]) -> String {
    let exe = std::env::current_exe().expect("current exe");
    let output = Command::new(exe).arg("--child").args(args).output().expect("spawn child");
    if !output.status.success() {
        fail(&format!("child {args:?} failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn child_field(text: &str, name: &str) -> f64 {
    text.split_whitespace()
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

fn child(args: &[String]) {
    match args.first().map(String::as_str) {
        #[cfg(feature = "generator")]
        Some("spec") => {
            // Writes a synthetic spec (to reproduce or profile a scaling run).
            let ops: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or_else(|| fail("spec needs a count"));
            let path = args.get(2).unwrap_or_else(|| fail("spec needs a path"));
            std::fs::write(path, generator_bench::synthetic_spec(ops)).expect("write spec");
        }
        Some("idle") => println!("hwm_kb={}", proc_status_kb("VmHWM")),
        #[cfg(feature = "generator")]
        Some("gen") => {
            // Generates REPS times (default 1); prints the median phases and the peak RSS.
            let spec = PathBuf::from(&args[1]);
            let out = PathBuf::from(&args[2]);
            let reps: usize = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(1);
            let samples: Vec<Phases> = (0..reps).map(|_| generator_bench::generate(&spec, &out).0).collect();
            let p = Phases::median_of(&samples);
            println!(
                "hwm_kb={} secs={} load={} lower={} emit={} format={} write={}",
                proc_status_kb("VmHWM"), p.total(), p.load, p.lower, p.emit, p.format, p.write
            );
        }
        Some(kind @ ("page-sdk" | "page-raw")) => {
            let total: u64 = args.get(1).and_then(|n| n.parse().ok()).unwrap_or_else(|| fail("page-* needs a count"));
            println!("{}", sdk_bench::paging(total, kind == "page-raw").to_line());
        }
        Some("soak") => {
            let number = |i: usize| -> u64 { args.get(i).and_then(|n| n.parse().ok()).unwrap_or_else(|| fail("soak needs STREAMS LISTS EVENTS ITEMS")) };
            println!("{}", sdk_bench::soak(number(1), number(2), number(3) as usize, number(4)).to_line());
        }
        other => fail(&format!("unknown child {other:?}")),
    }
}

#[cfg(feature = "generator")]
fn generator_rows(options: &Options, scratch: &Path, rows: &mut Vec<Row>) {
    const S: &str = "Generator";
    let spec = &options.spec;
    let out = scratch.join("llama-cloud");
    let reps = if options.quick { 5 } else { 21 };
    progress(&format!("generator: {} × {reps}", spec.display()));
    let _ = generator_bench::generate(spec, &out); // warm-up (page cache, allocator)
    let samples: Vec<Phases> = (0..reps).map(|_| generator_bench::generate(spec, &out).0).collect();
    let mut totals: Vec<f64> = samples.iter().map(Phases::total).collect();
    let total = median(&mut totals);
    let phases = Phases::median_of(&samples);
    let ops = count_operations(spec);
    rows.push(Row {
        section: S,
        name: format!("generate `{}` ({ops} ops), median of {reps}", spec.file_name().unwrap().to_string_lossy()),
        measured: fmt_ms(total),
        baseline: format!("{GEN_TARGET_MS:.0} ms budget"),
        ratio: Some(total * 1e3 / GEN_TARGET_MS),
        target: "< 1.00× (well under 100 ms)".into(),
        pass: Some(total * 1e3 < GEN_TARGET_MS),
    });
    let slowest = (0..5).max_by(|&a, &b| phases.get(a).total_cmp(&phases.get(b))).unwrap();
    for (i, name) in PHASE_NAMES.iter().enumerate() {
        let t = phases.get(i);
        rows.push(Row::info(
            S,
            format!("  phase {name}{}", if i == slowest { " (slowest)" } else { "" }),
            format!("{} ({:.0}%)", fmt_ms(t), 100.0 * t / phases.total()),
        ));
    }
    let idle = child_field(&run_child(&["idle"]), "hwm_kb");
    let gen = run_child(&["gen", &spec.to_string_lossy(), &scratch.join("child-sdk").to_string_lossy()]);
    let hwm = child_field(&gen, "hwm_kb");
    rows.push(Row {
        section: S,
        name: "peak RSS generating (child process)".into(),
        measured: fmt_mb(hwm as u64),
        baseline: format!("{} idle process", fmt_mb(idle as u64)),
        ratio: Some(hwm / idle),
        target: "".into(),
        pass: None,
    });

    // Scaling: each generation runs in a child process (so its peak RSS is its own), sizes
    // interleaved round by round so that drift affects every size alike.
    let sizes: &[usize] = if options.quick { &[100, 1000] } else { &[100, 1000, 10_000] };
    let rounds = if options.quick { 1 } else { 3 };
    let specs: Vec<PathBuf> = sizes.iter().map(|&n| generator_bench::write_synthetic(scratch, n)).collect();
    let mut per_size: Vec<Vec<Phases>> = vec![Vec::new(); sizes.len()];
    let mut mem = vec![0f64; sizes.len()];
    for round in 0..rounds {
        for (i, &n) in sizes.iter().enumerate() {
            // The largest size is slow (seconds per run): once is enough to see the trend.
            if n >= 10_000 && round > 0 {
                continue;
            }
            progress(&format!("generator scaling: {n} ops, round {}/{rounds}", round + 1));
            let reps = (1000 / n).clamp(1, 10).to_string();
            let out = run_child(&["gen", &specs[i].to_string_lossy(), &scratch.join(format!("synthetic-{n}")).to_string_lossy(), &reps]);
            let f = |name| child_field(&out, name);
            per_size[i].push(Phases { load: f("load"), lower: f("lower"), emit: f("emit"), format: f("format"), write: f("write") });
            mem[i] = mem[i].max(f("hwm_kb") - idle);
        }
    }
    let medians: Vec<Phases> = per_size.iter().map(|s| Phases::median_of(s)).collect();
    let per_op = |i: usize, phase: Option<usize>| {
        let p = &medians[i];
        phase.map_or(p.total(), |k| p.get(k)) / sizes[i] as f64
    };
    for (i, &n) in sizes.iter().enumerate() {
        let p = &medians[i];
        let breakdown: Vec<String> = (0..5).map(|k| format!("{} {}", PHASE_NAMES[k], fmt_ms(p.get(k)))).collect();
        let mut row = Row::info(S, format!("synthetic {n} ops: total ({})", breakdown.join(", ")), fmt_ms(p.total()));
        row.baseline = format!("{:.0} µs/op", per_op(i, None) * 1e6);
        rows.push(row);
    }
    for i in 1..sizes.len() {
        for phase in [None, Some(0), Some(1), Some(2), Some(3), Some(4)] {
            let step = per_op(i, phase) / per_op(i - 1, phase);
            let name = phase.map_or("total", |k| PHASE_NAMES[k]);
            rows.push(Row {
                section: S,
                name: format!("  time/op {} → {} ops: {name}", sizes[i - 1], sizes[i]),
                measured: format!("{:.1} µs/op", per_op(i, phase) * 1e6),
                baseline: format!("{:.1} µs/op", per_op(i - 1, phase) * 1e6),
                ratio: Some(step),
                target: format!("≤ {LINEAR_STEP_LIMIT:.1}× (linear)"),
                pass: Some(step <= LINEAR_STEP_LIMIT),
            });
        }
    }
    for i in 0..sizes.len() {
        let mut row = Row::info(S, format!("peak RSS above idle, synthetic {} ops", sizes[i]), fmt_mb(mem[i] as u64));
        row.baseline = format!("{:.0} kB/op", mem[i] / sizes[i] as f64);
        if i > 0 {
            let step = (mem[i] / sizes[i] as f64) / (mem[i - 1] / sizes[i - 1] as f64);
            row.ratio = Some(step);
            row.target = format!("≤ {LINEAR_STEP_LIMIT:.1}× per op");
            row.pass = Some(step <= LINEAR_STEP_LIMIT);
        }
        rows.push(row);
    }
}

#[cfg(feature = "generator")]
fn count_operations(spec: &Path) -> usize {
    let text = std::fs::read_to_string(spec).unwrap_or_default();
    openapi_sdkgen::load::parse(&text).map(|s| s.openapi.operations().count()).unwrap_or(0)
}

fn sdk_rows(options: &Options, rows: &mut Vec<Row>) {
    const S: &str = "SDK";
    let quick = options.quick;

    // Decode.
    let items = 10_000;
    progress("sdk: decode");
    let d = sdk_bench::decode(items, if quick { 5 } else { 21 });
    let mb = d.bytes as f64 / (1024.0 * 1024.0);
    // The target is the SDK's; plain typed `from_slice` is shown for reference.
    for (name, secs, checked) in
        [("SDK decode path (`runtime::request::decode_json`)", d.sdk, true), ("typed `serde_json::from_slice::<AgentDataPage>`", d.typed, false)]
    {
        rows.push(Row {
            section: S,
            name: format!("decode {items}-item page ({mb:.1} MB): {name}"),
            measured: format!("{:.0} MB/s", mb / secs),
            baseline: format!("{:.0} MB/s `Value`", mb / d.value),
            ratio: Some(d.value / secs),
            target: if checked { "≥ 1.00×".into() } else { String::new() },
            pass: checked.then_some(d.value / secs >= 1.0),
        });
    }

    // Request overhead.
    progress("sdk: requests");
    let r = if quick { sdk_bench::requests(300, 3, 8, None) } else { sdk_bench::requests(1000, 7, 8, None) };
    let in_flight = format!("{} in flight", r.concurrency);
    for (name, sdk, raw) in [("sequential", r.sdk_seq, r.raw_seq), (in_flight.as_str(), r.sdk_conc, r.raw_conc)] {
        rows.push(Row {
            section: S,
            name: format!("requests/s, GET agent-data (loopback, keep-alive), {name}"),
            measured: fmt_rate(sdk, "req"),
            baseline: format!("{} raw reqwest+serde_json", fmt_rate(raw, "req")),
            ratio: Some(sdk / raw),
            target: "≥ 0.90×".into(),
            pass: Some(sdk / raw >= 0.9),
        });
    }

    // Request overhead against nginx, whose answer time is realistic for loopback.
    progress("sdk: requests against nginx");
    match nginx::start(&sdk_bench::small_object_text()) {
        Some(server) => {
            let (per_batch, rounds) = if quick { (500, 3) } else { (2000, 9) };
            let n = sdk_bench::requests(per_batch, rounds, 8, Some(&server.url));
            rows.push(Row {
                section: S,
                name: "requests/s, GET agent-data against nginx (loopback, keep-alive), sequential".into(),
                measured: fmt_rate(n.sdk_seq, "req"),
                baseline: format!("{} raw reqwest+serde_json", fmt_rate(n.raw_seq, "req")),
                ratio: Some(n.sdk_seq / n.raw_seq),
                target: "≥ 0.95×".into(),
                pass: Some(n.sdk_seq / n.raw_seq >= 0.95),
            });
            // nginx answers 8 requests in flight several times faster than one at a time: the
            // sequential rate is bound by each request's round trip, client included, not by nginx.
            rows.push(Row::info(
                S,
                "  nginx is not the bottleneck: raw reqwest with 8 in flight",
                format!("{} ({:.1}× the sequential rate)", fmt_rate(n.raw_conc, "req"), n.raw_conc / n.raw_seq),
            ));
        }
        None => rows.push(Row::info(S, "requests against nginx", "skipped: nginx is not installed (apt-get install nginx-light)")),
    }

    // Paging, each run in its own process for a clean peak RSS.
    let (small, large) = if quick { (10_000u64, 100_000u64) } else { (10_000, 1_000_000) };
    progress(&format!("sdk: paging {small} and {large} items"));
    let page = |kind: &str, n: u64| {
        sdk_bench::PagingResult::parse(&run_child(&[kind, &n.to_string()])).unwrap_or_else(|| fail("paging child gave no result"))
    };
    let p_small = page("page-sdk", small);
    let p_large = page("page-sdk", large);
    let p_raw = page("page-raw", large);
    assert_eq!((p_small.items, p_large.items, p_raw.items), (small, large, large));
    // Memory that grew with the total would be ~100× here; allocator noise moves peak RSS by up to
    // a megabyte between runs, so "independent" means within a quarter of the small run's peak.
    let growth = p_large.hwm_kb as f64 / p_small.hwm_kb as f64;
    rows.push(Row {
        section: S,
        name: format!("paging `.items()`, 1,000/page: peak RSS at {large} items vs {small}"),
        measured: fmt_mb(p_large.hwm_kb),
        baseline: fmt_mb(p_small.hwm_kb),
        ratio: Some(growth),
        target: "≤ 1.25× for 100× the items (independent of total)".into(),
        pass: Some(growth <= 1.25),
    });
    rows.push(Row::info(
        S,
        format!("  RSS growth during the run ({small} / {large} items)"),
        format!(
            "{:+.1} MB / {:+.1} MB",
            (p_small.rss_end_kb as f64 - p_small.rss_start_kb as f64) / 1024.0,
            (p_large.rss_end_kb as f64 - p_large.rss_start_kb as f64) / 1024.0
        ),
    ));
    rows.push(Row {
        section: S,
        name: format!("paging throughput, {large} items"),
        measured: fmt_rate(p_large.items as f64 / p_large.secs, "item"),
        baseline: format!("{} raw reqwest+serde_json", fmt_rate(p_raw.items as f64 / p_raw.secs, "item")),
        ratio: Some(p_raw.secs / p_large.secs),
        target: "".into(),
        pass: None,
    });

    // Server-sent events.
    let events = if quick { 20_000 } else { 200_000 };
    progress(&format!("sdk: sse {events} events"));
    let s = sdk_bench::sse(events, if quick { 3 } else { 7 });
    let mb = s.bytes as f64 / (1024.0 * 1024.0);
    rows.push(Row {
        section: S,
        name: format!("SSE `chat().stream()` → `ChatEvent`, {events} events ({mb:.1} MB), loopback"),
        measured: fmt_rate(s.sdk_net, "ev"),
        baseline: format!("{} reading raw bytes", fmt_rate(s.raw_net, "ev")),
        ratio: Some(s.sdk_net / s.raw_net),
        target: "".into(),
        pass: None,
    });
    rows.push(Row {
        section: S,
        name: "  in memory: `SseParser::next_event` (framing only)".into(),
        measured: fmt_rate(s.parser_mem, "ev"),
        baseline: format!("{} split + `from_slice::<TextDeltaEvent>`", fmt_rate(s.direct_mem, "ev")),
        ratio: Some(s.parser_mem / s.direct_mem),
        target: "".into(),
        pass: None,
    });
    rows.push(Row {
        section: S,
        name: "  in memory: `EventStream<ChatEvent>` (framing + decode)".into(),
        measured: fmt_rate(s.stream_mem, "ev"),
        baseline: format!("{} split + `from_slice::<TextDeltaEvent>`", fmt_rate(s.direct_mem, "ev")),
        ratio: Some(s.stream_mem / s.direct_mem),
        target: "≥ 0.80×".into(),
        pass: Some(s.stream_mem / s.direct_mem >= 0.8),
    });
    rows.push(Row {
        section: S,
        name: "  in memory: `EventStream<ChatEvent>`, against decoding the same type".into(),
        measured: fmt_rate(s.stream_mem, "ev"),
        baseline: format!("{} split + `from_slice::<ChatEvent>`", fmt_rate(s.union_mem, "ev")),
        ratio: Some(s.stream_mem / s.union_mem),
        target: "".into(),
        pass: None,
    });

    // Soak: many streams and lists at once through one client, in its own process for its peak RSS.
    let (streams, lists, events, items) = if quick { (100u64, 100u64, 200u64, 500u64) } else { (500, 500, 1000, 2000) };
    progress(&format!("sdk: soak {streams} streams + {lists} lists"));
    let idle = child_field(&run_child(&["idle"]), "hwm_kb") as u64;
    let soak = sdk_bench::SoakResult::parse(&run_child(&["soak", &streams.to_string(), &lists.to_string(), &events.to_string(), &items.to_string()]))
        .unwrap_or_else(|| fail("soak child gave no result"));
    let complete = soak.complete_streams == streams && soak.complete_lists == lists;
    rows.push(Row {
        section: S,
        name: format!("soak, one client: {streams} chat streams × {events} events + {lists} paginations × {items} items, all at once"),
        measured: format!(
            "{}/{} streams, {}/{} lists complete in {:.2} s",
            soak.complete_streams, streams, soak.complete_lists, lists, soak.secs
        ),
        baseline: format!("{} events, {} items expected", streams * events, lists * items),
        ratio: None,
        target: "every stream and list complete, with the right count".into(),
        pass: Some(complete && soak.events == streams * events && soak.items == lists * items),
    });
    rows.push(Row::info(
        S,
        "  soak throughput and peak RSS",
        format!(
            "{} + {}, peak RSS {} ({} above an idle process)",
            fmt_rate(soak.events as f64 / soak.secs, "ev"),
            fmt_rate(soak.items as f64 / soak.secs, "item"),
            fmt_mb(soak.hwm_kb),
            fmt_mb(soak.hwm_kb.saturating_sub(idle))
        ),
    ));
}

fn print_machine() {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_else(|| "unknown".into());
    let nproc = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mem_kb: u64 = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let rustc = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|_| "unknown".into());
    println!(
        "Machine: {nproc} CPUs ({model}), {:.1} GB RAM, Linux {}, {rustc}, release build.",
        mem_kb as f64 / 1024.0 / 1024.0,
        kernel.trim()
    );
}
