//! The intermediate representation: plain data describing the SDK to emit.
//!
//! Lowering (`lower`) fills it from the spec; emitting (`emit`) turns it into Rust. Every name in here is
//! already final (Rust-safe, unique), so the emitter never invents or fixes up names.

use std::collections::BTreeMap;

use serde::Serialize;

/// The whole SDK.
#[derive(Debug, Clone, Serialize)]
pub struct Api {
    /// Cargo package name, e.g. `llama-cloud`.
    pub crate_name: String,
    /// The client type, e.g. `LlamaCloud`.
    pub client_name: String,
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub base_url: String,
    pub env_base_url: Option<String>,
    pub security: Security,
    /// `x-sdk.client-params`: parameters many operations take, settable once on the client.
    pub client_params: Vec<ClientParam>,
    /// `x-sdk.extra-files`: a directory (relative to the spec) of hand-written files copied into the
    /// crate as they are, such as its README and examples.
    pub extra_files: Option<String>,
    /// `#![deny(missing_docs)]` in the crate (`x-sdk.deny-missing-docs`).
    pub deny_missing_docs: bool,
    /// The root resource: its operations are methods on the client itself.
    pub root: Resource,
    /// The crate's resource features, parents before children (see `features`).
    pub features: Vec<Feature>,
    /// Every named type, sorted by name.
    pub types: Vec<TypeDef>,
    /// The doc of each module under `types` that holds types, by its path under `src/types`
    /// (`beta/batch_job_config`; see `layout`).
    pub type_modules: BTreeMap<String, String>,
    /// Paginated response types and how to page through them (one entry per type).
    pub page_types: Vec<PageImpl>,
    /// Why a type got the name it has when the name lock kept a shorter one from it, by type name.
    pub name_notes: BTreeMap<String, String>,
}

/// A query or header parameter the client can hold a value of, sent by every operation that takes
/// it unless the request sets its own (`project_id`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClientParam {
    pub wire_name: String,
    pub location: Location,
    /// The client builder's setter.
    pub setter: String,
    /// The parameter's description, from the first operation that takes it.
    pub description: Option<String>,
}

/// How the API authenticates (see `security.rs`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Security {
    pub schemes: Vec<SecuritySchemeDef>,
    /// The root `security`: alternatives, each a set of indices into `schemes` sent together. No
    /// alternatives, or an empty one, means requests can go without credentials.
    pub default: Vec<Vec<usize>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecuritySchemeDef {
    /// Its name in `components.securitySchemes`.
    pub name: String,
    pub kind: AuthKind,
    /// The client builder's setter (`api_key` for the main scheme).
    pub setter: String,
    /// For OAuth2 with a client credentials flow: the setter taking the client id and secret.
    pub flow_setter: Option<String>,
    /// The environment variables it is read from: the secret; user name and password (basic);
    /// token, client id and client secret (OAuth2 with a client credentials flow).
    pub env: Vec<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum AuthKind {
    /// `Authorization: Bearer` (HTTP bearer, OAuth2, OpenID Connect).
    Bearer,
    /// `Authorization: Basic`.
    Basic,
    /// An API key in this header, query parameter or cookie.
    Header(String),
    Query(String),
    Cookie(String),
    /// OAuth2: a bearer token, or one obtained from `token_url` (client credentials flow) for
    /// `scopes` (every scope a requirement in the spec names).
    OAuth2 { token_url: Option<String>, scopes: Vec<String> },
}

/// A cargo feature of the crate: it compiles the operations of one resource and of the resources
/// below it that have no feature of their own; a split namespace's also turns on its children's.
#[derive(Debug, Clone, Serialize)]
pub struct Feature {
    /// `beta`, `beta-agent-data`.
    pub name: String,
    /// The module path of its resource.
    pub resource: Vec<String>,
    /// The features it turns on.
    pub enables: Vec<String>,
}

/// A node of the resource tree (`beta` → `directories` → `files`).
#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    /// Accessor method name (`files`); empty for the root.
    pub accessor: String,
    /// Handle type name (`Files`); the client name for the root.
    pub type_name: String,
    /// Module path from `resources` (`["beta", "directories", "files"]`).
    pub module_path: Vec<String>,
    /// The description of the tag every one of its operations has first, if the spec gives one.
    pub description: Option<String>,
    /// The cargo feature that compiles its operations; none for the client's own.
    pub feature: Option<String>,
    pub operations: Vec<Operation>,
    pub children: Vec<Resource>,
}

impl Resource {
    /// The path prefix (whole segments, before any parameter) that every operation in this resource
    /// and below it shares: which part of the API it covers (`/api/v2/batches`).
    pub fn path_prefix(&self) -> Option<String> {
        let mut common: Option<Vec<&str>> = None;
        self.walk(&mut |resource| {
            for op in &resource.operations {
                let segments: Vec<&str> = op.path.split('/').filter(|s| !s.is_empty()).take_while(|s| !s.contains('{')).collect();
                common = Some(match common.take() {
                    None => segments,
                    Some(prefix) => prefix.iter().zip(&segments).take_while(|(a, b)| a == b).map(|(a, _)| *a).collect(),
                });
            }
        });
        common.filter(|segments| !segments.is_empty()).map(|segments| format!("/{}", segments.join("/")))
    }

    /// Calls `visit` on this resource and every resource below it, parents first.
    pub fn walk<'r>(&'r self, visit: &mut impl FnMut(&'r Resource)) {
        visit(self);
        for child in &self.children {
            child.walk(visit);
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// Where it came from: `#/paths/~1pets/get`.
    pub pointer: String,
    pub operation_id: String,
    /// Method on the resource handle (`upload`).
    pub method_name: String,
    /// The request builder type (`FilesUploadRequest`), an alias of the runtime's `Request<O>`.
    pub builder_name: String,
    /// The type that names the operation, `O` of the builder's `Request<O>` (`FilesUpload`).
    pub operation_type: String,
    pub http_method: HttpMethod,
    /// Path template with `{name}` placeholders using the wire names.
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    /// Every input, in the order: required ones (constructor arguments) first, then optional setters.
    pub inputs: Vec<Input>,
    pub body: RequestBody,
    /// The spec requires a body (`requestBody.required`), even where every field of it is optional.
    pub body_required: bool,
    pub response: ResponseKind,
    /// The documented JSON response, used to generate tests.
    pub example: Option<serde_json::Value>,
    /// The media type the response declares where the runtime's default would not ask for it (a
    /// JSON type other than `application/json`, as `application/vnd.api+json`; the type of a bytes
    /// response, as `text/csv`): what the request accepts, so a server that negotiates answers.
    pub accept: Option<String>,
    /// What the operation requires when it differs from the API's default (its own `security`):
    /// alternatives of scheme indices; an empty list or alternative means no credentials.
    pub security: Option<Vec<Vec<usize>>>,
    /// `x-sdk-wait`: the operation reads a long-running job, so its resource gets methods that
    /// wait for the job to end and watch it change.
    pub wait: Option<Wait>,
    /// The operation creates a job that another operation's `x-sdk-wait` reads (`started-by`), so
    /// its builder can create the job and wait for it in one call.
    pub starts_job: Option<JobStart>,
}

/// How to tell where a job is from the response of the operation that reads it.
#[derive(Debug, Clone, Serialize)]
pub struct Wait {
    /// Resource methods: wait for the job to end (`wait`), and stream its states (`watch`).
    pub wait_method: String,
    pub watch_method: String,
    /// The constant describing the job kind to the runtime (`SPLIT_GET_JOB`).
    pub kind_const: String,
    /// The job: the operation's response type.
    pub job: TypeRef,
    pub status: FieldPath,
    pub progress: Option<FieldPath>,
    /// The job's own error text: a string or a list of strings.
    pub error: Option<FieldPath>,
    /// The reading operation's input that holds the job's id (its last path parameter), so
    /// errors can name the job.
    pub id_input: Option<IdInput>,
    /// Whether this wait supplies the runtime's `Job` impl of the job type (emitted beside the type):
    /// the first of the waits that read one type does.
    pub implements_job: bool,
    /// Terminal statuses, as on the wire, by outcome.
    pub succeeded: Vec<String>,
    pub failed: Vec<String>,
    pub cancelled: Vec<String>,
}

/// A builder field holding a job's id.
#[derive(Debug, Clone, Serialize)]
pub struct IdInput {
    pub rust_name: String,
    /// A `String` (cloned) rather than a number (formatted).
    pub is_string: bool,
}

/// A value inside a response, reached field by field (the spec gives it as a JSON pointer).
#[derive(Debug, Clone, Serialize)]
pub struct FieldPath {
    /// The pointer as the spec wrote it (`/job/status`).
    pub pointer: String,
    /// The fields before the last one.
    pub steps: Vec<FieldStep>,
    /// The field holding the value.
    pub last: FieldStep,
    pub leaf: Leaf,
    /// The value's type (without the `Option` of an optional field).
    pub ty: TypeRef,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldStep {
    pub rust_name: String,
    /// The field is an `Option`.
    pub optional: bool,
}

/// The type of the value a [`FieldPath`] reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Leaf {
    String,
    /// A string enum (read with `as_str()`).
    Enum,
    Integer,
    Float,
    /// A list of strings (an error pointer only).
    StringList,
}

/// Where a creating operation finds the new job's id, and how the job is then read.
#[derive(Debug, Clone, Serialize)]
pub struct JobStart {
    pub id: FieldPath,
    /// The resource with the reading operation: its module path, handle type and feature.
    pub poll_module: Vec<String>,
    pub poll_feature: Option<String>,
    pub poll_resource: String,
    /// The reading operation's method, and the `Wait` constant of its job kind.
    pub poll_method: String,
    pub kind_const: String,
    pub job: TypeRef,
    /// Optional query and header inputs both operations have, whose values carry over to the polls,
    /// by wire name.
    pub carried: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Operation {
    /// The types it refers to: its inputs', then its response's (a page and its item).
    pub fn type_refs(&self) -> impl Iterator<Item = &TypeRef> {
        let response: Vec<&TypeRef> = match &self.response {
            ResponseKind::Json(ty) | ResponseKind::EventStream(ty) => vec![ty],
            ResponseKind::Paginated { page, item, .. } => vec![page, item],
            ResponseKind::Empty | ResponseKind::Bytes => Vec::new(),
        };
        self.inputs.iter().map(|input| &input.ty).chain(response)
    }
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }
}

/// One input of an operation: a parameter, a JSON body field or a multipart form field.
#[derive(Debug, Clone, Serialize)]
pub struct Input {
    /// Rust name of the argument / setter / struct field.
    pub rust_name: String,
    /// Name on the wire.
    pub wire_name: String,
    pub location: Location,
    pub ty: TypeRef,
    pub required: bool,
    /// Optional JSON body field that may be sent as explicit `null` (gets an extra `*_null()` setter).
    pub nullable: bool,
    pub description: Option<String>,
    /// A value the spec documents (`example`) or one synthesised from the schema, for generated tests.
    pub sample: serde_json::Value,
    /// How a query parameter's list or object is written.
    pub style: QueryStyle,
}

/// How a query parameter's list or object is written: its `style` and `explode`, or JSON text for a
/// parameter described by a media type (`content`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum QueryStyle {
    /// `form`: exploded (the default), a list repeats the name (`?id=1&id=2`) and an object's
    /// properties are parameters of their own (`?min=1&max=2`); else one parameter (`?id=1,2`,
    /// `?range=min,1,max,2`).
    Form { explode: bool },
    /// A list joined by spaces (`?id=1%202`).
    SpaceDelimited,
    /// A list joined by `|` (`?id=1|2`).
    PipeDelimited,
    /// An object's properties in brackets (`?range[min]=1&range[max]=2`).
    DeepObject,
    /// JSON text (`content: application/json`).
    Json,
}

impl QueryStyle {
    pub const DEFAULT: QueryStyle = QueryStyle::Form { explode: true };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Location {
    Path,
    Query,
    Header,
    /// A cookie (`Cookie: name=value`).
    Cookie,
    Body,
    /// A multipart text field.
    Form,
    /// A multipart file field.
    FormFile,
}

impl Location {
    /// The location as one word (`query`; a file and the other form fields are both `form`), for
    /// names and lock keys.
    pub fn word(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Cookie => "cookie",
            Location::Body => "body",
            Location::Form | Location::FormFile => "form",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub enum RequestBody {
    None,
    /// The JSON body is an object whose properties are the `Body` inputs.
    JsonFields,
    /// The JSON body is a single value of this type, passed whole (the input named `body`).
    JsonValue,
    /// `multipart/form-data` built from the `Form`/`FormFile` inputs.
    Multipart,
    /// `application/x-www-form-urlencoded` built from the `Form` inputs.
    FormUrlEncoded,
    /// Any other content type: the `body` input's bytes, sent as they are.
    Raw { content_type: String },
}

#[derive(Debug, Clone, Serialize)]
pub enum ResponseKind {
    Empty,
    Json(TypeRef),
    /// Raw bytes (any non-JSON content type).
    Bytes,
    Paginated {
        page: TypeRef,
        item: TypeRef,
        scheme: PageScheme,
    },
    EventStream(TypeRef),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum PageScheme {
    QueryCursor { param: String },
    BodyCursor { param: String },
    Offset { param: String },
}

/// How a paginated response type exposes its items, cursor and total.
#[derive(Debug, Clone, Serialize)]
pub struct PageImpl {
    pub page_type: String,
    pub item: TypeRef,
    pub items_field: FieldAccess,
    pub next_field: Option<FieldAccess>,
    pub total_field: Option<FieldAccess>,
}

/// A struct field as seen from generated accessor code.
#[derive(Debug, Clone, Serialize)]
pub struct FieldAccess {
    pub rust_name: String,
    /// Whether the field is an `Option`.
    pub optional: bool,
}

/// A reference to a type, as used in a field, parameter or response.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum TypeRef {
    String,
    Integer,
    UnsignedInteger,
    Float,
    Boolean,
    DateTime,
    /// A file or byte payload (`format: binary`).
    Binary,
    /// Any JSON value.
    Json,
    /// A free-form JSON object.
    JsonObject,
    Named(String),
    List(Box<TypeRef>),
    Map(Box<TypeRef>),
    /// A fixed-length array of values of these types (JSON Schema's `prefixItems`).
    Tuple(Vec<TypeRef>),
    /// A value or `null` where no field's `Option` can say so: a list item or tuple element.
    Optional(Box<TypeRef>),
}

impl TypeRef {
    /// The innermost named types (`Vec<Foo>` → `Foo`; a tuple's, one per element that has one).
    pub fn named(&self) -> Vec<&str> {
        match self {
            TypeRef::Named(name) => vec![name],
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Optional(inner) => inner.named(),
            TypeRef::Tuple(elements) => elements.iter().flat_map(TypeRef::named).collect(),
            _ => Vec::new(),
        }
    }

    /// Replaces named types by the names `renames` gives them (others stay as they are).
    pub fn rename(&mut self, renames: &std::collections::HashMap<String, String>) {
        match self {
            TypeRef::Named(name) => {
                if let Some(new) = renames.get(name) {
                    name.clone_from(new);
                }
            }
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Optional(inner) => inner.rename(renames),
            TypeRef::Tuple(elements) => elements.iter_mut().for_each(|e| e.rename(renames)),
            _ => {}
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    pub name: String,
    /// Where it is defined in the spec (the component, or the inline schema that gave it its name).
    pub pointer: String,
    /// Every schema it stands for (an inline shape used in several places has several).
    pub places: Vec<String>,
    pub description: Option<String>,
    /// The schema's `examples` (or `example`), for its docs.
    pub examples: Vec<serde_json::Value>,
    pub kind: TypeKind,
    /// The module under `types` it lives in: that of the resource that uses it (`["beta", "retrieval"]`,
    /// `["beta", "batch_job_items"]`), of the nearest resource above all that do, or the shared module
    /// (`["shared"]`) for types of several top-level resources or none; a large module is split into
    /// files beside it (`["beta", "batch_job_config"]`). Every type is also re-exported as `types::Name`.
    pub module: Vec<String>,
    /// The cargo features whose operations reach it (any one compiles it); empty when it is always
    /// compiled (the client's own operations reach it, or every feature's do).
    pub features: Vec<String>,
    /// Where an inline type is used, in words with links (`the `rerank` input of
    /// `beta.retrieval.retrieve``), for docs where the spec has no description.
    pub used_in: Vec<String>,
    /// An operation's input reaches it: users build values of it, so a struct gets a constructor
    /// and setters (and `Default` when every field is optional).
    pub input: bool,
    /// A struct used only as variants of discriminated unions: the tags that select it, which the
    /// unions read and write in its stead (it has no field for them).
    pub tagged_by: Vec<VariantTag>,
}

impl TypeDef {
    /// A type as lowering first defines it: not yet placed in a module.
    pub fn new(name: String, pointer: String, description: Option<String>, kind: TypeKind) -> Self {
        TypeDef { name, places: vec![pointer.clone()], pointer, description, examples: Vec::new(), kind, module: Vec::new(), features: Vec::new(), used_in: Vec::new(), input: false, tagged_by: Vec::new() }
    }

    /// The names of the types its fields, variants or alias target refer to.
    pub fn references(&self) -> impl Iterator<Item = &str> {
        let refs: Vec<&TypeRef> = match &self.kind {
            TypeKind::Struct { fields } => fields.iter().map(|f| &f.ty).collect(),
            TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Alias { target } => vec![target],
            TypeKind::Enum { .. } | TypeKind::Never => Vec::new(),
            TypeKind::Tuple { elements, rest } => elements.iter().chain([rest]).collect(),
        };
        refs.into_iter().flat_map(TypeRef::named)
    }
}

/// A discriminated union's tag selecting a variant: `type` = `text_delta` selects
/// `ChatEvent::TextDelta`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VariantTag {
    pub union: String,
    pub variant: String,
    pub property: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub enum TypeKind {
    Struct { fields: Vec<Field> },
    /// A string enum that keeps unknown values.
    Enum { values: Vec<EnumValue> },
    Union { variants: Vec<Variant>, discriminator: Option<String> },
    Alias { target: TypeRef },
    /// A schema no value is valid by (`false`, `not: {}`): an uninhabited enum.
    Never,
    /// An array of fixed elements and then any number of `rest` items (`prefixItems` with
    /// `items`): a struct of the elements (a Rust tuple) and the rest (a list), one flat array on
    /// the wire.
    Tuple { elements: Vec<TypeRef>, rest: TypeRef },
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub rust_name: String,
    pub wire_name: String,
    pub ty: TypeRef,
    /// Present in every valid value and never null: the field is not an `Option`.
    pub required: bool,
    /// Present in every valid value but nullable: an `Option` whose `None` is written as `null`,
    /// since a server that requires the member rejects its absence.
    pub nullable_required: bool,
    /// Boxed to break a recursive cycle.
    pub boxed: bool,
    pub description: Option<String>,
    /// The property schema's `examples` (or `example`), for its docs.
    pub examples: Vec<serde_json::Value>,
    /// The property's schema in the spec.
    pub pointer: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumValue {
    pub rust_name: String,
    pub wire: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Variant {
    pub rust_name: String,
    /// What the variant stands for, for the name lock: its first tag, else its `$ref`, title or
    /// JSON kind (`tag text_delta`, `ref ChatSession`, `kind string`).
    pub key: String,
    pub ty: TypeRef,
    /// For a discriminated union: the tag value(s) selecting this variant.
    pub tags: Vec<String>,
    pub boxed: bool,
}

/// Looks up named types by name (to tell enums from structs, follow aliases, ...), for lowering's
/// checks and for emitting.
pub struct TypeIndex<'a> {
    by_name: BTreeMap<&'a str, &'a TypeDef>,
}

impl<'a> TypeIndex<'a> {
    pub fn new(types: &'a [TypeDef]) -> Self {
        TypeIndex { by_name: types.iter().map(|t| (t.name.as_str(), t)).collect() }
    }

    pub fn get(&self, name: &str) -> Option<&'a TypeDef> {
        self.by_name.get(name).copied()
    }

    /// Follows aliases to the type that is really used.
    pub fn resolve<'t>(&self, ty: &'t TypeRef) -> &'t TypeRef
    where
        'a: 't,
    {
        let mut current = ty;
        for _ in 0..32 {
            match current {
                TypeRef::Named(name) => match self.by_name.get(name.as_str()).map(|d| &d.kind) {
                    Some(TypeKind::Alias { target }) => current = target,
                    _ => return current,
                },
                _ => return current,
            }
        }
        current
    }

    /// Whether the type is a union with a discriminator (its values implement the runtime's
    /// `TaggedUnion`).
    pub fn is_tagged_union(&self, ty: &TypeRef) -> bool {
        match self.resolve(ty) {
            TypeRef::Named(name) => {
                matches!(self.by_name.get(name.as_str()).map(|d| &d.kind), Some(TypeKind::Union { discriminator: Some(_), .. }))
            }
            _ => false,
        }
    }

    /// Whether the type is a struct with no field for the JSON member `wire_name` (its derived
    /// `Deserialize` would only skip that member).
    pub fn is_struct_without(&self, ty: &TypeRef, wire_name: &str) -> bool {
        match self.resolve(ty) {
            TypeRef::Named(name) => match self.by_name.get(name.as_str()).map(|d| &d.kind) {
                Some(TypeKind::Struct { fields }) => fields.iter().all(|field| field.wire_name != wire_name),
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether values of the type print as a plain query/header/path/form value (via `Display`).
    pub fn is_display(&self, ty: &TypeRef) -> bool {
        match self.resolve(ty) {
            TypeRef::String | TypeRef::Integer | TypeRef::UnsignedInteger | TypeRef::Float | TypeRef::Boolean | TypeRef::DateTime => true,
            TypeRef::Named(name) => match self.by_name.get(name.as_str()).map(|d| &d.kind) {
                Some(TypeKind::Enum { .. }) => true,
                // A union of plain values (an id or a name, say) prints as whichever it holds.
                Some(TypeKind::Union { variants, .. }) => variants.iter().all(|v| !v.boxed && self.is_display(&v.ty)),
                _ => false,
            },
            _ => false,
        }
    }
}
