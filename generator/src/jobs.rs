//! Long-running jobs: the `x-sdk-wait` extension.
//!
//! Declared on the operation that reads a job, it says where the job's status is in the response,
//! which statuses end the job and which of those mean success or cancellation, where a progress
//! figure is, and which operations create such a job (and where their response has its id):
//!
//! ```yaml
//! x-sdk-wait:
//!   status: /job/status            # JSON pointer into the response
//!   terminal: [completed, failed, cancelled]
//!   success: [completed]
//!   cancelled: [cancelled]         # optional; other non-success terminal statuses are failures
//!   progress: /progress_percentage # optional; a number
//!   error: /job/error_message      # optional; the job's own error text (a string or strings)
//!   started-by:                    # optional
//!     - operation: batch_create    # an operationId
//!       id: /id                    # JSON pointer into its response
//! ```
//!
//! Lowering reads the declarations ([`WaitDecl::parse`]) as it meets the operations and checks them
//! against the final types once every type has its name ([`resolve`]).

use std::collections::{HashMap, HashSet};

use heck::ToShoutySnakeCase;
use serde_json::Value;

use crate::error::{pointer_push, pointer_token, SpecError};
use crate::ir::{FieldPath, FieldStep, IdInput, JobStart, Leaf, Location, Operation, Resource, ResponseKind, TypeDef, TypeIndex, TypeKind, TypeRef, Wait};

const KEYS: &[&str] = &["status", "terminal", "success", "cancelled", "progress", "error", "started-by"];

/// An `x-sdk-wait` declaration as written, with the pointers to report problems at.
#[derive(Debug, Clone)]
pub struct WaitDecl {
    /// The operation it is declared on.
    op_pointer: String,
    pointer: String,
    status: String,
    terminal: Vec<String>,
    success: Vec<String>,
    cancelled: Vec<String>,
    progress: Option<String>,
    error: Option<String>,
    started_by: Vec<StartDecl>,
}

#[derive(Debug, Clone)]
struct StartDecl {
    pointer: String,
    operation_id: String,
    id: String,
}

impl WaitDecl {
    /// Reads the `x-sdk-wait` of the operation at `op_pointer`, if it has one.
    pub fn parse(extensions: &indexmap::IndexMap<String, Value>, op_pointer: &str) -> Result<Option<WaitDecl>, SpecError> {
        let Some(value) = extensions.get("x-sdk-wait") else { return Ok(None) };
        let pointer = pointer_push(op_pointer, "x-sdk-wait");
        let map = value.as_object().ok_or_else(|| SpecError::new(&pointer, "expected a map (status, terminal, success, ...)"))?;
        if let Some(key) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(SpecError::new(pointer_push(&pointer, key), format!("unknown key `{key}` (expected one of {})", KEYS.join(", "))));
        }
        let text = |key: &str| -> Result<Option<String>, SpecError> {
            match map.get(key) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(SpecError::new(pointer_push(&pointer, key), "expected a JSON pointer string")),
            }
        };
        let list = |key: &str| -> Result<Vec<String>, SpecError> {
            let at = pointer_push(&pointer, key);
            match map.get(key) {
                None => Ok(Vec::new()),
                Some(Value::Array(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| item.as_str().map(str::to_string).ok_or_else(|| SpecError::new(pointer_push(&at, &i.to_string()), "expected a status string")))
                    .collect(),
                Some(_) => Err(SpecError::new(at, "expected a list of statuses")),
            }
        };
        let status = text("status")?.ok_or_else(|| SpecError::new(&pointer, "missing `status`: the JSON pointer of the job's status in the response"))?;
        let terminal = list("terminal")?;
        let success = list("success")?;
        let cancelled = list("cancelled")?;
        if terminal.is_empty() {
            return Err(SpecError::new(pointer_push(&pointer, "terminal"), "missing `terminal`: the statuses that end the job"));
        }
        if success.is_empty() {
            return Err(SpecError::new(pointer_push(&pointer, "success"), "missing `success`: the terminal statuses that mean success"));
        }
        for (key, values) in [("success", &success), ("cancelled", &cancelled)] {
            if let Some((i, value)) = values.iter().enumerate().find(|(_, v)| !terminal.contains(v)) {
                return Err(SpecError::new(pointer_push(&pointer_push(&pointer, key), &i.to_string()), format!("`{value}` is not one of the `terminal` statuses")));
            }
        }
        if let Some((i, value)) = cancelled.iter().enumerate().find(|(_, v)| success.contains(v)) {
            return Err(SpecError::new(pointer_push(&pointer_push(&pointer, "cancelled"), &i.to_string()), format!("`{value}` cannot mean both success and cancellation")));
        }
        let started_by = match map.get("started-by") {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let list_pointer = pointer_push(&pointer, "started-by");
                items.iter().enumerate().map(|(i, item)| StartDecl::parse(item, &pointer_push(&list_pointer, &i.to_string()))).collect::<Result<_, _>>()?
            }
            Some(_) => return Err(SpecError::new(pointer_push(&pointer, "started-by"), "expected a list of {operation, id} maps")),
        };
        Ok(Some(WaitDecl { op_pointer: op_pointer.to_string(), status, terminal, success, cancelled, progress: text("progress")?, error: text("error")?, started_by, pointer }))
    }
}

impl StartDecl {
    fn parse(value: &Value, pointer: &str) -> Result<StartDecl, SpecError> {
        let field = |key: &str| {
            value.get(key).and_then(Value::as_str).map(str::to_string).ok_or_else(|| SpecError::new(pointer, format!("expected `{key}` (a string)")))
        };
        if let Some(key) = value.as_object().and_then(|m| m.keys().find(|k| !["operation", "id"].contains(&k.as_str()))) {
            return Err(SpecError::new(pointer_push(pointer, key), format!("unknown key `{key}` (expected operation, id)")));
        }
        Ok(StartDecl { pointer: pointer.to_string(), operation_id: field("operation")?, id: field("id")? })
    }
}

/// The operationIds that create jobs some `x-sdk-wait` in the spec waits for (their builders get an
/// `and_wait` method, so inputs must not take that name).
pub fn starter_ids(spec: &openapiv3::OpenAPI) -> HashSet<String> {
    let mut ids = HashSet::new();
    for (_, item) in spec.paths.iter() {
        let Some(item) = item.as_item() else { continue };
        for (_, op) in item.iter() {
            let starters = op.extensions.get("x-sdk-wait").and_then(|w| w.get("started-by")).and_then(Value::as_array);
            for start in starters.into_iter().flatten() {
                if let Some(id) = start.get("operation").and_then(Value::as_str) {
                    ids.insert(id.to_string());
                }
            }
        }
    }
    ids
}

/// Checks every declaration against the final types and attaches it to its operations: the
/// `Wait` to the reading operation, a `JobStart` to each creating one.
pub fn resolve(root: &mut Resource, types: &[TypeDef], decls: Vec<WaitDecl>) -> Result<(), SpecError> {
    let types = TypeIndex::new(types);
    // The job type's `Job` impl reads its status and error text: waits that share a type must
    // read them from the same fields.
    let mut readers: HashMap<TypeRef, (String, Option<String>, String)> = HashMap::new();
    for decl in decls {
        let (wait, starts) = {
            let (resource, op) = find_op(root, &|op| op.pointer == decl.op_pointer).ok_or_else(|| SpecError::new(&decl.pointer, "operation not lowered"))?;
            let mut wait = wait_of(&decl, resource, op, &types)?;
            let fields = (wait.status.pointer.clone(), wait.error.as_ref().map(|e| e.pointer.clone()), decl.pointer.clone());
            match readers.get(&wait.job) {
                None => {
                    readers.insert(wait.job.clone(), fields);
                }
                Some((status, error, first)) if (status, error) != (&fields.0, &fields.1) => {
                    return Err(SpecError::new(
                        &decl.pointer,
                        format!("this job type is also read by the `x-sdk-wait` at {first}, with another `status` or `error` pointer: they must agree"),
                    ));
                }
                Some(_) => wait.implements_job = false,
            }
            let mut starts: Vec<(String, JobStart)> = Vec::new();
            for start in &decl.started_by {
                let (_, starter) = find_op(root, &|o| o.operation_id == start.operation_id).ok_or_else(|| {
                    SpecError::new(pointer_push(&start.pointer, "operation"), format!("no operation has the operationId `{}`", start.operation_id))
                })?;
                if starter.starts_job.is_some() || starts.iter().any(|(p, _)| *p == starter.pointer) {
                    return Err(SpecError::new(&start.pointer, format!("`{}` already starts a job another `x-sdk-wait` waits for", start.operation_id)));
                }
                starts.push((starter.pointer.clone(), start_of(start, starter, resource, op, &wait, &types)?));
            }
            (wait, starts)
        };
        for (pointer, start) in starts {
            if let Some(op) = op_mut(root, &pointer) {
                op.starts_job = Some(start);
            }
        }
        if let Some(op) = op_mut(root, &decl.op_pointer) {
            op.wait = Some(wait);
        }
    }
    Ok(())
}

fn wait_of(decl: &WaitDecl, resource: &Resource, op: &Operation, types: &TypeIndex) -> Result<Wait, SpecError> {
    let ResponseKind::Json(job) = &op.response else {
        return Err(SpecError::new(&decl.pointer, "the operation must answer with a JSON object: the job"));
    };
    let status_pointer = pointer_push(&decl.pointer, "status");
    let (status, values) = field_path(types, job, &decl.status, &status_pointer)?;
    if !matches!(status.leaf, Leaf::String | Leaf::Enum) {
        return Err(SpecError::new(status_pointer, format!("`{}` must be a string, not a number", decl.status)));
    }
    if let Some(values) = values {
        if let Some((i, value)) = decl.terminal.iter().enumerate().find(|(_, v)| !values.contains(v)) {
            return Err(SpecError::new(
                pointer_push(&pointer_push(&decl.pointer, "terminal"), &i.to_string()),
                format!("`{value}` is not a value of the status enum ({})", values.join(", ")),
            ));
        }
    }
    // An optional pointer (`progress`, `error`) must reach a value of one of `leaves`.
    let optional_path = |key: &str, text: &Option<String>, leaves: &[Leaf], what: &str| -> Result<Option<FieldPath>, SpecError> {
        let Some(text) = text else { return Ok(None) };
        let at = pointer_push(&decl.pointer, key);
        let (path, _) = field_path(types, job, text, &at)?;
        if !leaves.contains(&path.leaf) {
            return Err(SpecError::new(at, format!("`{text}` must be {what}")));
        }
        Ok(Some(path))
    };
    let progress = optional_path("progress", &decl.progress, &[Leaf::Integer, Leaf::Float], "a number")?;
    let error = optional_path("error", &decl.error, &[Leaf::String, Leaf::StringList], "a string or a list of strings")?;
    // `wait`/`watch` unless the resource already has such a method or child; then named after the
    // reading method, which is unique in the resource.
    let taken = |name: &str| resource.operations.iter().any(|o| o.method_name == name) || resource.children.iter().any(|c| c.accessor == name);
    let (wait_method, watch_method) = if taken("wait") || taken("watch") || resource.operations.iter().any(|o| o.wait.is_some()) {
        (format!("wait_{}", op.method_name), format!("watch_{}", op.method_name))
    } else {
        ("wait".to_string(), "watch".to_string())
    };
    if taken(&wait_method) || taken(&watch_method) {
        return Err(SpecError::new(&decl.pointer, format!("the resource already has a method `{wait_method}` or `{watch_method}`")));
    }
    let id_input = op.inputs.iter().rfind(|i| i.location == Location::Path).map(|input| IdInput {
        rust_name: input.rust_name.clone(),
        is_string: matches!(types.resolve(&input.ty), TypeRef::String),
    });
    let failed = decl.terminal.iter().filter(|v| !decl.success.contains(v) && !decl.cancelled.contains(v)).cloned().collect();
    let wait = Wait {
        error,
        id_input,
        implements_job: true,
        wait_method,
        watch_method,
        kind_const: format!("{}_JOB", op.builder_name.trim_end_matches("Request").to_shouty_snake_case()),
        job: job.clone(),
        status,
        progress,
        succeeded: decl.success.clone(),
        failed,
        cancelled: decl.cancelled.clone(),
    };
    Ok(wait)
}

/// How `op` starts the jobs that `poll` (in `resource`) reads.
fn start_of(start: &StartDecl, op: &Operation, resource: &Resource, poll: &Operation, wait: &Wait, types: &TypeIndex) -> Result<JobStart, SpecError> {
    let poll_inputs = &poll.inputs;
    let ResponseKind::Json(created) = &op.response else {
        return Err(SpecError::new(pointer_push(&start.pointer, "operation"), format!("`{}` must answer with a JSON object holding the job's id", start.operation_id)));
    };
    let id_pointer = pointer_push(&start.pointer, "id");
    let (id, _) = field_path(types, created, &start.id, &id_pointer)?;
    let mut required = poll_inputs.iter().filter(|i| i.required);
    let (Some(id_input), None) = (required.next(), required.next()) else {
        return Err(SpecError::new(&start.pointer, "the operation that reads the job must take exactly one required input: the job's id"));
    };
    let id_matches = match types.resolve(&id_input.ty) {
        TypeRef::String => matches!(id.leaf, Leaf::String),
        TypeRef::Integer | TypeRef::UnsignedInteger => matches!(id.leaf, Leaf::Integer),
        _ => false,
    };
    if !id_matches {
        return Err(SpecError::new(id_pointer, format!("`{}` does not have the type of the job's id `{}`", start.id, id_input.wire_name)));
    }
    let carried = op
        .inputs
        .iter()
        .filter(|i| !i.required && matches!(i.location, crate::ir::Location::Query | crate::ir::Location::Header))
        .filter(|i| poll_inputs.iter().any(|p| !p.required && p.wire_name == i.wire_name && p.location == i.location && p.ty == i.ty))
        .map(|i| i.wire_name.clone())
        .collect();
    Ok(JobStart {
        id,
        poll_module: resource.module_path.clone(),
        poll_feature: resource.feature.clone(),
        poll_resource: resource.type_name.clone(),
        poll_method: poll.method_name.clone(),
        kind_const: wait.kind_const.clone(),
        job: wait.job.clone(),
        carried,
    })
}

/// Follows `pointer` (`/job/status`) field by field from `root`; also gives the values of the
/// string enum it ends at.
fn field_path<'t>(types: &TypeIndex<'t>, root: &'t TypeRef, pointer: &str, at: &str) -> Result<(FieldPath, Option<Vec<String>>), SpecError> {
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(SpecError::new(at, format!("`{pointer}` is not a JSON pointer to a field (it must start with `/`)")));
    };
    let mut steps = Vec::new();
    let mut current = root;
    for token in rest.split('/') {
        let token = pointer_token(token);
        let fields = match types.resolve(current) {
            TypeRef::Named(name) => match types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Struct { fields }) => Some(fields),
                _ => None,
            },
            _ => None,
        };
        let Some(fields) = fields else {
            return Err(SpecError::new(at, format!("`{pointer}` is not in the response: `{token}` is looked up in a value that is not an object")));
        };
        let Some(field) = fields.iter().find(|f| f.wire_name == token) else {
            return Err(SpecError::new(at, format!("`{pointer}` is not in the response: it has no field `{token}`")));
        };
        steps.push(FieldStep { rust_name: field.rust_name.clone(), optional: !field.required });
        current = &field.ty;
    }
    let Some(last) = steps.pop() else {
        return Err(SpecError::new(at, format!("`{pointer}` names no field")));
    };
    let (leaf, values) = match types.resolve(current) {
        TypeRef::String => (Leaf::String, None),
        TypeRef::Integer | TypeRef::UnsignedInteger => (Leaf::Integer, None),
        TypeRef::Float => (Leaf::Float, None),
        TypeRef::List(item) if matches!(types.resolve(item), TypeRef::String) => (Leaf::StringList, None),
        TypeRef::Named(name) => match types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Enum { values }) => (Leaf::Enum, Some(values.iter().map(|v| v.wire.clone()).collect())),
            _ => return Err(SpecError::new(at, format!("`{pointer}` must reach a string or a number, not `{name}`"))),
        },
        other => return Err(SpecError::new(at, format!("`{pointer}` must reach a string or a number, not {other:?}"))),
    };
    Ok((FieldPath { pointer: pointer.to_string(), steps, last, leaf, ty: types.resolve(current).clone() }, values))
}

fn find_op<'r>(resource: &'r Resource, pred: &dyn Fn(&Operation) -> bool) -> Option<(&'r Resource, &'r Operation)> {
    if let Some(op) = resource.operations.iter().find(|op| pred(op)) {
        return Some((resource, op));
    }
    resource.children.iter().find_map(|child| find_op(child, pred))
}

fn op_mut<'r>(resource: &'r mut Resource, pointer: &str) -> Option<&'r mut Operation> {
    if let Some(index) = resource.operations.iter().position(|op| op.pointer == pointer) {
        return resource.operations.get_mut(index);
    }
    resource.children.iter_mut().find_map(|child| op_mut(child, pointer))
}
