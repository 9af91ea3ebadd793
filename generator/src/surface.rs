//! The Rust API surface of a generated SDK: what code written against the SDK can name and call.
//!
//! It is read off the IR with the same rules the emitter follows, so two surfaces can be compared
//! ([`crate::diff`]) to tell what a spec change does to users' code. The generated crate keeps its
//! own surface (`api-surface.json`), so that regenerating can say what changed since last time.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::emit::types::derives_default;
use crate::ir::{Api, Input, Location, Operation, PageScheme, Resource, ResponseKind, TypeDef, TypeKind, TypeRef};

/// The file of the generated crate that records its surface.
pub const SURFACE_FILE: &str = "api-surface.json";

/// The version of what a surface records; a surface of another version cannot be compared.
pub const SURFACE_FORMAT: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Surface {
    /// [`SURFACE_FORMAT`] when it was recorded.
    pub format: u32,
    /// Cargo features of resources.
    pub features: BTreeSet<String>,
    /// The features each feature turns on (a split namespace's children's), for those that turn
    /// some on. Absent from surfaces recorded before features nested: then none did.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub feature_enables: BTreeMap<String, Vec<String>>,
    /// Operations by their place in the resource tree (`beta.agent_data.get`; a client method is
    /// just its name).
    pub operations: BTreeMap<String, OperationSurface>,
    /// Types by name (all are reachable as `types::Name`).
    pub types: BTreeMap<String, TypeSurface>,
    /// Each resource's handle type (`beta.chat` → `ChatResource`), which users can name. Absent from
    /// surfaces recorded before it was: then handles are not compared.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resources: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationSurface {
    pub pointer: String,
    /// The resource it is a method of (`beta.agent_data`; empty for the client itself).
    pub resource: String,
    /// Its request builder type (users can name it).
    pub builder: String,
    /// The type naming the operation, whose `Request<O>` the builder is an alias of. Absent from
    /// surfaces recorded when each builder was a struct of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_type: Option<String>,
    /// `GET /path`: the wire, which Rust code does not see.
    pub http: String,
    /// Required inputs: the method's arguments, in order.
    pub arguments: Vec<Param>,
    /// Optional inputs: the builder's setters, by name.
    pub setters: BTreeMap<String, Setter>,
    /// What awaiting the builder gives.
    pub response: String,
    /// How pages are fetched, for a paginated list.
    pub pagination: Option<String>,
    /// Methods for waiting on the job the operation reads (`x-sdk-wait`): `wait`, `watch`.
    pub job_methods: Vec<String>,
    /// The builder has `and_wait()` (the operation starts a job).
    pub starts_job: bool,
    pub deprecated: bool,
    /// A digest of the summary and description (a change is a documentation fix).
    pub docs: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Param {
    pub name: String,
    pub ty: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Setter {
    pub ty: String,
    /// There is also a `<name>_null()` setter (sends an explicit `null`).
    pub nullable: bool,
    pub wire: String,
    pub docs: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeSurface {
    pub pointer: String,
    /// The resource module it is documented under (`beta.retrieval`, `shared`).
    pub module: String,
    /// The cargo features that compile it (any one of them); empty: always compiled.
    pub features: Vec<String>,
    pub docs: String,
    pub shape: Shape,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Shape {
    Struct {
        fields: BTreeMap<String, FieldSurface>,
        /// Without `#[non_exhaustive]`: code outside the crate can build it with a struct literal
        /// and destructure it without `..`.
        exhaustive: bool,
        /// It implements `Default`.
        default: bool,
        /// `new(..)` and its parameters (the required fields, in order), on a struct users build.
        constructor: Option<Vec<Param>>,
        /// A `with_<field>` setter per optional field, on a struct users build.
        setters: bool,
    },
    Enum {
        /// Rust variant by wire value.
        values: BTreeMap<String, String>,
        /// Without `#[non_exhaustive]`: a `match` may list every variant.
        exhaustive: bool,
    },
    Union {
        variants: BTreeMap<String, VariantSurface>,
        exhaustive: bool,
        /// The tag property of a discriminated union.
        discriminator: Option<String>,
    },
    Alias {
        target: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldSurface {
    pub pointer: String,
    /// The field's Rust type as declared (`Option<String>`, `Box<Node>`).
    pub ty: String,
    pub wire: String,
    pub docs: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantSurface {
    pub ty: String,
    /// The tag values that select it (discriminated unions).
    pub tags: Vec<String>,
}

impl Surface {
    /// The surface of the SDK generated from `api`.
    pub fn of(api: &Api) -> Surface {
        let mut surface = Surface { format: SURFACE_FORMAT, ..Surface::default() };
        collect_operations(&api.root, &mut Vec::new(), &mut surface);
        for feature in &api.features {
            surface.features.insert(feature.name.clone());
            if !feature.enables.is_empty() {
                surface.feature_enables.insert(feature.name.clone(), feature.enables.clone());
            }
        }
        surface.types = api.types.iter().map(|def| (def.name.clone(), type_surface(def))).collect();
        surface
    }

    /// The surface as stored in the generated crate: pretty JSON, keys sorted, one trailing newline.
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("a surface is plain data");
        json.push('\n');
        json
    }

    pub fn from_json(text: &str) -> Result<Surface, serde_json::Error> {
        serde_json::from_str(text)
    }
}

fn collect_operations(resource: &Resource, path: &mut Vec<String>, surface: &mut Surface) {
    if !resource.accessor.is_empty() {
        path.push(resource.accessor.clone());
    }
    let resource_path = path.join(".");
    if !resource_path.is_empty() {
        surface.resources.insert(resource_path.clone(), resource.type_name.clone());
    }
    for op in &resource.operations {
        let key = if resource_path.is_empty() { op.method_name.clone() } else { format!("{resource_path}.{}", op.method_name) };
        surface.operations.insert(key, operation_surface(op, &resource_path));
    }
    for child in &resource.children {
        collect_operations(child, path, surface);
    }
    if !resource.accessor.is_empty() {
        path.pop();
    }
}

fn operation_surface(op: &Operation, resource: &str) -> OperationSurface {
    let (response, pagination) = match &op.response {
        ResponseKind::Empty => ("()".to_owned(), None),
        ResponseKind::Json(ty) => (type_text(ty), None),
        ResponseKind::Bytes => ("Bytes".to_owned(), None),
        ResponseKind::Paginated { page, item, scheme } => (format!("Page<{}> of {}", type_text(page), type_text(item)), Some(scheme_text(scheme))),
        ResponseKind::EventStream(ty) => (format!("EventStream<{}>", type_text(ty)), None),
    };
    let job_methods = op.wait.iter().flat_map(|w| [w.wait_method.clone(), w.watch_method.clone()]).collect();
    OperationSurface {
        pointer: op.pointer.clone(),
        resource: resource.to_owned(),
        builder: op.builder_name.clone(),
        operation_type: Some(op.operation_type.clone()),
        http: format!("{} {}", op.http_method.as_str(), op.path),
        arguments: op.inputs.iter().filter(|i| i.required).map(|i| Param { name: i.rust_name.clone(), ty: input_type(i) }).collect(),
        setters: op
            .inputs
            .iter()
            .filter(|i| !i.required)
            .map(|i| {
                let setter = Setter { ty: input_type(i), nullable: i.nullable, wire: i.wire_name.clone(), docs: digest(&[i.description.as_deref()]) };
                (i.rust_name.clone(), setter)
            })
            .collect(),
        response,
        pagination,
        job_methods,
        starts_job: op.starts_job.is_some(),
        deprecated: op.deprecated,
        docs: digest(&[op.summary.as_deref(), op.description.as_deref()]),
    }
}

/// The type an input is stored as (its argument or setter accepts what converts into it).
fn input_type(input: &Input) -> String {
    match (input.location, &input.ty) {
        (Location::FormFile, _) => "Upload".to_owned(),
        (_, TypeRef::Binary) => "Bytes".to_owned(),
        (_, ty) => type_text(ty),
    }
}

fn scheme_text(scheme: &PageScheme) -> String {
    match scheme {
        PageScheme::QueryCursor { param } => format!("cursor in query `{param}`"),
        PageScheme::BodyCursor { param } => format!("cursor in body `{param}`"),
        PageScheme::Offset { param } => format!("offset in query `{param}`"),
    }
}

fn type_surface(def: &TypeDef) -> TypeSurface {
    let shape = match &def.kind {
        TypeKind::Struct { fields } => Shape::Struct {
            fields: fields
                .iter()
                .map(|f| {
                    let mut ty = type_text(&f.ty);
                    if f.boxed {
                        ty = format!("Box<{ty}>");
                    }
                    if !f.required {
                        ty = format!("Option<{ty}>");
                    }
                    (f.rust_name.clone(), FieldSurface { pointer: f.pointer.clone(), ty, wire: f.wire_name.clone(), docs: docs_digest(f.description.as_deref(), &f.examples) })
                })
                .collect(),
            exhaustive: false,
            default: derives_default(fields, def.input),
            constructor: (def.input && fields.iter().any(|f| f.required))
                .then(|| fields.iter().filter(|f| f.required).map(|f| Param { name: f.rust_name.clone(), ty: type_text(&f.ty) }).collect()),
            setters: def.input,
        },
        TypeKind::Enum { values } => Shape::Enum { values: values.iter().map(|v| (v.wire.clone(), v.rust_name.clone())).collect(), exhaustive: false },
        TypeKind::Union { variants, discriminator } => Shape::Union {
            variants: variants
                .iter()
                .map(|v| {
                    let ty = if v.boxed { format!("Box<{}>", type_text(&v.ty)) } else { type_text(&v.ty) };
                    (v.rust_name.clone(), VariantSurface { ty, tags: v.tags.clone() })
                })
                .collect(),
            exhaustive: false,
            discriminator: discriminator.clone(),
        },
        TypeKind::Alias { target } => Shape::Alias { target: type_text(target) },
        // An enum without variants, which a `match` covers with no arm.
        TypeKind::Never => Shape::Enum { values: BTreeMap::new(), exhaustive: true },
        // Two public fields, built with a struct literal.
        TypeKind::Tuple { elements, rest } => {
            let field = |ty: String| FieldSurface { pointer: def.pointer.clone(), ty, wire: String::new(), docs: digest(&[]) };
            Shape::Struct {
                fields: BTreeMap::from([
                    ("elements".to_owned(), field(type_text(&TypeRef::Tuple(elements.clone())))),
                    ("rest".to_owned(), field(format!("Vec<{}>", type_text(rest)))),
                ]),
                exhaustive: true,
                default: false,
                constructor: None,
                setters: false,
            }
        }
    };
    TypeSurface {
        pointer: def.pointer.clone(),
        module: def.module.join("."),
        features: def.features.clone(),
        docs: docs_digest(def.description.as_deref(), &def.examples),
        shape,
    }
}

/// A type reference spelled as the generated code spells it.
pub fn type_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String | TypeRef::Binary => "String".to_owned(),
        TypeRef::Integer => "i64".to_owned(),
        TypeRef::UnsignedInteger => "u64".to_owned(),
        TypeRef::Float => "f64".to_owned(),
        TypeRef::Boolean => "bool".to_owned(),
        TypeRef::DateTime => "Timestamp".to_owned(),
        TypeRef::Json => "Value".to_owned(),
        TypeRef::JsonObject => "Map<String, Value>".to_owned(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::List(item) => format!("Vec<{}>", type_text(item)),
        TypeRef::Map(value) => format!("BTreeMap<String, {}>", type_text(value)),
        TypeRef::Optional(inner) => format!("Option<{}>", type_text(inner)),
        TypeRef::Tuple(elements) => match elements.as_slice() {
            [one] => format!("({},)", type_text(one)),
            _ => format!("({})", elements.iter().map(type_text).collect::<Vec<_>>().join(", ")),
        },
    }
}

/// The digest of a type's or field's docs: its description, and its examples where it has any
/// (so a surface recorded before examples were shown compares equal).
fn docs_digest(description: Option<&str>, examples: &[serde_json::Value]) -> String {
    if examples.is_empty() {
        return digest(&[description]);
    }
    let examples = serde_json::Value::Array(examples.to_vec()).to_string();
    digest(&[description, Some(&examples)])
}

/// A short stable digest of documentation text (64-bit FNV-1a, hex): enough to notice a change
/// without storing the text.
fn digest(parts: &[Option<&str>]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.unwrap_or("").bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}
