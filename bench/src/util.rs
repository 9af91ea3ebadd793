//! Timing, memory and table helpers.

use std::time::Instant;

/// Median of a sample (sorted in place).
pub fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = samples.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        samples[n / 2]
    } else {
        (samples[n / 2 - 1] + samples[n / 2]) / 2.0
    }
}

/// Seconds taken by `f`.
pub fn time<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let start = Instant::now();
    let out = f();
    (start.elapsed().as_secs_f64(), out)
}

/// A field of `/proc/self/status` in kB (`VmHWM`, `VmRSS`).
pub fn proc_status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// One row of the result table.
pub struct Row {
    pub section: &'static str,
    pub name: String,
    pub measured: String,
    pub baseline: String,
    pub ratio: Option<f64>,
    pub target: String,
    /// `Some(true)` pass, `Some(false)` miss, `None` informational.
    pub pass: Option<bool>,
}

impl Row {
    pub fn info(section: &'static str, name: impl Into<String>, measured: impl Into<String>) -> Row {
        Row { section, name: name.into(), measured: measured.into(), baseline: "".into(), ratio: None, target: "".into(), pass: None }
    }
}

pub fn print_table(rows: &[Row]) {
    println!("| benchmark | measured | baseline | ratio | target | result |");
    println!("|---|---|---|---|---|---|");
    let mut section = "";
    for row in rows {
        if row.section != section {
            section = row.section;
            println!("| **{section}** | | | | | |");
        }
        let ratio = row.ratio.map(|r| format!("{r:.2}×")).unwrap_or_default();
        let result = match row.pass {
            Some(true) => "pass",
            Some(false) => "**MISS**",
            None => "",
        };
        println!("| {} | {} | {} | {} | {} | {} |", row.name, row.measured, row.baseline, ratio, row.target, result);
    }
}

pub fn fmt_ms(secs: f64) -> String {
    let ms = secs * 1e3;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else if ms < 1000.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{:.2} s", secs)
    }
}

pub fn fmt_rate(per_sec: f64, unit: &str) -> String {
    if per_sec >= 1e6 {
        format!("{:.2} M{unit}/s", per_sec / 1e6)
    } else if per_sec >= 1e3 {
        format!("{:.1} k{unit}/s", per_sec / 1e3)
    } else {
        format!("{per_sec:.0} {unit}/s")
    }
}

pub fn fmt_mb(kb: u64) -> String {
    format!("{:.1} MB", kb as f64 / 1024.0)
}
