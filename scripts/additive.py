#!/usr/bin/env python3
"""`make names`: additive spec changes never break code written against the SDK (the name lock).

Each mutation only adds to a spec (the LlamaCloud spec, or a fixture spec of tests/fixtures), in a
way that makes some naming rule want a name an existing item already has: titles, property and
parameter names, singular list items and map values, discriminator values, shared shapes,
components against inline types, operations without operationId, enum values, fields, setters and
union variants that collide after case conversion, new resources, and the spec's maps shuffled.
For each one:
  1. `generator diff --old OLD --spec MUTATED --out OLD_SDK --format json` must list no `breaking`
     change (the same diff with `--rename`, names chosen afresh as without the lock, is reported
     too: it shows what the lock prevented);
  2. `generator generate` regenerates a copy of the old SDK (whose api-names.json is the lock);
  3. `cargo semver-checks check-release` must find nothing that needs a major version, and code
     written against the old SDK must compile against the new one. That code is generated from the
     old SDK's api-surface.json: it names every type, reads every field at its declared type, matches
     every enum value and union variant, builds every input type through `new`/`with_*`, and calls
     every method with its arguments and every setter, so a renamed or retyped item fails to compile.
With --batch, the old code is compiled once per spec, against the SDK of all
its mutations applied together (cargo-semver-checks runs on that SDK too, besides each mutation's):
the compile is the slow part, and this also checks that the mutations compose. Prints a table and
exits non-zero on any breaking change.

Usage: additive.py --semver-checks PATH [--only NAME ...] [--batch] [--diff-only] [--keep DIR]
"""

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC_DIR = os.path.join(ROOT, "spec")
SDK = os.path.join(ROOT, "generated-sdk")
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
GENERATOR = os.path.join(ROOT, "target", "release", "generator")
LLAMA = "llama-cloud"


def run(cmd, **kwargs):
    return subprocess.run(cmd, capture_output=True, text=True, **kwargs)


def prepend(mapping, key, value):
    """A copy of `mapping` with `key` first: new entries placed where they are claimed first."""
    return {key: value, **{k: v for k, v in mapping.items() if k != key}}


def obj(**props):
    return {"type": "object", "properties": props}


STRING = {"type": "string"}


def add_operation(doc, path, method, op_id, resource, response=None, parameters=None, body=None, first=False):
    operation = {"operationId": op_id, "summary": op_id.replace("_", " ").capitalize(), "responses": {}}
    if resource:
        operation["x-sdk-resource"] = resource
        operation["x-sdk-method"] = op_id.split("_")[-1]
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = {"content": {"application/json": {"schema": body}}}
    if response is None:
        operation["responses"]["204"] = {"description": "Done."}
    else:
        operation["responses"]["200"] = {"description": "OK.", "content": {"application/json": {"schema": response}}}
    item = doc["paths"].get(path, {})
    item[method] = operation
    doc["paths"] = prepend(doc["paths"], path, item) if first else {**doc["paths"], path: item}


def schemas(doc):
    return doc["components"]["schemas"]


def at(doc, *keys):
    node = doc
    for key in keys:
        node = node[key]
    return node


ATTACHMENT = ("components", "schemas", "RetrievalRetrieveResponse", "properties", "results", "items", "properties", "static_fields", "properties", "attachments", "items")


def handle_of(resource):
    """The handle type name of a resource of the checked-in SDK (as its name lock records it)."""
    with open(os.path.join(SDK, "api-names.json")) as f:
        return next(name for name, t in json.load(f)["types"].items() if t["places"] == [f"resource {resource}"])


def shuffle(node, key=None):
    """Every map of the spec in reverse order, but for lists and `properties`, whose order means
    something (a constructor's parameter order)."""
    if isinstance(node, dict):
        items = list(node.items()) if key == "properties" else list(reversed(list(node.items())))
        return {k: shuffle(v, k) for k, v in items}
    if isinstance(node, list):
        return [shuffle(v) for v in node]
    return node


# LlamaCloud: (name, the naming rule it tests, mutation)
LLAMA_MUTATIONS = [
    ("attachments_elsewhere", "singular list items: a new `attachments` list wants `Attachment`",
     lambda d: add_operation(d, "/api/v1/mail/{id}", "get", "mail_get", "mail", obj(attachments={"type": "array", "items": obj(filename=STRING, size={"type": "integer"})}),
                             [{"name": "id", "in": "path", "required": True, "schema": STRING}], first=True)),
    ("mode_parameter", "parameter names: a new `mode` enum parameter wants `Mode`",
     lambda d: add_operation(d, "/api/v1/summaries", "get", "summaries_list", "beta.summaries", obj(text=STRING),
                             [{"name": "mode", "in": "query", "schema": {"type": "string", "enum": ["quick", "thorough"]}}], first=True)),
    ("matches_list", "singular list items: a new `matches` list wants `Match`",
     lambda d: add_operation(d, "/api/v1/patterns", "post", "patterns_run", "patterns", obj(matches={"type": "array", "items": obj(pattern=STRING, line={"type": "integer"})}), first=True)),
    ("detail_field", "property names: a new `detail` object field of a component wants `Detail`",
     lambda d: schemas(d)["File"]["properties"].update(detail=obj(level=STRING, note=STRING))),
    ("products_resource", "new resources and property names: a resource with a `products` list wants `Product`",
     lambda d: add_operation(d, "/api/v1/catalog", "post", "catalog_create", "catalog", obj(id=STRING),
                             body=obj(products={"type": "array", "items": obj(sku=STRING, quantity={"type": "integer"})}), first=True)),
    ("priority_component", "components against inline types: a new component `Priority`",
     lambda d: schemas(d).update(Priority={"type": "string", "enum": ["p0", "p1", "p2"], "description": "How urgent."})),
    ("attachment_component", "components against inline types: a new component `Attachment`",
     lambda d: schemas(d).update(Attachment=obj(url=STRING))),
    ("shared_shape_new_place", "shared shapes: a new place shaped like `Attachment` under another name",
     lambda d: add_operation(d, "/api/v1/inbox", "get", "inbox_list", "inbox", obj(files={"type": "array", "items": copy.deepcopy(at(d, *ATTACHMENT))}), first=True)),
    ("title_newcomer", "titles: a new inline schema titled `Static Fields`",
     lambda d: add_operation(d, "/api/v1/fields", "get", "fields_get", "fields", {"title": "Static Fields", **obj(names={"type": "array", "items": STRING})}, first=True)),
    ("map_values", "map values: a new `metadata` map wants `MetadataValue`",
     lambda d: add_operation(d, "/api/v1/tags", "get", "tags_get", "tags", obj(metadata={"type": "object", "additionalProperties": obj(origin=STRING)}), first=True)),
    ("discriminator_value", "discriminator values: a new union's `attachment` variant wants `Attachment`",
     lambda d: add_operation(d, "/api/v1/parts", "get", "parts_get", "parts", {
         "oneOf": [
             {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["attachment"]}, "blob": STRING}},
             {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["inline"]}, "text": STRING}},
         ],
         "discriminator": {"propertyName": "kind"},
     }, first=True)),
    ("enum_value_case", "enum values colliding after case conversion: `EQ` before `eq`",
     lambda d: schemas(d)["FilterOperator"].update(enum=["EQ"] + schemas(d)["FilterOperator"]["enum"])),
    ("union_variant_case", "union variants colliding after case conversion: a `TEXT_DELTA` variant first",
     lambda d: (schemas(d).update(ShoutEvent=obj(content=STRING)),
                schemas(d)["ChatEvent"].update(oneOf=[{"$ref": "#/components/schemas/ShoutEvent"}] + schemas(d)["ChatEvent"]["oneOf"]),
                schemas(d)["ChatEvent"]["discriminator"].update(mapping=prepend(schemas(d)["ChatEvent"]["discriminator"]["mapping"], "TEXT_DELTA", "#/components/schemas/ShoutEvent")))),
    ("field_case", "fields colliding after case conversion: `sessionId` before `session_id`",
     lambda d: schemas(d)["ChatSession"].update(properties=prepend(schemas(d)["ChatSession"]["properties"], "sessionId", {"type": "string", "description": "Legacy id."}))),
    ("setter_case", "setters colliding after case conversion: a `projectId` parameter before `project_id`",
     lambda d: at(d, "paths", "/api/v1/chat/{session_id}", "get", "parameters").insert(0, {"name": "projectId", "in": "query", "schema": STRING})),
    ("resource_named_like_type", "new resources: a resource `priority` whose handle wants `Priority`",
     lambda d: add_operation(d, "/api/v1/priority", "get", "priority_get", "priority", obj(level=STRING), first=True)),
    ("component_named_like_builder", "components against request builders: a new component `ChatRetrieveRequest`",
     lambda d: schemas(d).update(ChatRetrieveRequest=obj(view=STRING))),
    ("component_named_like_resource", "components against resource handles: a new component named like `beta.chat`'s handle",
     lambda d: schemas(d).update({handle_of("beta.chat"): obj(topic=STRING)})),
    ("component_named_like_client", "components against the client: a new component `LlamaCloud`",
     lambda d: schemas(d).update(LlamaCloud=obj(region=STRING))),
    ("priority_parameter", "parameter names: a new optional `priority` enum parameter wants `Priority`",
     lambda d: at(d, "paths", "/api/v1/chat/{session_id}", "get", "parameters").append({"name": "priority", "in": "query", "schema": {"type": "string", "enum": ["high", "low"]}})),
    ("union_variant_added", "union variants: a new variant of an inline untagged union",
     lambda d: at(d, "components", "schemas", "ErrorResponse", "properties", "detail", "oneOf").insert(0, {"type": "integer"})),
    ("shared_map_third_place", "shared shapes: a third map shaped like `FileInfoValue`",
     lambda d: schemas(d)["File"]["properties"].update(owner_info=copy.deepcopy(schemas(d)["File"]["properties"]["permission_info"]))),
    ("shuffled", "order independence: every map of the spec in reverse order", None),
]


class Loader(yaml.SafeLoader):
    """YAML as OpenAPI tools read it: only `true` and `false` are booleans (`yes` stays a string)."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def fixture_spec(name):
    with open(os.path.join(FIXTURES, f"{name}.yaml")) as f:
        return yaml.load(f, Loader=Loader)


# Fixture specs: (name, fixture, the naming rule it tests, mutation)
FIXTURE_MUTATIONS = [
    ("fixture_property", "names_shortest_unique", "property names: a new `rerank` object wants `Rerank`",
     lambda d: add_operation(d, "/rerankers", "get", "get_reranker", None, obj(rerank=obj(model=STRING)), first=True)),
    ("fixture_component", "names_shortest_unique", "components against inline types: a new component `Sort`",
     lambda d: schemas(d).update(Sort=obj(field=STRING))),
    ("fixture_items", "names_elements_and_titles", "singular list items: a new `filters` list wants `Filter`",
     lambda d: add_operation(d, "/saved", "get", "saved", None, obj(filters={"type": "array", "items": obj(query=STRING)}), first=True)),
    ("fixture_map_values", "names_elements_and_titles", "map values: a new `labels` map wants `Label`",
     lambda d: add_operation(d, "/palette", "get", "palette", None, obj(labels={"type": "object", "additionalProperties": obj(hex=STRING)}), first=True)),
    ("fixture_title", "names_elements_and_titles", "titles: a new schema titled `Search Tuning`",
     lambda d: add_operation(d, "/tuning", "get", "tuning", None, {"title": "Search Tuning", **obj(decay={"type": "number"})}, first=True)),
    ("fixture_variant_title", "names_union_variants", "union variants: a variant titled `all` before the `{all}` object",
     lambda d: at(d, "paths", "/events", "get", "responses", "200", "content", "application/json", "schema", "properties", "condition", "oneOf").insert(0, {"title": "all", "type": "boolean"})),
    ("fixture_discriminator_case", "names_union_variants", "discriminator values colliding after case conversion: `TEXT_DELTA` first",
     lambda d: at(d, "paths", "/events", "get", "responses", "200", "content", "application/json", "schema", "properties", "event", "oneOf").insert(0, {
         "type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["TEXT_DELTA"]}, "shout": STRING}})),
    ("fixture_no_operation_id", "names_operations", "operations without operationId: `GET /answers/{key}` before `GET /answers`",
     lambda d: d.update(paths=prepend(d["paths"], "/answers/{key}", {"get": {
         "tags": ["answers"], "parameters": [{"name": "key", "in": "path", "required": True, "schema": STRING}], "responses": {"204": {"description": "Done."}}}}))),
    ("fixture_operation_id_case", "names_operations", "operationIds colliding after case conversion: `GetUser` first",
     lambda d: d.update(paths=prepend(d["paths"], "/profiles", {"get": {"operationId": "GetUser", "tags": ["users"], "responses": {"204": {"description": "Done."}}}}))),
    ("fixture_shared_shape", "dedup_identical_shapes", "shared shapes: a new place of the operator enum",
     lambda d: schemas(d)["File"]["properties"].update(sort_operator={"type": "string", "enum": ["gt", "ne", "eq"]})),
    ("fixture_enum_case", "enums", "enum values colliding after case conversion: `In-Progress` first",
     lambda d: schemas(d)["JobStatus"].update(enum=["In-Progress"] + schemas(d)["JobStatus"]["enum"])),
]


def user_code(sdk):
    """Rust code using every public item of the SDK in `sdk` (from its api-surface.json), typed."""
    with open(os.path.join(sdk, "api-surface.json")) as f:
        surface = json.load(f)
    with open(os.path.join(sdk, "api-names.json")) as f:
        client = next(name for name, t in json.load(f)["types"].items() if t["places"] == ["#"])
    skip = lambda ty: "Bytes" in ty or "Upload" in ty
    lines = []
    for name, ty in surface["types"].items():
        shape = ty["shape"]
        lines.append(f"fn type_{name}(_: Option<&{name}>) {{}}")
        if shape["kind"] == "struct":
            for field, f in shape["fields"].items():
                lines.append(f"fn field_{name}_{field}(x: &{name}) -> &{f['ty']} {{ &x.{field} }}")
            if shape["constructor"] is not None:
                params = ", ".join(f"a{i}: {p['ty']}" for i, p in enumerate(shape["constructor"]))
                args = ", ".join(f"a{i}" for i in range(len(shape["constructor"])))
                lines.append(f"fn new_{name}({params}) -> {name} {{ {name}::new({args}) }}")
            elif shape["default"]:
                lines.append(f"fn default_{name}() -> {name} {{ {name}::default() }}")
            if shape["setters"]:
                for field, f in shape["fields"].items():
                    inner = f["ty"][len("Option<"):-1] if f["ty"].startswith("Option<") else None
                    if inner and not inner.startswith("Box<") and not skip(inner):
                        lines.append(f"fn with_{name}_{field}(x: {name}, v: {inner}) -> {name} {{ x.with_{field}(v) }}")
        elif shape["kind"] == "enum":
            arms = "".join(f"{name}::{v} => 0, " for v in sorted(set(shape["values"].values())))
            lines.append(f"fn match_{name}(x: &{name}) -> u8 {{ match x {{ {arms}{name}::Unknown(_) => 1, _ => 2 }} }}")
        elif shape["kind"] == "union":
            arms = "".join(f"{name}::{v}(_) => 0, " for v in sorted(shape["variants"]))
            lines.append(f"fn match_{name}(x: &{name}) -> u8 {{ match x {{ {arms}{name}::Unknown(_) => 1, _ => 2 }} }}")
        elif shape["kind"] == "alias":
            lines.append(f"fn alias_{name}(x: {name}) -> {shape['target']} {{ x }}")
    for i, (key, op) in enumerate(sorted(surface["operations"].items())):
        if any(skip(p["ty"]) for p in op["arguments"]):
            continue
        params = "".join(f", a{j}: {p['ty']}" for j, p in enumerate(op["arguments"]))
        call = "c." + "".join(f"{step}()." for step in key.split(".")[:-1]) + key.split(".")[-1] + "(" + ", ".join(f"a{j}" for j in range(len(op["arguments"]))) + ")"
        lines.append(f"fn call_{i}(c: &{client}{params}) {{ let _ = {call}; }}")
        response = op["response"]
        if " of " not in response and not skip(response):
            lines.append(f"async fn send_{i}(c: &{client}{params}) -> Result<{response}> {{ {call}.await }}")
        for setter, s in op["setters"].items():
            if not skip(s["ty"]):
                lines.append(f"fn set_{i}_{setter}(c: &{client}{params}, v: {s['ty']}) {{ let _ = {call}.{setter}(v); }}")
    return lines, client


USER_MAIN = """//! Code written against the SDK before the change: every public item, by name and type.
#![allow(dead_code, unused_imports, non_snake_case, clippy::all)]
use std::collections::BTreeMap;
use serde_json::{{Map, Value}};
use {lib}::types::*;
use {lib}::{{{client}, EventStream, Result, Timestamp}};

{code}

fn main() {{}}
"""


def crate_name(sdk):
    with open(os.path.join(sdk, "Cargo.toml")) as f:
        for line in f:
            if line.startswith("name = "):
                return line.split("=", 1)[1].strip().strip('"')
    raise SystemExit(f"no package name in {sdk}/Cargo.toml")


def compile_user_code(case, sdk, code, env):
    """`cargo check` of a crate using the SDK in `sdk` the way `code` does: (ok, errors)."""
    lines, client = code
    user = os.path.join(case, "user")
    os.makedirs(os.path.join(user, "src"), exist_ok=True)
    name = crate_name(sdk)
    with open(os.path.join(user, "Cargo.toml"), "w") as f:
        f.write(f'[package]\nname = "old-user-code"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\n{name} = {{ path = "{sdk}" }}\nserde_json = "1"\n\n[workspace]\n')
    with open(os.path.join(user, "src", "main.rs"), "w") as f:
        f.write(USER_MAIN.format(lib=name.replace("-", "_"), client=client, code="\n".join(lines)))
    check = run(["cargo", "check", "--quiet", "--manifest-path", os.path.join(user, "Cargo.toml")], env=env)
    return check.returncode == 0, check.stderr


def semver_checks(binary, sdk, baseline, env):
    """cargo-semver-checks of `sdk` against `baseline`: (passes, failing lints, output)."""
    checks = run([binary, "semver-checks", "check-release", "--manifest-path", os.path.join(sdk, "Cargo.toml"),
                  "--baseline-root", baseline, "--release-type", "minor"], env=env)
    output = checks.stdout + checks.stderr
    if checks.returncode != 0 and "semver requires new major version" not in output and "FAIL" not in output:
        raise RuntimeError(f"cargo semver-checks did not run:\n{output[-3000:]}")
    lints = sorted({line.split()[2].rstrip(":") for line in output.splitlines() if line.strip().startswith("--- failure")})
    return checks.returncode == 0, lints, output


def write_spec(doc, path):
    with open(path, "w") as f:
        yaml.safe_dump(doc, f, sort_keys=False, allow_unicode=True)


def diff_report(old_spec, spec, old_sdk, rename):
    cmd = [GENERATOR, "diff", "--old", old_spec, "--spec", spec, "--out", old_sdk, "--format", "json"]
    if rename:
        cmd.append("--rename")
    result = run(cmd)
    if result.returncode != 0:
        raise RuntimeError(f"generator diff failed: {result.stderr.strip()}")
    return json.loads(result.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--semver-checks", required=True, help="the cargo-semver-checks binary")
    parser.add_argument("--only", nargs="*", help="run only these mutations")
    parser.add_argument("--batch", action="store_true", help="compile the old code once per spec, all its mutations applied")
    parser.add_argument("--keep", help="work in this directory and keep it")
    parser.add_argument("--diff-only", action="store_true", help="only `generator diff` and regeneration (seconds, for work on the generator)")
    args = parser.parse_args()

    subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "openapi-sdkgen"], cwd=ROOT, check=True)
    with open(os.path.join(SPEC_DIR, "openapi.yaml")) as f:
        llama = yaml.load(f, Loader=Loader)
    mutations = [(name, LLAMA, rule, mutate) for name, rule, mutate in LLAMA_MUTATIONS] + FIXTURE_MUTATIONS
    mutations = [m for m in mutations if not args.only or m[0] in args.only]

    work = os.path.abspath(args.keep or tempfile.mkdtemp(prefix="additive-"))
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ, CARGO_TARGET_DIR=os.path.join(ROOT, "target", "semver"), CARGO_TERM_COLOR="never")
    user_env = dict(env, CARGO_TARGET_DIR=os.path.join(ROOT, "target", "semver-user"))
    started = time.time()
    failures, rows = [], []

    # The old SDK of each spec (the LlamaCloud one is generated-sdk/ itself), its spec and the code
    # written against it, which must compile against it first.
    bases = {}
    for target in dict.fromkeys(m[1] for m in mutations):
        if target == LLAMA:
            bases[target] = (os.path.join(SPEC_DIR, "openapi.yaml"), SDK, llama)
        else:
            spec = os.path.join(FIXTURES, f"{target}.yaml")
            sdk = os.path.join(work, "base", target)
            shutil.rmtree(sdk, ignore_errors=True)
            generated = run([GENERATOR, "generate", "--spec", spec, "--out", sdk, "--crate-name", f"fixture-{target.replace('_', '-')}"])
            if generated.returncode != 0:
                sys.exit(f"{target}: generator generate failed: {generated.stderr}")
            bases[target] = (spec, sdk, fixture_spec(target))
    codes = {}
    for target, (_, sdk, _) in bases.items() if not args.diff_only else ():
        codes[target] = user_code(sdk)
        ok, errors = compile_user_code(os.path.join(work, "baseline", target), sdk, codes[target], user_env)
        if not ok:
            sys.exit(f"the user code of {target} does not compile against its own SDK:\n{errors[-4000:]}")

    def regenerate(case, target, doc):
        old_spec, old_sdk, _ = bases[target]
        spec_dir = os.path.join(case, "spec")
        if target == LLAMA:
            shutil.copytree(SPEC_DIR, spec_dir)
        else:
            os.makedirs(spec_dir)
        spec = os.path.join(spec_dir, "openapi.yaml")
        write_spec(doc, spec)
        sdk = os.path.join(case, "sdk")
        shutil.copytree(old_sdk, sdk)
        generated = run([GENERATOR, "generate", "--spec", spec, "--out", sdk] + ([] if target == LLAMA else ["--crate-name", crate_name(old_sdk)]))
        if generated.returncode != 0:
            raise RuntimeError(f"generator generate failed: {generated.stderr.strip()}")
        return spec, sdk

    def slow_checks(case, target, sdk, compile_code=True):
        passes, lints, output = semver_checks(args.semver_checks, sdk, bases[target][1], env)
        compiles, errors = compile_user_code(case, sdk, codes[target], user_env) if compile_code else (None, "")
        return passes, lints, output, compiles, errors

    combined = {target: copy.deepcopy(base[2]) for target, base in bases.items()}
    for name, target, rule, mutate in mutations:
        case = os.path.join(work, name)
        shutil.rmtree(case, ignore_errors=True)
        doc = copy.deepcopy(bases[target][2])
        try:
            if mutate is None:
                doc = shuffle(doc)
            else:
                mutate(doc)
                mutate(combined[target])
            spec, sdk = regenerate(case, target, doc)
            kept = diff_report(bases[target][0], spec, bases[target][1], rename=False)
            fresh = diff_report(bases[target][0], spec, bases[target][1], rename=True)
        except RuntimeError as error:
            failures.append(f"{name}: {error}")
            continue
        breaking = [c for c in kept["changes"] if c["level"] == "breaking"]
        explained = [c["what"] for c in kept["changes"] if ", named `" in c["what"]]
        row = {"name": name, "rule": rule, "verdict": kept["verdict"], "fresh": f"{fresh['verdict']} ({fresh['breaking']} breaking)" if fresh["breaking"] else fresh["verdict"], "note": "; ".join(explained)}
        if breaking:
            failures.append(f"{name}: generator diff lists breaking changes:\n" + "\n".join(f"  {c['item']}: {c['what']}" for c in breaking))
        if not args.diff_only:
            try:
                passes, lints, output, compiles, errors = slow_checks(case, target, sdk, compile_code=not args.batch)
            except RuntimeError as error:
                failures.append(f"{name}: {error}")
                continue
            row["semver"] = "pass" if passes else "major required (" + ", ".join(lints) + ")"
            if not passes:
                failures.append(f"{name}: cargo semver-checks asks for a major version:\n{output[-3000:]}")
            if compiles is not None:
                row["compiles"] = "compiles" if compiles else "fails"
                if not compiles:
                    failures.append(f"{name}: code written against the old SDK no longer compiles:\n{errors[-3000:]}")
        rows.append(row)
        print(f"[names] {name}: diff {kept['verdict']} (fresh names: {row['fresh']}), semver-checks {row.get('semver', '-')}, old code {row.get('compiles', '-')}", file=sys.stderr, flush=True)

    if args.batch and not args.diff_only:
        for target, doc in combined.items():
            case = os.path.join(work, f"all-{target}")
            shutil.rmtree(case, ignore_errors=True)
            try:
                spec, sdk = regenerate(case, target, doc)
                kept = diff_report(bases[target][0], spec, bases[target][1], rename=False)
                passes, lints, output, compiles, errors = slow_checks(case, target, sdk)
            except RuntimeError as error:
                failures.append(f"all of {target}: {error}")
                continue
            if kept["breaking"]:
                failures.append(f"all of {target}: generator diff lists {kept['breaking']} breaking changes")
            if not passes:
                failures.append(f"all of {target}: cargo semver-checks asks for a major version ({', '.join(lints)}):\n{output[-3000:]}")
            if not compiles:
                failures.append(f"all of {target}: code written against the old SDK no longer compiles:\n{errors[-3000:]}")
            for row in rows:
                if any(m[0] == row["name"] and m[1] == target for m in mutations):
                    row["compiles"] = "compiles (all of the spec's together)" if compiles else "fails (all of the spec's together)"
            print(f"[names] all {target} mutations together: diff {kept['verdict']}, semver-checks {'pass' if passes else 'FAIL'}, old code {'compiles' if compiles else 'fails'}", file=sys.stderr, flush=True)

    print("| mutation | naming rule | `generator diff` | with fresh names | cargo semver-checks | old user code |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['name']} | {row['rule']} | {row['verdict']} | {row['fresh']} | {row.get('semver', '-')} | {row.get('compiles', '-')} |")
    for row in rows:
        if row["note"]:
            print(f"\n{row['name']}: {row['note']}")
    print(f"\n{len(rows)} additive mutations, {sum(1 for r in rows if r['verdict'] != 'breaking')} without a breaking change; {time.time() - started:.0f} s.")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print(f"\nFAILED {failure}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
