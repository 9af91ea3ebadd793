//! Generator benchmarks: the real spec phase by phase, and synthetic specs of growing size.

use std::path::{Path, PathBuf};

use openapi_sdkgen::{emit, load, lower, output, Settings};
use serde_json::{json, Map, Value};

use crate::util::{median, time};

/// Per-phase seconds of one generation.
#[derive(Default, Clone, Copy)]
pub struct Phases {
    pub load: f64,
    pub lower: f64,
    pub emit: f64,
    pub format: f64,
    pub write: f64,
}

pub const PHASE_NAMES: [&str; 5] = ["load", "lower", "emit", "format", "write"];

impl Phases {
    pub fn total(&self) -> f64 {
        self.load + self.lower + self.emit + self.format + self.write
    }
    pub fn get(&self, i: usize) -> f64 {
        [self.load, self.lower, self.emit, self.format, self.write][i]
    }
    pub fn median_of(samples: &[Phases]) -> Phases {
        let m = |f: fn(&Phases) -> f64| median(&mut samples.iter().map(f).collect::<Vec<_>>());
        Phases { load: m(|p| p.load), lower: m(|p| p.lower), emit: m(|p| p.emit), format: m(|p| p.format), write: m(|p| p.write) }
    }
}

/// Generates the SDK for `spec_path` into `out`, as `make generate` does (read, parse, lower, emit,
/// format, the spec's extra files, atomic write), timing each phase. Returns the number of files.
pub fn generate(spec_path: &Path, out: &Path) -> (Phases, usize) {
    let settings = Settings::default();
    let mut p = Phases::default();
    let (t, spec) = time(|| {
        let text = std::fs::read_to_string(spec_path).expect("read spec");
        load::parse(&text).expect("parse spec")
    });
    p.load = t;
    let (t, api) = time(|| lower::lower(&spec.openapi, &settings, None).expect("lower"));
    p.lower = t;
    let (t, emitted) = time(|| emit::emit(&api, &settings).expect("emit"));
    p.emit = t;
    let (t, mut files) = time(|| emit::format(emitted).expect("format"));
    p.format = t;
    let (t, ()) = time(|| {
        if let Some(dir) = &api.extra_files {
            let base = spec_path.parent().unwrap_or(Path::new(".")).join(dir);
            output::read_tree(&base, &mut files).expect("extra files");
        }
        output::write(&files, out).expect("write");
    });
    p.write = t;
    drop(spec);
    (p, files.len())
}

const LEAVES: [&str; 10] = ["jobs", "files", "items", "runs", "users", "projects", "keys", "events", "tasks", "logs"];

/// A synthetic spec of `ops` operations (a multiple of 10) over `ops / 10` resources in `ops / 100`
/// namespaces. Each resource has an object schema (enum, nested inline object, map, array, a `$ref` to
/// its namespace's shared `Owner` schema), a cursor page schema, and ten operations: get, list
/// (paginated), create, update, delete and five actions, with inline request bodies (nested objects,
/// inline enums, `$ref`s) and inline or shared response schemas. Leaf resource names repeat across
/// namespaces (`ns0.jobs`, `ns1.jobs`, ...), as in real APIs, so generated names must be de-duplicated.
pub fn synthetic_spec(ops: usize) -> String {
    let resources = (ops / 10).max(1);
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for ns in 0..resources.div_ceil(10) {
        schemas.insert(
            format!("Owner{ns}"),
            json!({"type": "object", "required": ["id"], "properties": {
                "id": {"type": "string"}, "email": {"type": "string", "nullable": true},
                "role": {"type": "string", "enum": ["admin", "member", "viewer"]}}}),
        );
    }
    for r in 0..resources {
        let ns = r / 10;
        let leaf = LEAVES[r % 10];
        let res = format!("R{r}");
        let resource = format!("ns{ns}.{leaf}");
        let base = format!("/v1/ns{ns}/{leaf}-{r}");
        schemas.insert(format!("{res}Status"), json!({"type": "string", "enum": ["queued", "running", "done", "failed"]}));
        schemas.insert(
            res.clone(),
            json!({"type": "object", "description": format!("A {leaf} object of namespace {ns}."), "required": ["id", "name", "status"], "properties": {
                "id": {"type": "string", "description": "Unique identifier"},
                "name": {"type": "string"},
                "status": {"$ref": format!("#/components/schemas/{res}Status")},
                "created_at": {"type": "string", "format": "date-time", "nullable": true},
                "tags": {"type": "array", "items": {"type": "string"}},
                "metadata": {"type": "object", "additionalProperties": true},
                "size": {"type": "integer", "format": "int64"},
                "config": {"type": "object", "properties": {
                    "enabled": {"type": "boolean"}, "depth": {"type": "integer"},
                    "mode": {"type": "string", "enum": ["fast", "accurate", "balanced"]}}},
                "owner": {"$ref": format!("#/components/schemas/Owner{ns}")}}}),
        );
        schemas.insert(
            format!("{res}Page"),
            json!({"type": "object", "required": ["items"], "properties": {
                "items": {"type": "array", "items": {"$ref": format!("#/components/schemas/{res}")}},
                "next_page_token": {"type": "string", "nullable": true}}}),
        );
        let obj = json!({"$ref": format!("#/components/schemas/{res}")});
        let ok = |schema: Value| json!({"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}});
        let id_param = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}});
        let project = json!({"name": "project_id", "in": "query", "required": false, "schema": {"type": "string"}});
        let body = |schema: Value| json!({"required": true, "content": {"application/json": {"schema": schema}}});
        let write_body = json!({"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}},
            "status": {"$ref": format!("#/components/schemas/{res}Status")},
            "config": {"type": "object", "properties": {"enabled": {"type": "boolean"}, "depth": {"type": "integer"},
                "mode": {"type": "string", "enum": ["fast", "accurate"]}}},
            "owner": {"$ref": format!("#/components/schemas/Owner{ns}")},
            "metadata": {"type": "object", "additionalProperties": {"type": "string"}}}});
        let op = |id: String, method: &str, extra: Value| {
            let mut o = json!({"operationId": id, "summary": format!("{method} {leaf}"), "x-sdk-resource": resource, "x-sdk-method": method});
            o.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            o
        };
        paths.insert(
            base.clone(),
            json!({
                "get": op(format!("r{r}_list"), "list", json!({"x-pagination": "cursor",
                    "parameters": [project, {"name": "page_token", "in": "query", "schema": {"type": "string"}},
                                   {"name": "page_size", "in": "query", "schema": {"type": "integer"}},
                                   {"name": "status", "in": "query", "schema": {"$ref": format!("#/components/schemas/{res}Status")}}],
                    "responses": ok(json!({"$ref": format!("#/components/schemas/{res}Page")}))})),
                "post": op(format!("r{r}_create"), "create", json!({"parameters": [project],
                    "requestBody": body(write_body.clone()), "responses": ok(obj.clone())})),
            }),
        );
        paths.insert(
            format!("{base}/{{id}}"),
            json!({
                "get": op(format!("r{r}_get"), "get", json!({"parameters": [id_param, project], "responses": ok(obj.clone())})),
                "put": op(format!("r{r}_update"), "update", json!({"parameters": [id_param, project],
                    "requestBody": body(write_body), "responses": ok(obj.clone())})),
                "delete": op(format!("r{r}_delete"), "delete", json!({"parameters": [id_param],
                    "responses": {"204": {"description": "deleted"}}})),
            }),
        );
        for k in 0..5 {
            let action_body = json!({"type": "object", "required": ["reason"], "properties": {
                "reason": {"type": "string", "description": "Why."},
                "mode": {"type": "string", "enum": ["now", "later", "never"]},
                "options": {"type": "object", "properties": {"force": {"type": "boolean"}, "retries": {"type": "integer"},
                    "labels": {"type": "array", "items": {"type": "string"}}}},
                "target": obj.clone()}});
            let response = json!({"type": "object", "required": ["ok"], "properties": {
                "ok": {"type": "boolean"}, "job": obj.clone(),
                "result": {"type": "object", "properties": {"count": {"type": "integer"}, "message": {"type": "string"},
                    "state": {"type": "string", "enum": ["accepted", "rejected"]}}}}});
            paths.insert(
                format!("{base}/{{id}}/actions/act{k}"),
                json!({"post": op(format!("r{r}_act{k}"), &format!("act{k}"), json!({"parameters": [id_param],
                    "requestBody": body(action_body), "responses": ok(response)}))}),
            );
        }
    }
    let spec = json!({
        "openapi": "3.0.3",
        "info": {"title": "Synthetic", "version": "1.0.0", "description": format!("{ops} operations.")},
        "servers": [{"url": "https://api.example.com"}],
        "security": [{"bearerAuth": []}],
        "x-sdk": {"crate": "synthetic-sdk", "client": "Synthetic", "env": {"api-key": "SYNTHETIC_API_KEY"}},
        "x-pagination": {"cursor": {"kind": "cursor", "in": "query", "param": "page_token", "size-param": "page_size",
            "items": "items", "next": "next_page_token"}},
        "paths": paths,
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}, "schemas": schemas},
    });
    serde_yaml::to_string(&spec).expect("yaml")
}

/// Writes the synthetic spec of `ops` operations to `dir` and returns its path.
pub fn write_synthetic(dir: &Path, ops: usize) -> PathBuf {
    let path = dir.join(format!("synthetic-{ops}.yaml"));
    std::fs::write(&path, synthetic_spec(ops)).expect("write synthetic spec");
    path
}
