//! Lowering: spec → IR. Reads the SDK layout from the spec's `x-` extensions (falling back to tags and
//! operationIds), lowers every schema through the TypeSpace, and describes each operation's inputs,
//! body and response.

use std::collections::{BTreeMap, HashMap, HashSet};

use heck::ToKebabCase;
use indexmap::IndexMap;
use openapiv3::{
    MediaType, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody as SpecRequestBody,
    Response, StatusCode,
};
use serde_json::{json, Value};

use crate::error::{pointer_push, SpecError};
use crate::ir::*;
use crate::jobs::{self, WaitDecl};
use crate::layout::place_types;
use crate::lock::{input_key, resource_place, NameLock};
use crate::security;
use crate::tags;
use crate::naming::{package_name, snake_name, type_name, Namespace};
use crate::samples::Samples;
use crate::schema::{Lowered, NameHint, SchemaRef, TypeSpace};
use crate::Settings;

/// Methods every request builder (the runtime's `Request<O>`) has, public and internal; an input
/// named like one is renamed, as two methods of one name would not compile.
const BUILDER_RESERVED: &[&str] = &[
    "client", "options", "parts", "send", "with_response", "items", "into_future", "timeout", "max_retries",
    "extra_header", "extra_query", "into_prepared", "wait_job", "and_wait_job",
];

/// Methods the client type has before any operation or resource is added.
const CLIENT_RESERVED: &[&str] = &["builder", "new", "from_env", "client", "from", "clone", "fmt"];

/// Lowers `spec`; with a name lock (the last generation's names) every recorded name stays with what
/// it named.
pub fn lower(spec: &OpenAPI, settings: &Settings, names: Option<&NameLock>) -> Result<Api, SpecError> {
    let sdk = spec.extensions.get("x-sdk");
    let ext_str = |key: &str| sdk.and_then(|s| s.get(key)).and_then(Value::as_str).map(str::to_string);
    let env_str = |key: &str| sdk.and_then(|s| s.get("env")).and_then(|e| e.get(key)).and_then(Value::as_str).map(str::to_string);

    let crate_name = package_name(
        &settings.crate_name.clone().or_else(|| ext_str("crate")).unwrap_or_else(|| format!("{}-sdk", spec.info.title.to_kebab_case())),
    );
    let client_base = settings.client_name.clone().or_else(|| ext_str("client")).unwrap_or_else(|| format!("{}Client", type_name(&spec.info.title)));

    let mut types = TypeSpace::new(spec, names);
    types.lower_components()?;
    let client_name = types.claim_chosen(&type_name(&client_base));

    // Recorded methods and inputs of the operations still in the spec.
    let mut locked_ops = BTreeMap::new();
    let mut held_methods = HashMap::new();
    for (path, item) in spec.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (method, _) in item.iter() {
            let pointer = pointer_push(&pointer_push("#/paths", path), method);
            if let Some(locked) = names.and_then(|lock| lock.operations.get(&pointer)) {
                let (resource, name) = locked.resource_and_method();
                let resource: Vec<String> = resource.split('.').filter(|s| !s.is_empty()).map(str::to_string).collect();
                held_methods.insert((resource, name.to_string()), pointer.clone());
                locked_ops.insert(pointer, locked.clone());
            }
        }
    }

    let schemes = pagination_schemes(spec)?;
    let security = security::lower(spec, &crate_name, sdk.and_then(|s| s.get("env")));
    let mut lowerer =
        OperationLowerer {
        spec,
        types,
        schemes,
        security: &security,
        page_impls: IndexMap::new(),
        method_owners: HashMap::new(),
        child_index: HashMap::new(),
        call: String::new(),
        job_starters: jobs::starter_ids(spec),
        waits: Vec::new(),
        locked_ops,
        held_methods,
        chosen_inputs: HashSet::new(),
    };
    let mut root = Resource { accessor: String::new(), type_name: client_name.clone(), module_path: vec![], description: None, feature: None, operations: vec![], children: vec![] };
    // The first tag of each resource's operations, in order: a resource whose operations share one
    // is described by that tag's description.
    let mut resource_tags: HashMap<Vec<String>, Vec<Option<&str>>> = HashMap::new();

    for (path, item) in spec.paths.paths.iter() {
        let item_pointer = pointer_push("#/paths", path);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                return Err(SpecError::new(item_pointer, "path item references are not supported; inline the path item"));
            }
        };
        for (method, op) in item.iter() {
            let pointer = pointer_push(&item_pointer, method);
            // The types of an operation with an id are placed by it, so they keep their names when
            // its path changes.
            if let Some(id) = op.operation_id.as_deref().filter(|id| !id.trim().is_empty()) {
                lowerer.types.name_place(&pointer, pointer_push("#/operations", id));
            }
            let resource_path = resource_path(op, &pointer)?;
            let (candidates, explicit) = method_names(op, method, path, &pointer)?;
            // A name the spec gives with `x-sdk-method` must be unique; one derived from an operationId
            // or the path gets a number instead (`get_user` for both `getUser` and `get_user`).
            // The lock keeps a method's recorded name for it, and from every other operation.
            let taken = |lowerer: &OperationLowerer, name: &String| {
                let child_path: Vec<String> = resource_path.iter().chain([name]).cloned().collect();
                lowerer.method_owners.contains_key(&(resource_path.clone(), name.clone()))
                    || lowerer.child_index.contains_key(&child_path)
                    || (resource_path.is_empty() && CLIENT_RESERVED.contains(&name.as_str()))
                    || lowerer.held_methods.get(&(resource_path.clone(), name.clone())).is_some_and(|owner| *owner != pointer)
            };
            let recorded = lowerer.locked_ops.get(&pointer).and_then(|locked| {
                let (resource, name) = locked.resource_and_method();
                (!explicit && resource == resource_path.join(".")).then(|| name.to_string())
            });
            let last = candidates.last().cloned().unwrap_or_default();
            let method_name = match recorded.iter().chain(&candidates).find(|name| explicit || !taken(&lowerer, name)) {
                Some(name) => name.clone(),
                None => (2..).map(|n| format!("{last}_{n}")).find(|name| !taken(&lowerer, name)).unwrap_or_default(),
            };
            let key = (resource_path.clone(), method_name.clone());
            if let Some(first) = lowerer.method_owners.get(&key) {
                return Err(SpecError::new(
                    pointer,
                    format!("duplicate method name `{method_name}` in resource `{}` (also defined at {first})", display_path(&resource_path)),
                ));
            }
            lowerer.method_owners.insert(key, pointer.clone());
            let child_path: Vec<String> = resource_path.iter().chain([&method_name]).cloned().collect();
            let collides_with_resource = lowerer.child_index.contains_key(&child_path);
            let resource = lowerer.resource_mut(&mut root, &resource_path, &pointer)?;
            if collides_with_resource || (resource.module_path.is_empty() && CLIENT_RESERVED.contains(&method_name.as_str()))
            {
                return Err(SpecError::new(pointer, format!("method name `{method_name}` collides with a resource accessor or client method")));
            }
            let builder_prefix = resource.accessor.clone();
            lowerer.call = resource_path.iter().chain([&method_name]).cloned().collect::<Vec<_>>().join(".");
            let operation = lowerer.operation(path, method, op, &item.parameters, &pointer, method_name, &builder_prefix)?;
            let resource = lowerer.resource_mut(&mut root, &resource_path, &pointer)?;
            resource.operations.push(operation);
            resource_tags.entry(resource_path).or_default().push(op.tags.first().map(String::as_str));
        }
    }
    describe_resources(&mut root, &spec.tags, &resource_tags);
    let features = crate::features::plan(&mut root);

    let OperationLowerer { types, page_impls, waits, .. } = lowerer;
    let finished = types.finish()?;
    let (mut types, renames) = (finished.types, finished.renames);
    rename_operation_types(&mut root, &renames);
    jobs::resolve(&mut root, &types, waits)?;
    tags::leave_tags_to_unions(&root, &mut types);
    let type_modules = place_types(&root, &mut types);
    let mut page_types: Vec<PageImpl> = page_impls.into_values().collect();
    for page in &mut page_types {
        page.page_type = renames.get(&page.page_type).cloned().unwrap_or_else(|| page.page_type.clone());
        page.item.rename(&renames);
    }
    Ok(Api {
        crate_name,
        client_name,
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        description: spec.info.description.clone(),
        base_url: spec.servers.first().map(|s| s.url.trim_end_matches('/').to_string()).unwrap_or_default(),
        env_base_url: env_str("base-url"),
        client_params: client_params(sdk, &root, &security)?,
        security,
        extra_files: ext_str("extra-files"),
        deny_missing_docs: settings
            .deny_missing_docs
            .unwrap_or_else(|| sdk.and_then(|s| s.get("deny-missing-docs")).and_then(Value::as_bool).unwrap_or(false)),
        root,
        features,
        types,
        type_modules,
        page_types,
        name_notes: finished.notes,
    })
}

/// `x-sdk.client-params`: the wire names of query or header parameters to offer on the client
/// builder. Each must be a parameter of some operation; its setter avoids the builder's methods.
fn client_params(sdk: Option<&Value>, root: &Resource, security: &Security) -> Result<Vec<ClientParam>, SpecError> {
    let Some(list) = sdk.and_then(|s| s.get("client-params")) else { return Ok(Vec::new()) };
    let pointer = "#/x-sdk/client-params";
    let names = list.as_array().ok_or_else(|| SpecError::new(pointer, "expected a list of parameter names"))?;
    let mut reserved: Vec<&str> = security::BUILDER_METHODS.to_vec();
    reserved.extend(security.schemes.iter().map(|s| s.setter.as_str()));
    let mut setters = Namespace::with_reserved(&reserved);
    let mut params = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let at = pointer_push(pointer, &i.to_string());
        let name = name.as_str().ok_or_else(|| SpecError::new(&at, "expected a parameter name"))?;
        let mut found: Option<&Input> = None;
        root.walk(&mut |resource| {
            for op in &resource.operations {
                let input = op.inputs.iter().find(|i| i.wire_name == name && matches!(i.location, Location::Query | Location::Header));
                found = found.or(input);
            }
        });
        let input = found.ok_or_else(|| SpecError::new(&at, format!("no operation has a query or header parameter `{name}`")))?;
        let base = snake_name(name);
        let setter = if setters.is_taken(&base) { setters.claim(&format!("default_{base}")) } else { setters.claim(&base) };
        params.push(ClientParam { wire_name: name.to_owned(), location: input.location, setter, description: input.description.clone() });
    }
    Ok(params)
}

/// Sets each resource's description: that of the tag all its operations have first.
fn describe_resources(resource: &mut Resource, tags: &[openapiv3::Tag], resource_tags: &HashMap<Vec<String>, Vec<Option<&str>>>) {
    if let Some([first, rest @ ..]) = resource_tags.get(&resource.module_path).map(Vec::as_slice) {
        if let Some(name) = first.filter(|name| rest.iter().all(|other| other == &Some(*name))) {
            resource.description = tags.iter().find(|tag| tag.name == name).and_then(|tag| tag.description.clone()).filter(|d| !d.trim().is_empty());
        }
    }
    resource.children.iter_mut().for_each(|child| describe_resources(child, tags, resource_tags));
}

/// Gives the types operations refer to their final names (inline types are named once all are known).
fn rename_operation_types(resource: &mut Resource, renames: &HashMap<String, String>) {
    for op in &mut resource.operations {
        op.inputs.iter_mut().for_each(|input| input.ty.rename(renames));
        match &mut op.response {
            ResponseKind::Json(ty) | ResponseKind::EventStream(ty) => ty.rename(renames),
            ResponseKind::Paginated { page, item, .. } => {
                page.rename(renames);
                item.rename(renames);
            }
            ResponseKind::Empty | ResponseKind::Bytes => {}
        }
    }
    resource.children.iter_mut().for_each(|child| rename_operation_types(child, renames));
}

fn display_path(path: &[String]) -> String {
    if path.is_empty() {
        "<client>".into()
    } else {
        path.join(".")
    }
}

/// `x-sdk-resource: beta.directories.files`, else the first tag, else the client itself. A dotted tag
/// nests like the extension: `users.calendar` is `calendar` under `users`.
fn resource_path(op: &openapiv3::Operation, pointer: &str) -> Result<Vec<String>, SpecError> {
    match op.extensions.get("x-sdk-resource") {
        Some(Value::String(path)) => {
            let segments: Vec<String> = path.split('.').map(snake_name).collect();
            if path.split('.').any(str::is_empty) {
                return Err(SpecError::new(pointer_push(pointer, "x-sdk-resource"), format!("invalid resource path {path:?}")));
            }
            Ok(segments)
        }
        Some(other) => Err(SpecError::new(pointer_push(pointer, "x-sdk-resource"), format!("expected a dotted string, found {other}"))),
        None => Ok(op.tags.first().map(|t| t.split('.').filter(|s| !s.trim().is_empty()).map(snake_name).collect()).unwrap_or_default()),
    }
}

/// The method name for an operation: `x-sdk-method` (the spec chose it, so it must be unique), else
/// the operationId, else the HTTP method and the path's words (`get_pets_photos`). Candidates come
/// in order; the first one free on the resource wins, so names stay stable as operations are added.
/// Without an operationId the second candidate names the path parameters (`get_answers_by_ids` beside
/// `get_answers`); a number is the last resort.
fn method_names(op: &openapiv3::Operation, method: &str, path: &str, pointer: &str) -> Result<(Vec<String>, bool), SpecError> {
    match op.extensions.get("x-sdk-method") {
        Some(Value::String(name)) if !name.is_empty() => Ok((vec![snake_name(name)], true)),
        Some(other) => Err(SpecError::new(pointer_push(pointer, "x-sdk-method"), format!("expected a method name, found {other}"))),
        None => {
            if let Some(id) = op.operation_id.as_deref().filter(|id| !id.trim().is_empty()) {
                return Ok((vec![snake_name(id)], false));
            }
            // `{id}.json` is a parameter followed by a word.
            let path = path.split('?').next().unwrap_or(path);
            let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
            let words = |with_params: bool| -> String {
                let mut words = vec![method.to_string()];
                for segment in &segments {
                    let mut rest = *segment;
                    while let Some(start) = rest.find('{') {
                        words.push(rest[..start].to_string());
                        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
                        if with_params {
                            words.push(format!("by {}", &rest[start + 1..end]));
                        }
                        rest = rest.get(end + 1..).unwrap_or_default();
                    }
                    words.push(rest.to_string());
                }
                snake_name(&words.join(" "))
            };
            let mut names = vec![words(false), words(true)];
            names.dedup();
            Ok((names, false))
        }
    }
}

/// A named pagination scheme from the root `x-pagination` map.
#[derive(Debug, Clone)]
struct SchemeSpec {
    scheme: PageScheme,
    items: String,
    next: Option<String>,
    total: Option<String>,
}

fn pagination_schemes(spec: &OpenAPI) -> Result<IndexMap<String, SchemeSpec>, SpecError> {
    let mut out = IndexMap::new();
    let Some(map) = spec.extensions.get("x-pagination") else { return Ok(out) };
    let Some(map) = map.as_object() else {
        return Err(SpecError::new("#/x-pagination", "expected a map of scheme name to scheme"));
    };
    for (name, scheme) in map {
        let pointer = pointer_push("#/x-pagination", name);
        let field = |key: &str| scheme.get(key).and_then(Value::as_str).map(str::to_string);
        let required = |key: &str| field(key).ok_or_else(|| SpecError::new(pointer.clone(), format!("pagination scheme needs `{key}`")));
        let param = required("param")?;
        let kind = required("kind")?;
        let location = field("in").unwrap_or_else(|| "query".into());
        let page_scheme = match (kind.as_str(), location.as_str()) {
            ("cursor", "query") => PageScheme::QueryCursor { param },
            ("cursor", "body") => PageScheme::BodyCursor { param },
            ("offset", "query") => PageScheme::Offset { param },
            _ => {
                return Err(SpecError::new(
                    pointer,
                    format!("unsupported pagination scheme kind {kind:?} in {location:?} (expected cursor in query/body, or offset in query)"),
                ))
            }
        };
        let next = field("next");
        let total = field("total");
        if matches!(page_scheme, PageScheme::Offset { .. }) && total.is_none() {
            return Err(SpecError::new(pointer, "an offset scheme needs `total` (the response field with the total count)"));
        }
        if !matches!(page_scheme, PageScheme::Offset { .. }) && next.is_none() {
            return Err(SpecError::new(pointer, "a cursor scheme needs `next` (the response field with the next cursor)"));
        }
        out.insert(name.clone(), SchemeSpec { scheme: page_scheme, items: required("items")?, next, total });
    }
    Ok(out)
}

struct OperationLowerer<'a> {
    spec: &'a OpenAPI,
    types: TypeSpace<'a>,
    schemes: IndexMap<String, SchemeSpec>,
    /// The API's security schemes, for operations' own requirements.
    security: &'a Security,
    page_impls: IndexMap<String, PageImpl>,
    /// (resource path, method name) → where the operation is defined, to report duplicates.
    method_owners: HashMap<(Vec<String>, String), String>,
    /// Resource path → index among its parent's children, so lookups stay O(1) however wide the tree.
    child_index: HashMap<Vec<String>, usize>,
    /// The operation being lowered, as docs name it (`beta.retrieval.retrieve`).
    call: String,
    /// operationIds of the operations that create jobs an `x-sdk-wait` reads.
    job_starters: std::collections::HashSet<String>,
    /// The `x-sdk-wait` declarations met so far, checked once the types have their final names.
    waits: Vec<WaitDecl>,
    /// The recorded names of the operations still in the spec, by pointer.
    locked_ops: BTreeMap<String, crate::lock::LockedOperation>,
    /// (resource path, recorded method name) → the operation the lock keeps it for.
    held_methods: HashMap<(Vec<String>, String), String>,
    /// The inputs of the operation being lowered whose name `x-sdk-name` chose, by [`input_key`].
    chosen_inputs: HashSet<String>,
}

impl<'a> OperationLowerer<'a> {
    fn resource_mut<'r>(&mut self, root: &'r mut Resource, path: &[String], pointer: &str) -> Result<&'r mut Resource, SpecError> {
        let mut node = root;
        for (depth, segment) in path.iter().enumerate() {
            let parent = path[..depth].to_vec();
            if self.method_owners.contains_key(&(parent, segment.clone())) {
                return Err(SpecError::new(pointer, format!("resource `{segment}` collides with a method of the same name")));
            }
            let child_path = path[..=depth].to_vec();
            let index = match self.child_index.get(&child_path) {
                Some(&i) => i,
                None => {
                    let mut module_path = node.module_path.clone();
                    module_path.push(segment.clone());
                    // Every handle is `<Name>Resource`: a plain `AgentData` would clash with the
                    // schema of that name (both are imported into the resource's module), and a
                    // suffix only where a clash forces one would make names inconsistent, and
                    // change when the spec gains a schema of a resource's name. A recorded name stays.
                    let type_name = match self.types.claim_recorded(&resource_place(&child_path)) {
                        Some(recorded) => recorded,
                        None => self.types.claim(&type_name(&format!("{segment} Resource"))),
                    };
                    // The client's own methods (`client`, `builder`, ...) keep their names; a resource
                    // called so is reached as `client_resource()`.
                    let accessor = if depth == 0 && CLIENT_RESERVED.contains(&segment.as_str()) { format!("{segment}_resource") } else { segment.clone() };
                    node.children.push(Resource { accessor, type_name, module_path, description: None, feature: None, operations: vec![], children: vec![] });
                    self.child_index.insert(child_path, node.children.len() - 1);
                    node.children.len() - 1
                }
            };
            node = &mut node.children[index];
        }
        Ok(node)
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        path: &str,
        method: &str,
        op: &'a openapiv3::Operation,
        item_params: &'a [ReferenceOr<Parameter>],
        pointer: &str,
        method_name: String,
        builder_prefix: &str,
    ) -> Result<Operation, SpecError> {
        let builder_name = self.types.claim_for(pointer, &type_name(&format!("{builder_prefix} {method_name} Request")));
        let operation_type = self.types.claim_for(&operation_type_place(pointer), context(&builder_name));
        let http_method = match method {
            "get" => HttpMethod::Get,
            "put" => HttpMethod::Put,
            "post" => HttpMethod::Post,
            "delete" => HttpMethod::Delete,
            "options" => HttpMethod::Options,
            "head" => HttpMethod::Head,
            "patch" => HttpMethod::Patch,
            _ => HttpMethod::Trace,
        };
        // A builder that reads a job gets `wait`, one that creates a job gets `and_wait`.
        let wait = WaitDecl::parse(&op.extensions, pointer)?;
        let starts_job = op.operation_id.as_ref().is_some_and(|id| self.job_starters.contains(id));
        let job_methods = [wait.is_some().then_some("wait"), starts_job.then_some("and_wait")];
        let reserved: Vec<&str> = BUILDER_RESERVED.iter().copied().chain(job_methods.into_iter().flatten()).collect();
        let mut names = Namespace::with_reserved(&reserved);
        self.chosen_inputs.clear();
        let mut inputs = self.parameters(path, op, item_params, pointer, &builder_name, &mut names)?;
        let body = self.request_body(op, pointer, &builder_name, &mut names, &mut inputs)?;
        if let Some(locked) = self.locked_ops.get(pointer) {
            keep_input_names(&mut inputs, &locked.inputs, &self.chosen_inputs, &reserved);
        }
        // Constructor arguments first (path order, then the rest as declared), then optional setters.
        inputs.sort_by_key(|input| !input.required);
        let Success { kind: response, example, accept } = self.response(op, pointer, &builder_name)?;
        self.waits.extend(wait);
        Ok(Operation {
            pointer: pointer.to_string(),
            operation_id: op.operation_id.clone().unwrap_or_else(|| method_name.clone()),
            method_name,
            builder_name,
            operation_type,
            http_method,
            path: path.to_string(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            inputs,
            body,
            body_required: op.request_body.as_ref().is_some_and(|body| {
                resolve_component(self.spec, body, "requestBodies", |c| &c.request_bodies, pointer).is_ok_and(|body| body.required)
            }),
            response,
            example,
            accept,
            security: security::operation_requirement(op, self.security).filter(|own| *own != self.security.default),
            wait: None,
            starts_job: None,
        })
    }

    fn parameters(
        &mut self,
        path: &str,
        op: &'a openapiv3::Operation,
        item_params: &'a [ReferenceOr<Parameter>],
        pointer: &str,
        builder_name: &str,
        names: &mut Namespace,
    ) -> Result<Vec<Input>, SpecError> {
        let requirement = security::operation_requirement(op, self.security).unwrap_or_else(|| self.security.default.clone());
        let has_credentials = requirement.iter().any(|alternative| !alternative.is_empty());
        // Operation parameters override path-item ones with the same name and location.
        let mut params: IndexMap<(String, &'static str), (&'a Parameter, String)> = IndexMap::new();
        let sources = item_params
            .iter()
            .enumerate()
            .map(|(i, p)| (p, pointer_push(&pointer_push(pointer.rsplit_once('/').map_or(pointer, |(item, _)| item), "parameters"), &i.to_string())))
            .chain(op.parameters.iter().enumerate().map(|(i, p)| (p, pointer_push(&pointer_push(pointer, "parameters"), &i.to_string()))));
        for (param, param_pointer) in sources {
            let param = self.resolve_parameter(param, &param_pointer)?;
            let location = match param {
                Parameter::Path { .. } => "path",
                Parameter::Query { .. } => "query",
                Parameter::Header { .. } => "header",
                Parameter::Cookie { .. } => "cookie",
            };
            let name = &param.parameter_data_ref().name;
            // OpenAPI: header parameters named `Accept`, `Content-Type` or `Authorization` "SHALL be
            // ignored": the SDK sets the first two from the responses and the body, and credentials
            // from the security schemes. An API that declares no scheme the operation uses keeps its
            // `Authorization` parameter, its only way to send credentials.
            let managed = |header: &str| location == "header" && name.eq_ignore_ascii_case(header);
            if managed("accept") || managed("content-type") || (managed("authorization") && has_credentials) {
                continue;
            }
            params.insert((name.clone(), location), (param, param_pointer));
        }
        // Path parameters in the order the template uses them.
        let template_order: Vec<&str> = path.split('{').skip(1).filter_map(|s| s.split('}').next()).collect();
        // A "path" parameter the template does not use is, in the wild, a query parameter whose `?name=`
        // was cut from the path key.
        let misplaced: Vec<(String, &'static str)> =
            params.keys().filter(|(name, location)| *location == "path" && !template_order.contains(&name.as_str())).cloned().collect();
        for key in misplaced {
            if let Some(value) = params.shift_remove(&key) {
                params.entry((key.0, "query")).or_insert(value);
            }
        }
        params.sort_by_cached_key(|(name, location), _| match *location {
            "path" => (0, template_order.iter().position(|n| n == name).unwrap_or(usize::MAX)),
            "query" => (1, 0),
            _ => (2, 0),
        });

        let mut inputs = Vec::with_capacity(params.len());
        for ((wire, location), (param, param_pointer)) in params {
            let data = param.parameter_data_ref();
            let location = match location {
                "path" => Location::Path,
                "query" => Location::Query,
                "cookie" => Location::Cookie,
                _ => Location::Header,
            };
            // A parameter's place is its name, not its index, which the next parameter may shift.
            self.types.name_place(&param_pointer, format!("{}/parameters[{}]", self.types.stable_place(pointer), input_key(location, &wire)));
            let hint = NameHint::input(context(builder_name), &wire).at(format!("the `{wire}` parameter of `{}`", self.call));
            let (schema, schema_pointer) = match &data.format {
                ParameterSchemaOrContent::Schema(s) => (Some(SchemaRef::from(s)), pointer_push(&param_pointer, "schema")),
                ParameterSchemaOrContent::Content(content) => (
                    content.values().next().and_then(|m| m.schema.as_ref()).map(SchemaRef::from),
                    pointer_push(&param_pointer, "content"),
                ),
            };
            let (ty, sample) = match schema {
                Some(schema) => {
                    let lowered = self.types.lower(schema, hint, &schema_pointer)?;
                    let documented = data.example.iter().chain(data.examples.values().filter_map(example_value));
                    let sample = Samples::new(&self.types).value(schema, documented);
                    // A path, query, header or cookie value is text, binary or not.
                    let ty = if lowered.ty == TypeRef::Binary { TypeRef::String } else { lowered.ty };
                    (ty, sample)
                }
                None => (TypeRef::String, json!("string")),
            };
            if sdk_name(&data.extensions).is_some() {
                self.chosen_inputs.insert(input_key(location, &wire));
            }
            inputs.push(Input {
                rust_name: claim_input_name(names, sdk_name(&data.extensions).unwrap_or(&wire), location),
                wire_name: wire,
                location,
                ty,
                required: data.required || location == Location::Path,
                nullable: false,
                description: data.description.clone(),
                sample,
                style: query_style(param),
            });
        }
        // A template placeholder no parameter declares still needs a value: a required string.
        for (position, name) in template_order.iter().enumerate() {
            if !inputs.iter().any(|input| input.location == Location::Path && input.wire_name == *name) {
                let input = Input {
                    rust_name: claim_input_name(names, name, Location::Path),
                    wire_name: name.to_string(),
                    location: Location::Path,
                    ty: TypeRef::String,
                    required: true,
                    nullable: false,
                    description: None,
                    sample: json!("string"),
                    style: QueryStyle::DEFAULT,
                };
                inputs.insert(position.min(inputs.len()), input);
            }
        }
        Ok(inputs)
    }

    fn resolve_parameter(&self, param: &'a ReferenceOr<Parameter>, pointer: &str) -> Result<&'a Parameter, SpecError> {
        resolve_component(self.spec, param, "parameters", |c| &c.parameters, pointer)
    }

    fn request_body(
        &mut self,
        op: &'a openapiv3::Operation,
        pointer: &str,
        builder_name: &str,
        names: &mut Namespace,
        inputs: &mut Vec<Input>,
    ) -> Result<RequestBody, SpecError> {
        let Some(body) = &op.request_body else { return Ok(RequestBody::None) };
        let body_pointer = pointer_push(pointer, "requestBody");
        let body: &SpecRequestBody = resolve_component(self.spec, body, "requestBodies", |c| &c.request_bodies, &body_pointer)?;
        let content_pointer = pointer_push(&body_pointer, "content");
        let pick = |pred: &dyn Fn(&str) -> bool| body.content.iter().find(|(ct, _)| pred(&ct.to_ascii_lowercase()));
        let (content_type, media) = if let Some(found) = pick(&|ct| is_json(ct)) {
            found
        } else if let Some(found) = pick(&|ct| ct.starts_with("multipart/form-data") || ct.starts_with("application/x-www-form-urlencoded")) {
            found
        } else if let Some(found) = body.content.first() {
            found
        } else {
            // Nothing to send: a body without content is no body.
            return Ok(RequestBody::None);
        };
        let media_pointer = pointer_push(&content_pointer, content_type);
        let schema_pointer = pointer_push(&media_pointer, "schema");
        let schema = media.schema.as_ref().map(SchemaRef::from);
        let content_type = content_type.to_ascii_lowercase();
        let body_example = media_example(media);

        if is_json(&content_type) {
            let Some(schema) = schema else {
                self.push_body_input(names, inputs, TypeRef::Json, json!({}), body.description.clone());
                return Ok(RequestBody::JsonValue);
            };
            let mut props = IndexMap::new();
            let (mut required, mut additional) = (Vec::new(), None);
            let is_object = self.types.collect_properties(schema, &schema_pointer, &mut props, &mut required, &mut additional)?;
            if !is_object || props.is_empty() {
                let lowered = self.types.lower(schema, NameHint::fixed(context(builder_name), "Body").at(format!("the body of `{}`", self.call)), &schema_pointer)?;
                let sample = Samples::new(&self.types).value(schema, &body_example);
                self.push_body_input(names, inputs, lowered.ty, sample, body.description.clone());
                return Ok(RequestBody::JsonValue);
            }
            let undeclared: Vec<String> = required.iter().filter(|name| !props.contains_key(name)).cloned().collect();
            for (wire, (prop, prop_pointer)) in required_first(props, &required) {
                let mut lowered = self.types.lower(prop, NameHint::input(context(builder_name), wire).at(format!("the `{wire}` input of `{}`", self.call)), &prop_pointer)?;
                // Inside a JSON document, binary data is a (base64 or raw) string.
                if lowered.ty == TypeRef::Binary {
                    lowered.ty = TypeRef::String;
                }
                let resolved = self.types.resolve(prop, &prop_pointer)?;
                if self.property_sdk_name(prop).is_some() {
                    self.chosen_inputs.insert(input_key(Location::Body, wire));
                }
                inputs.push(Input {
                    rust_name: claim_input_name(names, self.property_sdk_name(prop).unwrap_or(wire), Location::Body),
                    wire_name: wire.clone(),
                    location: Location::Body,
                    ty: lowered.ty,
                    required: required.contains(wire),
                    nullable: lowered.nullable,
                    description: resolved.schema_data.description.clone(),
                    sample: Samples::new(&self.types).value(prop, body_example.as_ref().and_then(|e| e.get(wire))),
                    style: QueryStyle::DEFAULT,
                });
            }
            // A required property the schema lists but does not describe must still be sent: it
            // takes any JSON value, among the required arguments.
            for wire in undeclared {
                let position = inputs.iter().position(|i| i.location == Location::Body && !i.required).unwrap_or(inputs.len());
                let sample = body_example.as_ref().and_then(|e| e.get(&wire)).cloned().unwrap_or_else(|| json!("string"));
                let input = Input {
                    rust_name: claim_input_name(names, &wire, Location::Body),
                    wire_name: wire,
                    location: Location::Body,
                    ty: TypeRef::Json,
                    required: true,
                    nullable: false,
                    description: None,
                    sample,
                    style: QueryStyle::DEFAULT,
                };
                inputs.insert(position, input);
            }
            return Ok(RequestBody::JsonFields);
        }

        let form = content_type.starts_with("multipart/form-data") || content_type.starts_with("application/x-www-form-urlencoded");
        if form {
            let multipart = content_type.starts_with("multipart/");
            let mut props = IndexMap::new();
            let (mut required, mut additional) = (Vec::new(), None);
            if let Some(schema) = schema {
                self.types.collect_properties(schema, &schema_pointer, &mut props, &mut required, &mut additional)?;
            }
            for (wire, (prop, prop_pointer)) in required_first(props, &required) {
                let lowered = self.types.lower(prop, NameHint::input(context(builder_name), wire).at(format!("the `{wire}` input of `{}`", self.call)), &prop_pointer)?;
                // A form-urlencoded body has no files: a binary field there is sent as text.
                let is_file = lowered.ty == TypeRef::Binary && multipart;
                let lowered = if lowered.ty == TypeRef::Binary && !multipart { Lowered { ty: TypeRef::String, ..lowered } } else { lowered };
                let resolved = self.types.resolve(prop, &prop_pointer)?;
                if self.property_sdk_name(prop).is_some() {
                    self.chosen_inputs.insert(input_key(Location::Form, wire));
                }
                inputs.push(Input {
                    rust_name: claim_input_name(names, self.property_sdk_name(prop).unwrap_or(wire), Location::Form),
                    wire_name: wire.clone(),
                    location: if is_file { Location::FormFile } else { Location::Form },
                    ty: lowered.ty,
                    required: required.contains(wire),
                    nullable: false,
                    description: resolved.schema_data.description.clone(),
                    sample: if is_file { json!("file contents") } else { Samples::new(&self.types).value(prop, body_example.as_ref().and_then(|e| e.get(wire))) },
                    style: QueryStyle::DEFAULT,
                });
            }
            return Ok(if multipart { RequestBody::Multipart } else { RequestBody::FormUrlEncoded });
        }

        // Any other content type: the caller supplies the raw bytes.
        inputs.push(Input {
            rust_name: names.claim("body"),
            wire_name: "body".into(),
            location: Location::Body,
            ty: TypeRef::Binary,
            required: true,
            nullable: false,
            description: body.description.clone(),
            // A text or JSON-lines body described by a schema gets a value of it; bytes are bytes.
            sample: schema.map_or_else(|| json!("body"), |schema| Samples::new(&self.types).value(schema, &body_example)),
            style: QueryStyle::DEFAULT,
        });
        Ok(RequestBody::Raw { content_type })
    }

    /// A body that is not an object with properties (an array, a union, a map) is one argument,
    /// always required: the builder sends what it is given.
    fn push_body_input(&mut self, names: &mut Namespace, inputs: &mut Vec<Input>, ty: TypeRef, sample: Value, description: Option<String>) {
        inputs.push(Input {
            rust_name: names.claim("body"),
            wire_name: "body".into(),
            location: Location::Body,
            ty,
            required: true,
            nullable: false,
            description,
            sample,
            style: QueryStyle::DEFAULT,
        });
    }

    /// `x-sdk-name` on an inline property schema.
    fn property_sdk_name(&self, prop: SchemaRef<'a>) -> Option<&'a str> {
        match prop {
            SchemaRef::Item(schema) => sdk_name(&schema.schema_data.extensions),
            SchemaRef::Ref(_) => None,
        }
    }

    /// The success response: the first 2xx (then 1xx/3xx) response, else `default`.
    fn response(&mut self, op: &'a openapiv3::Operation, pointer: &str, builder_name: &str) -> Result<Success, SpecError> {
        let responses_pointer = pointer_push(pointer, "responses");
        let success = op
            .responses
            .responses
            .iter()
            .filter(|(code, _)| matches!(code, StatusCode::Code(200..=299) | StatusCode::Range(2)))
            .map(|(code, r)| (code.to_string(), r))
            .next()
            .or_else(|| op.responses.default.as_ref().map(|r| ("default".to_string(), r)));
        let Some((code, response)) = success else { return Ok(Success::empty()) };
        let response_pointer = pointer_push(&responses_pointer, &code);
        let response: &Response = resolve_component(self.spec, response, "responses", |c| &c.responses, &response_pointer)?;
        let content_pointer = pointer_push(&response_pointer, "content");
        let find = |pred: &dyn Fn(&str) -> bool| response.content.iter().find(|(ct, _)| pred(&ct.to_ascii_lowercase()));

        if let Some((ct, media)) = find(&|ct| ct.starts_with("text/event-stream")) {
            let schema_pointer = pointer_push(&pointer_push(&content_pointer, ct), "schema");
            let ty = match &media.schema {
                Some(schema) => self.types.lower(schema.into(), NameHint::fixed(context(builder_name), "Event").at(format!("an event of `{}`", self.call)), &schema_pointer)?.ty,
                None => TypeRef::Json,
            };
            return Ok(Success { kind: ResponseKind::EventStream(ty), ..Success::empty() });
        }
        let json = find(&|ct| essence(ct) == "application/json").or_else(|| find(&|ct| is_json(ct)));
        let Some((ct, media)) = json.or_else(|| response.content.first()) else {
            return Ok(Success::empty());
        };
        if !is_json(&ct.to_ascii_lowercase()) {
            // Asked for by its media type (`text/csv`), so a server that negotiates answers with it.
            let accept = (!ct.contains('*')).then(|| ct.clone());
            return Ok(Success { kind: ResponseKind::Bytes, accept, ..Success::empty() });
        }
        let accept = (!ct.eq_ignore_ascii_case("application/json")).then(|| ct.clone());
        let media_pointer = pointer_push(&content_pointer, ct);
        let example = media_example(media);
        let ty = match &media.schema {
            Some(schema) => self.types.lower(schema.into(), NameHint::fixed(context(builder_name), "Response").at(format!("the response of `{}`", self.call)), &pointer_push(&media_pointer, "schema"))?.ty,
            None => TypeRef::Json,
        };
        match op.extensions.get("x-pagination") {
            None => Ok(Success { kind: ResponseKind::Json(ty), example, accept }),
            Some(scheme_name) => {
                let ext_pointer = pointer_push(pointer, "x-pagination");
                let scheme_name = scheme_name.as_str().ok_or_else(|| SpecError::new(&ext_pointer, "expected a pagination scheme name"))?;
                let scheme = self
                    .schemes
                    .get(scheme_name)
                    .ok_or_else(|| SpecError::new(&ext_pointer, format!("unknown pagination scheme {scheme_name:?}: declare it in the root `x-pagination` map")))?
                    .clone();
                let page_impl = self.page_impl(&ty, &scheme, &media_pointer)?;
                let item = page_impl.item.clone();
                self.page_impls.entry(page_impl.page_type.clone()).or_insert(page_impl);
                Ok(Success { kind: ResponseKind::Paginated { page: ty, item, scheme: scheme.scheme }, example, accept })
            }
        }
    }

    /// Checks that a paginated response has the scheme's fields and records how to read them.
    fn page_impl(&self, page: &TypeRef, scheme: &SchemeSpec, pointer: &str) -> Result<PageImpl, SpecError> {
        let TypeRef::Named(page_type) = page else {
            return Err(SpecError::new(pointer, "a paginated response must be an object with the scheme's fields"));
        };
        let fields = self.types.struct_fields(page_type).ok_or_else(|| SpecError::new(pointer, "a paginated response must be an object with the scheme's fields"))?;
        let find = |wire: &str| fields.iter().find(|f| f.wire_name == wire);
        let items = find(&scheme.items).ok_or_else(|| SpecError::new(pointer, format!("paginated response has no `{}` field", scheme.items)))?;
        let TypeRef::List(item) = &items.ty else {
            return Err(SpecError::new(pointer, format!("paginated response field `{}` must be an array", scheme.items)));
        };
        let access = |wire: &Option<String>, what: &str| -> Result<Option<FieldAccess>, SpecError> {
            match wire {
                None => Ok(None),
                Some(wire) => match find(wire) {
                    Some(f) => Ok(Some(FieldAccess { rust_name: f.rust_name.clone(), optional: !f.required })),
                    None if what == "total" && !matches!(scheme.scheme, PageScheme::Offset { .. }) => Ok(None),
                    None => Err(SpecError::new(pointer, format!("paginated response has no `{wire}` field ({what})"))),
                },
            }
        };
        Ok(PageImpl {
            page_type: page_type.clone(),
            item: (**item).clone(),
            items_field: FieldAccess { rust_name: items.rust_name.clone(), optional: !items.required },
            next_field: access(&scheme.next, "next cursor")?,
            total_field: access(&scheme.total, "total")?,
        })
    }
}

/// How a query parameter's lists and objects are written, from its `style` and `explode`.
fn query_style(param: &Parameter) -> QueryStyle {
    let Parameter::Query { parameter_data, style, .. } = param else { return QueryStyle::DEFAULT };
    if matches!(parameter_data.format, ParameterSchemaOrContent::Content(_)) {
        return QueryStyle::Json;
    }
    match style {
        openapiv3::QueryStyle::Form => QueryStyle::Form { explode: parameter_data.explode.unwrap_or(true) },
        openapiv3::QueryStyle::SpaceDelimited => QueryStyle::SpaceDelimited,
        openapiv3::QueryStyle::PipeDelimited => QueryStyle::PipeDelimited,
        openapiv3::QueryStyle::DeepObject => QueryStyle::DeepObject,
    }
}

/// What an operation's success response gives the SDK.
struct Success {
    kind: ResponseKind,
    /// Its documented JSON example.
    example: Option<Value>,
    /// Its media type, where the runtime's default `Accept` would not ask for it.
    accept: Option<String>,
}

impl Success {
    fn empty() -> Self {
        Success { kind: ResponseKind::Empty, example: None, accept: None }
    }
}

/// Where the name lock records the type naming the operation at `pointer`.
pub fn operation_type_place(pointer: &str) -> String {
    format!("{pointer}/x-operation-type")
}

/// What an operation's inline types are named after: its builder's name without `Request`.
fn context(builder_name: &str) -> &str {
    builder_name.strip_suffix("Request").unwrap_or(builder_name)
}

/// `x-sdk-name`: the name an input takes in the SDK, where the wire name would read badly or clash.
fn sdk_name(extensions: &IndexMap<String, Value>) -> Option<&str> {
    extensions.get("x-sdk-name").and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// Properties with the required ones first, in the order the `required` list gives (so a spec decides
/// the order of constructor arguments), then the others in declaration order.
fn required_first<'p, V>(props: IndexMap<&'p String, V>, required: &[String]) -> Vec<(&'p String, V)> {
    let mut props: Vec<(&String, V)> = props.into_iter().collect();
    props.sort_by_key(|(name, _)| required.iter().position(|r| r == *name).unwrap_or(usize::MAX));
    props
}

/// Follows a reference into `#/components/<kind>` (one level: the target itself must be inline).
fn resolve_component<'a, T>(
    spec: &'a OpenAPI,
    item: &'a ReferenceOr<T>,
    kind: &str,
    map: impl Fn(&'a openapiv3::Components) -> &'a IndexMap<String, ReferenceOr<T>>,
    pointer: &str,
) -> Result<&'a T, SpecError> {
    let reference = match item {
        ReferenceOr::Item(item) => return Ok(item),
        ReferenceOr::Reference { reference } => reference,
    };
    let name = reference.strip_prefix(&format!("#/components/{kind}/")).ok_or_else(|| {
        SpecError::new(pointer, format!("reference {reference:?} must point into #/components/{kind}"))
    })?;
    match spec.components.as_ref().and_then(|c| map(c).get(name)) {
        Some(ReferenceOr::Item(target)) => Ok(target),
        Some(ReferenceOr::Reference { .. }) => Err(SpecError::new(pointer, format!("reference {reference:?} points at another reference; chains are not supported here"))),
        None => Err(SpecError::new(pointer, format!("unresolvable reference {reference:?}"))),
    }
}

fn media_example(media: &MediaType) -> Option<Value> {
    media.example.clone().or_else(|| media.examples.values().find_map(example_value).cloned())
}

/// The value of an inline entry of an `examples` map.
fn example_value(example: &ReferenceOr<openapiv3::Example>) -> Option<&Value> {
    match example {
        ReferenceOr::Item(example) => example.value.as_ref(),
        ReferenceOr::Reference { .. } => None,
    }
}

/// A media type without its parameters (`application/json; charset=utf-8` → `application/json`).
fn essence(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or_default().trim()
}

fn is_json(content_type: &str) -> bool {
    let essence = essence(content_type);
    essence == "application/json" || essence.ends_with("+json")
}

/// Gives the inputs the lock recorded their names again: names `x-sdk-name` chose first, then
/// recorded ones, then newcomers by the usual rule, passing the others by.
fn keep_input_names(inputs: &mut [Input], locked: &BTreeMap<String, String>, chosen: &HashSet<String>, reserved: &[&str]) {
    let mut names = Namespace::with_reserved(reserved);
    let keys: Vec<String> = inputs.iter().map(|i| input_key(i.location, &i.wire_name)).collect();
    let mut settled = vec![false; inputs.len()];
    for (i, input) in inputs.iter_mut().enumerate() {
        if chosen.contains(&keys[i]) {
            settled[i] = names.claim_exact(&input.rust_name);
        }
    }
    for (i, input) in inputs.iter_mut().enumerate() {
        if let Some(recorded) = locked.get(&keys[i]).filter(|_| !settled[i]) {
            if names.claim_exact(recorded) {
                input.rust_name.clone_from(recorded);
                settled[i] = true;
            }
        }
    }
    for (i, input) in inputs.iter_mut().enumerate() {
        if !settled[i] {
            input.rust_name = claim_input_name(&mut names, &input.wire_name, input.location);
        }
    }
}

/// The input's snake_case name, or, when another input already has it, the name prefixed with its
/// location (`body_directory_id` beside the path's `directory_id`).
fn claim_input_name(names: &mut Namespace, wire: &str, location: Location) -> String {
    let base = snake_name(wire);
    if !names.is_taken(&base) {
        return names.claim(&base);
    }
    names.claim(&format!("{}_{}", location.word(), base.trim_end_matches('_')))
}
