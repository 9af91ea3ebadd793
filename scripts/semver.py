#!/usr/bin/env python3
"""`make semver`: checks `generator diff`'s verdicts against cargo-semver-checks.

Each mutation edits a copy of spec/openapi.yaml in one way a real API change would. For each one:
  1. `generator diff --old spec/openapi.yaml --spec MUTATED --format json` gives the verdict
     (breaking, feature, fix or none), which must be the one expected for that kind of change;
  2. `generator generate` regenerates a copy of generated-sdk/ from the mutated spec, which must bump
     the version as the verdict says (0.x: breaking -> 0.(x+1).0, feature or fix -> patch, none -> same);
  3. `cargo semver-checks check-release --release-type minor` compares that crate with generated-sdk/,
     and code written against generated-sdk/ that uses what the mutation touches is compiled against
     it: the change must be breaking (semver-checks asks for a major version, or the old code no
     longer compiles) exactly when the verdict is `breaking`. The old code is checked to compile
     against generated-sdk/ first.
Prints the agreement table and exits non-zero on any disagreement.

Usage: semver.py --semver-checks PATH [--only NAME ...] [--keep DIR]
"""

import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC_DIR = os.path.join(ROOT, "spec")
SPEC = os.path.join(SPEC_DIR, "openapi.yaml")
SDK = os.path.join(ROOT, "generated-sdk")
GENERATOR = os.path.join(ROOT, "target", "release", "generator")


def schemas(doc):
    return doc["components"]["schemas"]


def op(doc, path, method):
    return doc["paths"][path][method]


QUERY_STRING = lambda name, required: {"name": name, "in": "query", "required": required, "schema": {"type": "string"}}


def add_operation(doc):
    doc["paths"]["/api/v1/chat/{session_id}/export"] = {
        "get": {
            "operationId": "chat_export",
            "summary": "Export a session",
            "x-sdk-resource": op(doc, "/api/v1/chat/{session_id}", "get")["x-sdk-resource"],
            "x-sdk-method": "export",
            "parameters": [{"name": "session_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The session.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ChatSession"}}}}},
        }
    }


def remove_operation(doc):
    del doc["paths"]["/api/v1/chat/{session_id}/summary"]


def add_required_argument(doc):
    op(doc, "/api/v1/chat/{session_id}", "get")["parameters"].append(QUERY_STRING("view", True))


def add_optional_setter(doc):
    op(doc, "/api/v1/chat/{session_id}", "get")["parameters"].append(QUERY_STRING("view", False))


def make_setter_required(doc):
    params = op(doc, "/api/v1/chat/{session_id}", "get")["parameters"]
    next(p for p in params if p.get("name") == "project_id")["required"] = True


def remove_setter(doc):
    operation = op(doc, "/api/v1/chat/{session_id}", "get")
    operation["parameters"] = [p for p in operation["parameters"] if p.get("name") != "project_id"]


def reorder_arguments(doc):
    body = op(doc, "/api/v1/chat/{session_id}/messages/stream", "post")["requestBody"]["content"]["application/json"]["schema"]
    body["properties"] = dict(reversed(list(body["properties"].items())))
    body["required"] = list(reversed(body["required"]))


def change_argument_type(doc):
    body = op(doc, "/api/v1/chat/{session_id}/messages/stream", "post")["requestBody"]["content"]["application/json"]["schema"]
    body["properties"]["prompt"] = {"type": "integer", "description": "Prompt id."}


def change_response_type(doc):
    responses = op(doc, "/api/v1/chat/{session_id}/summary", "get")["responses"]
    responses["200"]["content"]["application/json"] = {"schema": {"$ref": "#/components/schemas/ChatSessionDetail"}}


def change_field_type(doc):
    schemas(doc)["ChatSession"]["properties"]["session_id"] = {"type": "integer", "description": "Unique session number."}


def add_response_field(doc):
    schemas(doc)["ChatSession"]["properties"]["archived"] = {"type": "boolean", "description": "Whether the session is archived."}


def add_required_response_field(doc):
    add_response_field(doc)
    schemas(doc)["ChatSession"]["required"].append("archived")


def remove_response_field(doc):
    del schemas(doc)["ChatSession"]["properties"]["generated_title"]


def add_optional_input_field(doc):
    schemas(doc)["SplitCategory"]["properties"]["color"] = {"type": "string", "description": "Display colour."}


def add_required_input_field(doc):
    add_optional_input_field(doc)
    schemas(doc)["SplitCategory"]["required"].append("color")


def add_enum_value(doc):
    schemas(doc)["FilterOperator"]["enum"].append("between")


def remove_enum_value(doc):
    schemas(doc)["FilterOperator"]["enum"].remove("nin")


def add_union_variant(doc):
    schemas(doc)["CitationEvent"] = {
        "description": "A source the answer cites.",
        "type": "object",
        "required": ["url"],
        "properties": {"url": {"type": "string"}, "type": {"type": "string", "enum": ["citation"]}},
    }
    union = schemas(doc)["ChatEvent"]
    union["oneOf"].append({"$ref": "#/components/schemas/CitationEvent"})
    union["discriminator"]["mapping"]["citation"] = "#/components/schemas/CitationEvent"


def remove_union_variant(doc):
    union = schemas(doc)["ChatEvent"]
    union["oneOf"] = [v for v in union["oneOf"] if v["$ref"] != "#/components/schemas/UserInputEvent"]
    del union["discriminator"]["mapping"]["user_input"]


def remove_pagination(doc):
    del op(doc, "/api/v1/chat", "get")["x-pagination"]


def stream_to_json(doc):
    content = op(doc, "/api/v1/chat/{session_id}/messages/stream", "post")["responses"]["200"]["content"]
    content["application/json"] = {"schema": {"$ref": "#/components/schemas/ChatEvent"}}
    del content["text/event-stream"]


def change_description(doc):
    op(doc, "/api/v1/chat/{session_id}", "get")["description"] = "Fetch one chat session with its metadata."
    schemas(doc)["ChatSession"]["properties"]["session_id"]["description"] = "The session's unique identifier."


def change_path(doc):
    doc["paths"]["/api/v1/chat/{session_id}/digest"] = doc["paths"].pop("/api/v1/chat/{session_id}/summary")


# Code written against generated-sdk/ as it is, touching what each mutation changes: it must still
# compile against the mutated crate exactly when the change is not breaking.
RETRIEVE = 'let session = client.beta().chat().get("ses-1").project_id("prj-1").await?;\n    let _ = (&session.session_id, &session.generated_title);'
SUMMARY = 'let summary: llama_cloud::types::ChatSession = client.beta().chat().get_summary("ses-1").await?;\n    let _ = summary;'
STREAM = 'let events = client.beta().chat().stream("ses-1", ["idx-1"], "What changed?").await?;\n    let _ = events.into_raw();'
SESSION_FIELDS = 'fn id(session: &ChatSession) -> &str {\n        &session.session_id\n    }\n    let session = client.beta().chat().get_summary("ses-1").await?;\n    let _ = (id(&session), &session.generated_title);'
CATEGORY = 'let _ = SplitCategory::new("invoice").with_description("Sales invoices");'
OPERATOR = 'fn symbol(op: &FilterOperator) -> &str {\n        match op {\n            FilterOperator::Eq => "=",\n            FilterOperator::Nin => "not in",\n            FilterOperator::Unknown(other) => other,\n            _ => "?",\n        }\n    }\n    let _ = symbol(&FilterOperator::Eq);'
EVENTS = 'fn kind(event: &ChatEvent) -> &str {\n        match event {\n            ChatEvent::TextDelta(delta) => &delta.content,\n            ChatEvent::UserInput(_) => "user",\n            ChatEvent::Unknown(_) => "unknown",\n            _ => "other",\n        }\n    }\n    let _ = kind;'
LIST = 'let page = client.beta().chat().list().page_size(10).await?;\n    let _ = (page.items().len(), page.has_next_page());'

# (name, what it does, mutation, expected verdict, user code)
MUTATIONS = [
    ("none", "the spec read and written back unchanged", lambda doc: None, "none", RETRIEVE),
    ("add_operation", "a new operation (`beta.chat.export`)", add_operation, "feature", RETRIEVE),
    ("remove_operation", "an operation removed (`chat.get_summary`)", remove_operation, "breaking", SUMMARY),
    ("add_required_argument", "a new required query parameter", add_required_argument, "breaking", RETRIEVE),
    ("add_optional_setter", "a new optional query parameter", add_optional_setter, "feature", RETRIEVE),
    ("make_setter_required", "an optional parameter made required", make_setter_required, "breaking", RETRIEVE),
    ("remove_setter", "an optional parameter removed", remove_setter, "breaking", RETRIEVE),
    ("reorder_arguments", "two required body fields swapped", reorder_arguments, "breaking", STREAM),
    ("change_argument_type", "a required body field's type changed", change_argument_type, "breaking", STREAM),
    ("change_response_type", "an operation's response type changed", change_response_type, "breaking", SUMMARY),
    ("change_field_type", "a response field's type changed", change_field_type, "breaking", SESSION_FIELDS),
    ("add_response_field", "a new optional response field", add_response_field, "feature", SESSION_FIELDS),
    ("add_required_response_field", "a new required response field", add_required_response_field, "feature", SESSION_FIELDS),
    ("remove_response_field", "a response field removed", remove_response_field, "breaking", SESSION_FIELDS),
    ("add_optional_input_field", "a new optional field of a request type", add_optional_input_field, "feature", CATEGORY),
    ("add_required_input_field", "a new required field of a request type", add_required_input_field, "breaking", CATEGORY),
    ("add_enum_value", "a new enum value", add_enum_value, "feature", OPERATOR),
    ("remove_enum_value", "an enum value removed", remove_enum_value, "breaking", OPERATOR),
    ("add_union_variant", "a new variant of a discriminated union", add_union_variant, "feature", EVENTS),
    ("remove_union_variant", "a union variant removed", remove_union_variant, "breaking", EVENTS),
    ("remove_pagination", "a list no longer paginated", remove_pagination, "breaking", LIST),
    ("stream_to_json", "an event stream turned into a JSON response", stream_to_json, "breaking", STREAM),
    ("change_description", "descriptions changed", change_description, "fix", RETRIEVE),
    ("change_path", "an operation's URL path changed", change_path, "fix", SUMMARY),
]

USER_MAIN = """//! Code written against the SDK before the change.
#![allow(dead_code, unused_imports)]
use llama_cloud::types::{{ChatEvent, ChatSession, FilterOperator, SplitCategory}};
use llama_cloud::LlamaCloud;

async fn user(client: &LlamaCloud) -> llama_cloud::Result<()> {{
    {code}
    Ok(())
}}

fn main() {{}}
"""


def compile_user_code(case, sdk, code, env):
    """`cargo check` of a crate using the regenerated SDK the way `code` does: 'compiles' or 'fails'."""
    user = os.path.join(case, "user")
    os.makedirs(os.path.join(user, "src"), exist_ok=True)
    with open(os.path.join(user, "Cargo.toml"), "w") as f:
        f.write(f'[package]\nname = "old-user-code"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\nllama-cloud = {{ path = "{sdk}" }}\n\n[workspace]\n')
    with open(os.path.join(user, "src", "main.rs"), "w") as f:
        f.write(USER_MAIN.format(code=code))
    check = run(["cargo", "check", "--quiet", "--manifest-path", os.path.join(user, "Cargo.toml")], env=env)
    return ("compiles" if check.returncode == 0 else "fails"), check.stderr


def expected_version(verdict, base):
    """The version Cargo's semver rules give after `base` (`major.minor.patch`) for the verdict."""
    major, minor, patch = (int(part) for part in base.split("."))
    if major == 0:
        bumps = {"breaking": (0, minor + 1, 0), "feature": (0, minor, patch + 1), "fix": (0, minor, patch + 1)}
    else:
        bumps = {"breaking": (major + 1, 0, 0), "feature": (major, minor + 1, 0), "fix": (major, minor, patch + 1)}
    return ".".join(str(part) for part in bumps.get(verdict, (major, minor, patch)))


def package_version(manifest):
    with open(manifest) as f:
        for line in f:
            if line.startswith("version = "):
                return line.split("=", 1)[1].strip().strip('"')
    return None


def run(cmd, **kwargs):
    return subprocess.run(cmd, capture_output=True, text=True, **kwargs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--semver-checks", required=True, help="the cargo-semver-checks binary")
    parser.add_argument("--only", nargs="*", help="run only these mutations")
    parser.add_argument("--keep", help="work in this directory and keep it")
    args = parser.parse_args()

    mutations = [m for m in MUTATIONS if not args.only or m[0] in args.only]
    subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "openapi-sdkgen"], cwd=ROOT, check=True)
    with open(SPEC) as f:
        original = yaml.safe_load(f)

    work = args.keep or tempfile.mkdtemp(prefix="semver-")
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ, CARGO_TARGET_DIR=os.path.join(ROOT, "target", "semver"), CARGO_TERM_COLOR="never")
    rows, failures = [], []
    base = package_version(os.path.join(SDK, "Cargo.toml"))
    started = time.time()
    user_env = dict(env, CARGO_TARGET_DIR=os.path.join(ROOT, "target", "semver-user"))
    # The user code must compile against the SDK as it is, or it proves nothing.
    for name, _, _, _, code in mutations:
        verdict, errors = compile_user_code(os.path.join(work, "baseline", name), SDK, code, user_env)
        if verdict != "compiles":
            sys.exit(f"the user code of {name} does not compile against generated-sdk/ itself:\n{errors}")
    for name, description, mutate, expected, code in mutations:
        case = os.path.join(work, name)
        shutil.rmtree(case, ignore_errors=True)
        spec_dir = os.path.join(case, "spec")
        shutil.copytree(SPEC_DIR, spec_dir)
        doc = copy.deepcopy(original)
        mutate(doc)
        spec = os.path.join(spec_dir, "openapi.yaml")
        with open(spec, "w") as f:
            yaml.safe_dump(doc, f, sort_keys=False, allow_unicode=True)

        diff = run([GENERATOR, "diff", "--old", SPEC, "--spec", spec, "--format", "json"])
        if diff.returncode != 0:
            failures.append(f"{name}: generator diff failed: {diff.stderr.strip()}")
            continue
        report = json.loads(diff.stdout)
        verdict = report["verdict"]

        sdk = os.path.join(case, "sdk")
        shutil.copytree(SDK, sdk)
        generate = run([GENERATOR, "generate", "--spec", spec, "--out", sdk])
        if generate.returncode != 0:
            failures.append(f"{name}: generator generate failed: {generate.stderr.strip()}")
            continue
        version = package_version(os.path.join(sdk, "Cargo.toml"))
        with open(os.path.join(SDK, "CHANGELOG.md")) as f:
            old_changelog = f.read()
        with open(os.path.join(sdk, "CHANGELOG.md")) as f:
            changelog = f.read()
        if verdict == "none" and changelog != old_changelog:
            failures.append(f"{name}: the surface did not change, but CHANGELOG.md did")
        if verdict != "none" and f"\n## {version} - " not in changelog:
            failures.append(f"{name}: CHANGELOG.md has no section for {version}")

        checks = run(
            [args.semver_checks, "semver-checks", "check-release", "--manifest-path", os.path.join(sdk, "Cargo.toml"),
             "--baseline-root", SDK, "--release-type", "minor"],
            env=env,
        )
        output = checks.stdout + checks.stderr
        if checks.returncode == 0:
            semver = "pass"
        elif "semver requires new major version" in output or "FAIL" in output:
            semver = "major required"
        else:
            failures.append(f"{name}: cargo semver-checks did not run:\n{output[-2000:]}")
            continue
        lints = sorted({line.split()[2].rstrip(":") for line in output.splitlines() if line.strip().startswith("--- failure")})
        compiled, errors = compile_user_code(case, sdk, code, user_env)

        # Breaking exactly when a tool says so: cargo-semver-checks, or old code failing to compile
        # (semver-checks does not compare argument or field types).
        breaks = semver == "major required" or compiled == "fails"
        agrees = (verdict == "breaking") == breaks
        ok = agrees and verdict == expected and version == expected_version(verdict, base)
        rows.append((name, description, verdict, version, semver + (f" ({', '.join(lints)})" if lints else ""), compiled, "yes" if agrees else "NO"))
        if verdict != expected:
            failures.append(f"{name}: generator diff says {verdict}, expected {expected}:\n{diff.stdout}")
        if not agrees:
            failures.append(f"{name}: generator diff says {verdict}; cargo semver-checks: {semver}; old code {compiled}:\n{output[-2000:]}\n{errors[-2000:]}")
        if version != expected_version(verdict, base):
            failures.append(f"{name}: regenerating bumped the version to {version}, expected {expected_version(verdict, base)}")
        print(f"[semver] {name}: diff {verdict}, version {version}, semver-checks {semver}, old code {compiled}{'' if ok else '  <-- MISMATCH'}", file=sys.stderr, flush=True)

    print("| mutation | change | `generator diff` | new version | cargo semver-checks | old user code | agree |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\n{len(rows)} mutations, {sum(r[6] == 'yes' for r in rows)} agree; {time.time() - started:.0f} s.")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print(f"\nFAILED {failure}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
