//! Schema lowering: the TypeSpace turns JSON Schemas into named IR types and type references.
//!
//! It owns the global type namespace, so component schemas, inline types and request builders can never
//! collide. Component names are claimed up front so references (including recursive ones) resolve before
//! their targets are lowered. Inline schemas get a provisional key and a [`NameHint`] while lowering; in
//! [`TypeSpace::finish`] identical shapes become one type and each type gets the shortest name that no
//! other type wants (`Operator`), else its owner's name joined to its own (`FilterOperator`).
//!
//! With a name lock ([`crate::lock`]), every recorded name goes to what it named first (a type by its
//! schema's places, a field or enum value by its wire name, a variant by its tag), and only newcomers
//! take names by the rules, passing the recorded ones by. `x-sdk-name` on a schema wins over both.

use std::collections::{BTreeMap, HashMap, HashSet};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::error::{pointer_push, pointer_token, SpecError};
use crate::ir::{EnumValue, Field, TypeDef, TypeKind, TypeRef, Variant};
use crate::load::ref_name;
use crate::dedup::identical_shapes;
use crate::lock::{shape_digest, NameLock, NAMES_FILE};
use crate::naming::{join_type_names, singular, snake_name, stands_alone, type_name, type_word, variant_name, Namespace};

/// A schema or a reference to one, whichever box it came in.
#[derive(Clone, Copy)]
pub enum SchemaRef<'a> {
    Ref(&'a str),
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(value: &'a ReferenceOr<Schema>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Item(schema),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(value: &'a ReferenceOr<Box<Schema>>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Item(schema),
        }
    }
}

/// The result of lowering one schema.
#[derive(Debug, Clone)]
pub struct Lowered {
    pub ty: TypeRef,
    /// The schema allows `null`.
    pub nullable: bool,
}

impl Lowered {
    /// The type as a list item or tuple element: an `Option` where the schema allows `null` (a
    /// field says so with its own `Option`), except any JSON, which holds `null` itself.
    fn element(self) -> TypeRef {
        if self.nullable && self.ty != TypeRef::Json {
            TypeRef::Optional(Box::new(self.ty))
        } else {
            self.ty
        }
    }
}

/// How an inline schema may be named, most preferred first.
#[derive(Debug, Clone)]
pub struct NameHint {
    /// Names that can stand on their own (a title, a property, a parameter, a discriminator value).
    standalone: Vec<String>,
    /// Whose name qualifies `suffix` when no standalone name is free.
    owner: Owner,
    suffix: String,
    /// Where the schema sits, for the docs of a type the spec does not describe.
    place: Place,
    /// The schema's `x-sdk-name`, which names the type whatever else wants the name.
    explicit: Option<String>,
    /// The schema is an operation's input, whose `x-sdk-name` names the input, not a type.
    is_input: bool,
}

/// Where an inline schema sits, rendered once every type has its final name.
#[derive(Debug, Clone)]
enum Place {
    Unknown,
    /// Words given by the caller (`the `rerank` input of `beta.retrieval.retrieve``).
    Text(String),
    /// A property of the type with this key.
    Field { owner: String, wire: String },
    /// The items (or map values) of whatever sits at the inner place.
    Element { inner: Box<Place>, what: &'static str },
    /// A variant of the union with this key.
    Variant { union: String, name: String },
}

#[derive(Debug, Clone)]
enum Owner {
    /// A type, by key: its final name once it has one.
    Type(String),
    /// A fixed name, such as an operation's.
    Fixed(String),
}

impl NameHint {
    /// An input of an operation: a parameter or a body property (`RetrievalRetrieve` + `rerank`).
    pub fn input(context: &str, wire: &str) -> Self {
        let word = type_word(wire);
        NameHint { standalone: vec![word.clone()], owner: Owner::Fixed(type_name(context)), suffix: word, place: Place::Unknown, explicit: None, is_input: true }
    }

    /// A name with no shorter form (`RetrievalRetrieve` + `Response`).
    pub fn fixed(context: &str, suffix: &str) -> Self {
        NameHint { standalone: Vec::new(), owner: Owner::Fixed(type_name(context)), suffix: suffix.to_string(), place: Place::Unknown, explicit: None, is_input: false }
    }

    /// Says where the schema sits, in words (`the `rerank` input of `beta.retrieval.retrieve``).
    pub fn at(mut self, place: String) -> Self {
        self.place = Place::Text(place);
        self
    }

    /// A property of the type with this key.
    fn property(owner: &str, wire: &str) -> Self {
        let word = type_word(wire);
        NameHint {
            standalone: vec![word.clone()],
            owner: Owner::Type(owner.to_string()),
            suffix: word,
            place: Place::Field { owner: owner.to_string(), wire: wire.to_string() },
            explicit: None,
            is_input: false,
        }
    }

    /// The elements of a list or map named by `self`: the singular of a plural name (`filters` →
    /// `Filter`), else the name and `fallback` (`metadata` → `MetadataValue`).
    fn element(&self, fallback: &str) -> Self {
        let element = |name: &str| singular(name).unwrap_or_else(|| format!("{name}{fallback}"));
        let what = if fallback == "Item" { "an item" } else { "a value" };
        NameHint {
            standalone: self.standalone.iter().map(|n| element(n)).collect(),
            owner: self.owner.clone(),
            suffix: element(&self.suffix),
            place: Place::Element { inner: Box::new(self.place.clone()), what },
            explicit: None,
            is_input: false,
        }
    }

    /// A variant of the union with this key.
    fn variant(union: &str, variant: &str) -> Self {
        NameHint {
            standalone: vec![variant.to_string()],
            owner: Owner::Type(union.to_string()),
            suffix: variant.to_string(),
            place: Place::Variant { union: union.to_string(), name: variant.to_string() },
            explicit: None,
            is_input: false,
        }
    }
}

/// Every type with its final name, and what lowering needs to finish the operations.
pub struct Finished {
    /// Sorted by name.
    pub types: Vec<TypeDef>,
    /// The final name of every provisional key.
    pub renames: HashMap<String, String>,
    /// Why a type got a longer name than the rules would give it (the lock kept that one), by name.
    pub notes: BTreeMap<String, String>,
}

pub struct TypeSpace<'a> {
    spec: &'a OpenAPI,
    names: Namespace,
    /// Component schema name → Rust type name.
    components: HashMap<String, String>,
    /// Hints of inline schemas, by the number in their provisional key (`#7`).
    inline: Vec<NameHint>,
    /// Inline schemas being lowered (outer ones of the current one), by address: the spec is borrowed
    /// for the TypeSpace's whole life, so an address names one schema node.
    in_progress: HashMap<*const Schema, String>,
    defs: BTreeMap<String, TypeDef>,
    /// The names recorded by the last generation (empty for a first one).
    lock: NameLock,
    /// The recorded type name of each place (schema pointer, operation pointer, `#` for the client).
    recorded_at: HashMap<String, String>,
    /// Why a type did not get a shorter name the lock keeps for another, by the name it got.
    notes: BTreeMap<String, String>,
    /// Pointer prefixes spelled by what they stand for in places: a list index by what the item is
    /// (`.../oneOf/2` → `.../oneOf[tag stop]`), an operation by its operationId
    /// (`#/operations/get_message`), so places survive an item inserted before them or a new path.
    stable_prefixes: HashMap<String, String>,
}

/// How deeply inline schemas may nest (far beyond any hand-written spec; it keeps the stack bounded).
const MAX_INLINE_DEPTH: usize = 200;

/// The provisional key of an inline schema: not an identifier, so it can never pass for a final name.
fn inline_key(index: usize) -> String {
    format!("#{index}")
}

fn inline_index(key: &str) -> Option<usize> {
    key.strip_prefix('#')?.parse().ok()
}

impl<'a> TypeSpace<'a> {
    /// A TypeSpace keeping the names of `lock` (the last generation's) for what they named.
    pub fn new(spec: &'a OpenAPI, lock: Option<&NameLock>) -> Self {
        let lock = lock.cloned().unwrap_or_default();
        let mut names = Namespace::new();
        let mut recorded_at = HashMap::new();
        let operation_ids: HashSet<&str> = spec.paths.iter().flat_map(|(_, item)| item.as_item()).flat_map(|item| item.iter()).filter_map(|(_, op)| op.operation_id.as_deref()).collect();
        for (name, locked) in &lock.types {
            // A name whose every place is gone is free from the start (an operation moved to
            // another path keeps its builder's and types' names).
            if locked.places.iter().any(|place| place_may_exist(spec, &operation_ids, place)) {
                names.hold(name);
            }
            for place in &locked.places {
                recorded_at.insert(place.clone(), name.clone());
            }
        }
        TypeSpace {
            spec,
            names,
            components: HashMap::new(),
            inline: Vec::new(),
            in_progress: HashMap::new(),
            defs: BTreeMap::new(),
            lock,
            recorded_at,
            notes: BTreeMap::new(),
            stable_prefixes: HashMap::new(),
        }
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.names.is_taken(name)
    }

    /// Claims a unique type name among the names nobody holds (resource handles).
    pub fn claim(&mut self, base: &str) -> String {
        self.names.claim(base)
    }

    /// Claims `name` itself when it is free or only held by the lock (the spec chose it, so it wins
    /// over the lock), else a numbered form.
    pub fn claim_chosen(&mut self, name: &str) -> String {
        if self.names.claim_exact(name) {
            name.to_string()
        } else {
            self.names.claim(name)
        }
    }

    /// Claims the name the lock recorded for `place` while it is free, else `base` (or a numbered
    /// form) among the names nobody holds. Used for component schemas and request builders.
    pub fn claim_for(&mut self, place: &str, base: &str) -> String {
        self.claim_recorded(place).unwrap_or_else(|| self.names.claim(base))
    }

    /// Claims the name the lock recorded for `place`, while it is free.
    pub fn claim_recorded(&mut self, place: &str) -> Option<String> {
        let recorded = self.recorded_at.get(place)?;
        self.names.claim_exact(recorded).then(|| recorded.clone())
    }

    /// Spells the list item at `pointer` (a union member, a parameter) as `stable` in places.
    pub fn name_place(&mut self, pointer: &str, stable: String) {
        self.stable_prefixes.insert(pointer.to_string(), stable);
    }

    /// The place the lock knows `pointer` by: its longest prefix named by [`Self::name_place`]
    /// replaced by that name.
    pub fn stable_place(&self, pointer: &str) -> String {
        let mut end = pointer.len();
        loop {
            if let Some(stable) = self.stable_prefixes.get(&pointer[..end]) {
                return format!("{stable}{}", &pointer[end..]);
            }
            match pointer[..end].rfind('/') {
                Some(slash) => end = slash,
                None => return pointer.to_string(),
            }
        }
    }

    /// The first place of the type the lock keeps `name` for, unless that is `place` itself.
    fn kept_for_other(&self, name: &str, place: &str) -> Option<&str> {
        let places = &self.lock.types.get(name)?.places;
        (!places.iter().any(|p| p == place)).then(|| places.first().map(String::as_str)).flatten()
    }

    /// The member names (fields, enum values, union variants) the lock recorded for the type at `pointer`.
    fn locked_members(&self, pointer: &str, pick: fn(&crate::lock::LockedType) -> &BTreeMap<String, String>) -> BTreeMap<String, String> {
        self.recorded_at.get(&self.stable_place(pointer)).and_then(|name| self.lock.types.get(name)).map(|locked| pick(locked).clone()).unwrap_or_default()
    }

    /// Claims the name an `x-sdk-name` chose for the schema at `pointer`.
    fn claim_explicit(&mut self, name: &str, pointer: &str) -> Result<String, SpecError> {
        if self.names.claim_exact(name) {
            Ok(name.to_string())
        } else {
            Err(SpecError::new(pointer_push(pointer, "x-sdk-name"), format!("`{name}` is already the name of another type; choose another `x-sdk-name`")))
        }
    }

    fn component_schemas(&self) -> impl Iterator<Item = (&'a String, &'a ReferenceOr<Schema>)> {
        self.spec.components.iter().flat_map(|c| c.schemas.iter())
    }

    /// Names and lowers every component schema.
    pub fn lower_components(&mut self) -> Result<(), SpecError> {
        let components: Vec<_> = self.component_schemas().collect();
        for (name, schema) in &components {
            let pointer = pointer_push("#/components/schemas", name);
            let rust = match schema.as_item().and_then(|s| sdk_type_name(&s.schema_data.extensions)) {
                Some(chosen) => self.claim_explicit(&chosen, &pointer)?,
                None => {
                    let base = type_name(name);
                    let rust = self.claim_for(&pointer, &base);
                    if let Some(other) = self.kept_for_other(&base, &pointer).filter(|_| rust != base) {
                        let note = format!(
                            "named `{rust}`, not `{base}`: `{base}` stays the name of the type at `{other}` (recorded in {NAMES_FILE}); to name it otherwise, set `x-sdk-name` on the schema"
                        );
                        self.notes.insert(rust.clone(), note);
                    }
                    rust
                }
            };
            self.components.insert((*name).clone(), rust);
        }
        for (name, schema) in components {
            let pointer = pointer_push("#/components/schemas", name);
            let rust = self.components[name].clone();
            let lowered = self.lower_named(schema.into(), &rust, &pointer)?;
            // A component that lowered to something other than its own definition (a primitive, a list,
            // another type) becomes an alias, so references to it keep a name and its docs.
            if lowered.ty != TypeRef::Named(rust.clone()) {
                let resolved = self.resolve(schema.into(), &pointer)?;
                let mut alias = TypeDef::new(rust.clone(), pointer.clone(), resolved.schema_data.description.clone(), TypeKind::Alias { target: lowered.ty });
                alias.examples = schema_examples(resolved);
                self.defs.insert(rust, alias);
            }
        }
        Ok(())
    }

    /// Follows `$ref`s to the schema they name.
    pub fn resolve(&self, schema: SchemaRef<'a>, pointer: &str) -> Result<&'a Schema, SpecError> {
        let mut current = schema;
        for _ in 0..64 {
            match current {
                SchemaRef::Item(schema) => return Ok(schema),
                SchemaRef::Ref(reference) => current = self.component(reference, pointer)?.into(),
            }
        }
        Err(SpecError::new(pointer, "reference cycle: `$ref`s that only point at each other"))
    }

    fn component(&self, reference: &str, pointer: &str) -> Result<&'a ReferenceOr<Schema>, SpecError> {
        let name = ref_name(reference).ok_or_else(|| {
            SpecError::new(pointer, format!("schema reference {reference:?} must point into #/components/schemas"))
        })?;
        self.spec
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(name))
            .ok_or_else(|| SpecError::new(pointer, format!("unresolvable reference {reference:?}")))
    }

    /// Lowers a schema used in a field, parameter, body or response; inline types are named from `hint`.
    pub fn lower(&mut self, schema: SchemaRef<'a>, hint: NameHint, pointer: &str) -> Result<Lowered, SpecError> {
        match schema {
            SchemaRef::Ref(reference) => {
                let target = self.component(reference, pointer)?;
                let name = ref_name(reference).unwrap_or_default();
                let nullable = self.resolve(target.into(), pointer)?.schema_data.nullable;
                Ok(Lowered { ty: TypeRef::Named(self.components[name].clone()), nullable })
            }
            SchemaRef::Item(schema) => {
                // Merging `allOf` parts copies a component's inline properties; when those lead back
                // to the same inline schema, it is a recursive type, not a new one.
                let identity = schema as *const Schema;
                if let Some(key) = self.in_progress.get(&identity) {
                    return Ok(Lowered { ty: TypeRef::Named(key.clone()), nullable: schema.schema_data.nullable });
                }
                if self.in_progress.len() >= MAX_INLINE_DEPTH {
                    return Err(SpecError::new(pointer, format!("inline schemas nest more than {MAX_INLINE_DEPTH} levels deep")));
                }
                let mut hint = hint;
                if let Some(title) = schema.schema_data.title.as_deref().map(type_word) {
                    hint.standalone.insert(0, title);
                }
                if !hint.is_input {
                    hint.explicit = sdk_type_name(&schema.schema_data.extensions);
                }
                let key = inline_key(self.inline.len());
                self.inline.push(hint);
                self.in_progress.insert(identity, key.clone());
                let lowered = self.lower_named(SchemaRef::Item(schema), &key, pointer);
                self.in_progress.remove(&identity);
                lowered
            }
        }
    }

    /// Lowers a schema whose type (if it needs one) is called `name`, already claimed by the caller;
    /// the type's examples are the schema's own, else those of the part it came from (an `allOf`
    /// or `anyOf` of one schema).
    fn lower_named(&mut self, schema: SchemaRef<'a>, name: &str, pointer: &str) -> Result<Lowered, SpecError> {
        let lowered = self.lower_shape(schema, name, pointer)?;
        if let (SchemaRef::Item(schema), Some(def)) = (schema, self.defs.get_mut(name)) {
            let examples = schema_examples(schema);
            if !examples.is_empty() {
                def.examples = examples;
            }
        }
        Ok(lowered)
    }

    fn lower_shape(&mut self, schema: SchemaRef<'a>, name: &str, pointer: &str) -> Result<Lowered, SpecError> {
        let schema = match schema {
            SchemaRef::Ref(_) => return self.lower(schema, self.hint_of(name), pointer),
            SchemaRef::Item(schema) => schema,
        };
        let nullable = schema.schema_data.nullable || self.has_null_member(schema);
        let description = schema.schema_data.description.clone().or_else(|| schema.schema_data.title.clone());
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<&str> = s.enumeration.iter().flatten().map(String::as_str).collect();
                if !values.is_empty() {
                    self.define_enum(name, description, &values, pointer);
                    TypeRef::Named(name.to_string())
                } else {
                    match &s.format {
                        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
                        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => TypeRef::Binary,
                        _ => TypeRef::String,
                    }
                }
            }
            SchemaKind::Type(Type::Integer(i)) => match &i.format {
                VariantOrUnknownOrEmpty::Unknown(f) if f.starts_with("uint") => TypeRef::UnsignedInteger,
                _ => TypeRef::Integer,
            },
            SchemaKind::Type(Type::Number(_)) => TypeRef::Float,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Boolean,
            SchemaKind::Type(Type::Array(a)) => match &a.items {
                Some(items) => {
                    let item = self.lower(items.into(), self.hint_of(name).element("Item"), &pointer_push(pointer, "items"))?;
                    TypeRef::List(Box::new(item.element()))
                }
                None => TypeRef::List(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(o)) => {
                let props: Vec<(&'a String, SchemaRef<'a>, String)> = o
                    .properties
                    .iter()
                    .map(|(k, v)| (k, v.into(), pointer_push(&pointer_push(pointer, "properties"), k)))
                    .collect();
                self.lower_object(name, description, props, &o.required, o.additional_properties.as_ref(), pointer)?
            }
            SchemaKind::OneOf { one_of } => self.lower_union(name, schema, one_of, "oneOf", pointer)?.unwrap_or(TypeRef::Json),
            SchemaKind::AnyOf { any_of } => self.lower_union(name, schema, any_of, "anyOf", pointer)?.unwrap_or(TypeRef::Json),
            SchemaKind::AllOf { all_of } => return self.lower_all_of(name, schema, all_of, pointer),
            // A component no value is valid by (`Never: false`) is a type with no values, so a
            // field of it can never be filled in; inline, `not` only validates.
            SchemaKind::Not { not } if inline_index(name).is_none() && matches!(not.as_ref(), ReferenceOr::Item(s) if is_annotation_only(s)) => {
                self.defs.insert(name.to_string(), TypeDef::new(name.to_string(), pointer.to_string(), description, TypeKind::Never));
                TypeRef::Named(name.to_string())
            }
            SchemaKind::Not { .. } => TypeRef::Json,
            SchemaKind::Any(any) => return self.lower_any(name, schema, any, pointer),
        };
        Ok(Lowered { ty, nullable })
    }

    fn define_enum(&mut self, name: &str, description: Option<String>, values: &[&str], pointer: &str) {
        // A value listed twice is one variant, not two with one unreachable.
        let mut seen = HashSet::new();
        let values: Vec<&str> = values.iter().copied().filter(|value| seen.insert(*value)).collect();
        let members: Vec<(String, String)> = values
            .iter()
            .map(|wire| {
                let base = variant_name(wire);
                (wire.to_string(), if base == "Unknown" { "UnknownValue".to_string() } else { base })
            })
            .collect();
        let rust_names = name_members(Namespace::with_reserved(&["Unknown"]), &members, &self.locked_members(pointer, |l| &l.values));
        let values = values
            .iter()
            .zip(rust_names)
            .map(|(wire, rust_name)| EnumValue { rust_name, wire: wire.to_string(), description: None })
            .collect();
        self.defs.insert(name.to_string(), TypeDef::new(name.to_string(), pointer.to_string(), description, TypeKind::Enum { values }));
    }

    fn lower_object(
        &mut self,
        name: &str,
        description: Option<String>,
        props: Vec<(&'a String, SchemaRef<'a>, String)>,
        required: &[String],
        additional: Option<&'a AdditionalProperties>,
        pointer: &str,
    ) -> Result<TypeRef, SpecError> {
        if props.is_empty() {
            return Ok(match additional {
                Some(AdditionalProperties::Schema(value)) => {
                    let value = self.lower(value.as_ref().into(), self.hint_of(name).element("Value"), &pointer_push(pointer, "additionalProperties"))?;
                    TypeRef::Map(Box::new(value.ty))
                }
                _ => TypeRef::JsonObject,
            });
        }
        let members: Vec<(String, String)> = props.iter().map(|(wire, _, _)| ((*wire).clone(), snake_name(wire))).collect();
        let mut field_names = name_members(Namespace::new(), &members, &self.locked_members(pointer, |l| &l.fields)).into_iter();
        let mut fields = Vec::with_capacity(props.len());
        for (wire, schema, prop_pointer) in props {
            let lowered = self.lower(schema, NameHint::property(name, wire), &prop_pointer)?;
            let field_description = match schema {
                SchemaRef::Item(s) => s.schema_data.description.clone().or_else(|| s.schema_data.title.clone()).or_else(|| annotated_description(s)),
                SchemaRef::Ref(_) => None,
            };
            // Not repeated where the field's type is made from the same schema and shows them.
            let examples = match schema {
                SchemaRef::Item(s) => schema_examples(s),
                SchemaRef::Ref(_) => Vec::new(),
            };
            let shown_by_type = matches!(&lowered.ty, TypeRef::Named(key) if inline_index(key).is_some() && self.defs.get(key).is_some_and(|d| d.examples == examples));
            fields.push(Field {
                rust_name: field_names.next().unwrap_or_default(),
                wire_name: wire.clone(),
                required: required.contains(wire) && !lowered.nullable,
                nullable_required: required.contains(wire) && lowered.nullable,
                ty: lowered.ty,
                boxed: false,
                description: field_description,
                examples: if shown_by_type { Vec::new() } else { examples },
                pointer: prop_pointer.clone(),
            });
        }
        self.defs.insert(name.to_string(), TypeDef::new(name.to_string(), pointer.to_string(), description, TypeKind::Struct { fields }));
        Ok(TypeRef::Named(name.to_string()))
    }

    /// `allOf`: one part is a plain alias of it; otherwise the parts' properties are merged into a struct.
    fn lower_all_of(
        &mut self,
        name: &str,
        schema: &'a Schema,
        parts: &'a [ReferenceOr<Schema>],
        pointer: &str,
    ) -> Result<Lowered, SpecError> {
        let nullable = schema.schema_data.nullable;
        // Parts that only annotate (`{description: ...}`, `{nullable: true}`) add no shape: with one
        // real part left, `allOf` is that part (AWS wraps every `$ref` so, recursive ones too).
        let mut shaped = parts.iter().enumerate().filter(|(_, part)| !matches!(part, ReferenceOr::Item(s) if is_annotation_only(s)));
        if let (Some((index, single)), None) = (shaped.next(), shaped.next()) {
            let annotated_nullable = parts.iter().any(|part| matches!(part, ReferenceOr::Item(s) if s.schema_data.nullable));
            let lowered = self.lower_named(single.into(), name, &pointer_push(&pointer_push(pointer, "allOf"), &index.to_string()))?;
            return Ok(Lowered { ty: lowered.ty, nullable: nullable || annotated_nullable || lowered.nullable });
        }
        let mut props = IndexMap::new();
        let mut required = Vec::new();
        let mut additional = None;
        for (i, part) in parts.iter().enumerate() {
            let part_pointer = pointer_push(&pointer_push(pointer, "allOf"), &i.to_string());
            if !self.collect_properties(part.into(), &part_pointer, &mut props, &mut required, &mut additional)? {
                // Not an object: there is no sound merge, so accept any JSON.
                return Ok(Lowered { ty: TypeRef::Json, nullable });
            }
        }
        let description = schema.schema_data.description.clone().or_else(|| schema.schema_data.title.clone());
        let props = props.into_iter().map(|(k, (s, p))| (k, s, p)).collect();
        let ty = self.lower_object(name, description, props, &required, additional, pointer)?;
        Ok(Lowered { ty, nullable })
    }

    /// Gathers an object schema's properties (through refs and nested allOf); false when it is no object.
    #[allow(clippy::type_complexity)]
    pub fn collect_properties(
        &self,
        schema: SchemaRef<'a>,
        pointer: &str,
        props: &mut IndexMap<&'a String, (SchemaRef<'a>, String)>,
        required: &mut Vec<String>,
        additional: &mut Option<&'a AdditionalProperties>,
    ) -> Result<bool, SpecError> {
        // The pointer grows by one `allOf` step per level, so a cycle of `allOf` references ends here.
        if pointer.matches("/allOf/").count() > MAX_INLINE_DEPTH {
            let mut steps = pointer.splitn(3, "/allOf/");
            let start = format!("{}/allOf/{}", steps.next().unwrap_or_default(), steps.next().unwrap_or_default());
            return Err(SpecError::new(start, "`allOf` parts refer back to the schema itself (a cycle of `allOf` references)"));
        }
        let schema = self.resolve(schema, pointer)?;
        let (properties, req, extra) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (&o.properties, &o.required, o.additional_properties.as_ref()),
            SchemaKind::Any(a) if a.typ.as_deref().is_none_or(|t| t == "object") && a.one_of.is_empty() && a.any_of.is_empty() => {
                for (i, part) in a.all_of.iter().enumerate() {
                    let p = pointer_push(&pointer_push(pointer, "allOf"), &i.to_string());
                    if !self.collect_properties(part.into(), &p, props, required, additional)? {
                        return Ok(false);
                    }
                }
                (&a.properties, &a.required, a.additional_properties.as_ref())
            }
            SchemaKind::AllOf { all_of } => {
                for (i, part) in all_of.iter().enumerate() {
                    let p = pointer_push(&pointer_push(pointer, "allOf"), &i.to_string());
                    if !self.collect_properties(part.into(), &p, props, required, additional)? {
                        return Ok(false);
                    }
                }
                return Ok(true);
            }
            _ => return Ok(false),
        };
        for (k, v) in properties {
            props.insert(k, (v.into(), pointer_push(&pointer_push(pointer, "properties"), k)));
        }
        required.extend(req.iter().cloned());
        if extra.is_some() {
            *additional = extra;
        }
        Ok(true)
    }

    /// Schemas openapiv3 could not classify: mixed keywords, or no `type` at all.
    fn lower_any(&mut self, name: &str, schema: &'a Schema, any: &'a AnySchema, pointer: &str) -> Result<Lowered, SpecError> {
        let nullable = schema.schema_data.nullable || self.has_null_member(schema);
        let description = schema.schema_data.description.clone().or_else(|| schema.schema_data.title.clone());
        let ty = if let Some(keyword) = schema.schema_data.extensions.get(crate::load::TUPLE).and_then(Value::as_str) {
            self.lower_tuple(name, description, any, keyword, pointer)?
        } else if !any.one_of.is_empty() {
            self.lower_union(name, schema, &any.one_of, "oneOf", pointer)?.unwrap_or(TypeRef::Json)
        } else if !any.any_of.is_empty() {
            self.lower_union(name, schema, &any.any_of, "anyOf", pointer)?.unwrap_or(TypeRef::Json)
        } else if !any.all_of.is_empty() {
            let mut props = IndexMap::new();
            let mut required = Vec::new();
            let mut additional = None;
            if self.collect_properties(SchemaRef::Item(schema), pointer, &mut props, &mut required, &mut additional)? {
                let props = props.into_iter().map(|(k, (s, p))| (k, s, p)).collect();
                self.lower_object(name, description, props, &required, additional, pointer)?
            } else {
                TypeRef::Json
            }
        } else if !any.properties.is_empty() || any.typ.as_deref() == Some("object") {
            let props = any
                .properties
                .iter()
                .map(|(k, v)| (k, v.into(), pointer_push(&pointer_push(pointer, "properties"), k)))
                .collect();
            self.lower_object(name, description, props, &any.required, any.additional_properties.as_ref(), pointer)?
        } else if any.typ.as_deref() == Some("array") || any.items.is_some() {
            match &any.items {
                Some(items) => TypeRef::List(Box::new(self.lower(items.into(), self.hint_of(name).element("Item"), &pointer_push(pointer, "items"))?.element())),
                None => TypeRef::List(Box::new(TypeRef::Json)),
            }
        } else if !any.enumeration.is_empty() && any.enumeration.iter().all(|v| v.is_string() || v.is_null()) {
            let values: Vec<&str> = any.enumeration.iter().filter_map(|v| v.as_str()).collect();
            self.define_enum(name, description, &values, pointer);
            TypeRef::Named(name.to_string())
        } else {
            match any.typ.as_deref() {
                Some("string") if any.format.as_deref() == Some("date-time") => TypeRef::DateTime,
                Some("string") if any.format.as_deref() == Some("binary") => TypeRef::Binary,
                Some("string") => TypeRef::String,
                Some("integer") => TypeRef::Integer,
                Some("number") => TypeRef::Float,
                Some("boolean") => TypeRef::Boolean,
                _ => TypeRef::Json,
            }
        };
        Ok(Lowered { ty, nullable })
    }

    /// A tuple (see [`crate::load::TUPLE`]), its elements under `keyword`: a Rust tuple, or with
    /// items of a type after the elements (`items` beside `prefixItems`, draft 4's
    /// `additionalItems`), a type holding both. Rust implements `Debug` and `PartialEq` for tuples of
    /// at most 12 elements, so a longer one is a list of any JSON values.
    fn lower_tuple(&mut self, name: &str, description: Option<String>, any: &'a AnySchema, keyword: &str, pointer: &str) -> Result<TypeRef, SpecError> {
        const MAX_ELEMENTS: usize = 12;
        if any.all_of.len() > MAX_ELEMENTS {
            return Ok(TypeRef::List(Box::new(TypeRef::Json)));
        }
        let mut elements = Vec::with_capacity(any.all_of.len());
        for (i, element) in any.all_of.iter().enumerate() {
            let element_pointer = pointer_push(&pointer_push(pointer, keyword), &i.to_string());
            elements.push(self.lower(element.into(), self.hint_of(name).element("Item"), &element_pointer)?.element());
        }
        let Some(rest) = &any.items else { return Ok(TypeRef::Tuple(elements)) };
        let rest_pointer = pointer_push(pointer, if keyword == "items" { "additionalItems" } else { "items" });
        let rest = self.lower(rest.into(), self.hint_of(name).element("Item"), &rest_pointer)?.element();
        self.defs.insert(name.to_string(), TypeDef::new(name.to_string(), pointer.to_string(), description, TypeKind::Tuple { elements, rest }));
        Ok(TypeRef::Named(name.to_string()))
    }

    /// A `oneOf`/`anyOf` with a `null` member (pydantic's `Optional[X]`: `anyOf: [X, {type: null}]`)
    /// allows `null` as `nullable` does.
    fn has_null_member(&self, schema: &'a Schema) -> bool {
        let members = match &schema.schema_kind {
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => members,
            SchemaKind::Any(any) if !any.one_of.is_empty() => &any.one_of,
            SchemaKind::Any(any) => &any.any_of,
            _ => return false,
        };
        members.iter().any(|member| self.resolve(member.into(), "#").is_ok_and(is_null_schema))
    }

    /// `oneOf`/`anyOf`. Returns `None` when every variant is `null` (any JSON then). A single non-null
    /// variant is that variant's type; otherwise a union type named `name`.
    fn lower_union(
        &mut self,
        name: &str,
        schema: &'a Schema,
        members: &'a [ReferenceOr<Schema>],
        keyword: &str,
        pointer: &str,
    ) -> Result<Option<TypeRef>, SpecError> {
        let mut candidates = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let member_pointer = pointer_push(&pointer_push(pointer, keyword), &i.to_string());
            let resolved = self.resolve(member.into(), &member_pointer)?;
            if is_null_schema(resolved) {
                continue;
            }
            candidates.push((member, member_pointer));
        }
        match candidates.as_slice() {
            [] => return Ok(None),
            [(only, p)] => return Ok(Some(self.lower_named((*only).into(), name, p)?.ty)),
            _ => {}
        }
        let mut discriminator = schema.schema_data.discriminator.as_ref();
        let mut variants = Vec::with_capacity(candidates.len());
        let shapes: Vec<&Schema> = candidates.iter().map(|(m, p)| self.resolve((*m).into(), p)).collect::<Result<_, _>>()?;
        let mut all_tags = Vec::with_capacity(candidates.len());
        for (member, member_pointer) in &candidates {
            all_tags.push(match discriminator {
                Some(d) => self.discriminator_tags((*member).into(), &d.property_name, &d.mapping, member_pointer)?,
                None => Vec::new(),
            });
        }
        // A tag selects the first variant that claims it, as a server's lookup would.
        let mut claimed = HashSet::new();
        for tags in &mut all_tags {
            tags.retain(|tag| claimed.insert(tag.clone()));
        }
        // A discriminator only helps when it selects every variant; otherwise decode untagged.
        if all_tags.iter().any(Vec::is_empty) {
            discriminator = None;
            all_tags.iter_mut().for_each(Vec::clear);
        }
        // Each variant's key (what selects it) and the name the rules give it.
        let mut members = Vec::with_capacity(candidates.len());
        for (i, ((member, _), tags)) in candidates.iter().zip(&all_tags).enumerate() {
            members.push(match (tags.first(), member) {
                (Some(tag), _) => (format!("tag {tag}"), variant_name(tag)),
                (None, ReferenceOr::Reference { reference }) => {
                    let target = ref_name(reference).unwrap_or("Variant");
                    (format!("ref {target}"), variant_name(target))
                }
                (None, ReferenceOr::Item(s)) => match &s.schema_data.title {
                    Some(title) => (format!("title {title}"), variant_name(title)),
                    None => (format!("kind {}", kind_key(shapes[i])), kind_variant_name(shapes[i], i, &shapes)),
                },
            });
        }
        let rust_names = name_members(Namespace::with_reserved(&["Unknown"]), &members, &self.locked_members(pointer, |l| &l.variants));
        for (((member, member_pointer), tags), ((key, _), variant_name)) in candidates.into_iter().zip(all_tags).zip(members.into_iter().zip(rust_names)) {
            let stable = format!("{}/{keyword}[{key}]", self.stable_place(pointer));
            self.name_place(&member_pointer, stable);
            let lowered = self.lower(member.into(), NameHint::variant(name, &variant_name), &member_pointer)?;
            variants.push(Variant { rust_name: variant_name, key, ty: lowered.ty, tags, boxed: false });
        }
        let description = schema.schema_data.description.clone().or_else(|| schema.schema_data.title.clone());
        let discriminator = discriminator.map(|d| d.property_name.clone());
        self.defs.insert(name.to_string(), TypeDef::new(name.to_string(), pointer.to_string(), description, TypeKind::Union { variants, discriminator }));
        Ok(Some(TypeRef::Named(name.to_string())))
    }

    /// The tag values that select a variant: the discriminator mapping's keys for it, else the single
    /// value its tag property allows (a one-value `enum`, also a nullable one, or a `const`, which
    /// loading turns into one), as a server derives it; else (per the OpenAPI rules) its component name.
    fn discriminator_tags(
        &self,
        member: SchemaRef<'a>,
        property: &str,
        mapping: &IndexMap<String, String>,
        pointer: &str,
    ) -> Result<Vec<String>, SpecError> {
        if let SchemaRef::Ref(reference) = member {
            let mapped: Vec<String> = mapping
                .iter()
                .filter(|(_, target)| target.as_str() == reference || ref_name(reference) == Some(target.as_str()))
                .map(|(tag, _)| tag.clone())
                .collect();
            if !mapped.is_empty() {
                return Ok(mapped);
            }
        }
        let mut props = IndexMap::new();
        let (mut required, mut additional) = (Vec::new(), None);
        self.collect_properties(member, pointer, &mut props, &mut required, &mut additional)?;
        if let Some((tag_schema, tag_pointer)) = props.get(&property.to_string()) {
            if let SchemaKind::Type(Type::String(s)) = &self.resolve(*tag_schema, tag_pointer)?.schema_kind {
                // One value, also when `null` is allowed beside it (`enum: [cat, null]`).
                let values: Vec<&String> = s.enumeration.iter().flatten().collect();
                if let [value] = values.as_slice() {
                    return Ok(vec![(*value).clone()]);
                }
            }
        }
        match member {
            SchemaRef::Ref(reference) => Ok(vec![ref_name(reference).unwrap_or_default().to_string()]),
            // No value selects this inline variant: the union decodes untagged instead.
            SchemaRef::Item(_) => Ok(Vec::new()),
        }
    }

    /// The fields of a struct type lowered so far.
    pub fn struct_fields(&self, name: &str) -> Option<&[Field]> {
        match &self.defs.get(name)?.kind {
            TypeKind::Struct { fields } => Some(fields),
            _ => None,
        }
    }

    /// The naming hint of a type key; a component's own name for components.
    fn hint_of(&self, key: &str) -> NameHint {
        match inline_index(key) {
            Some(index) => self.inline[index].clone(),
            None => NameHint {
                standalone: vec![key.to_string()],
                owner: Owner::Fixed(key.to_string()),
                suffix: String::new(),
                place: Place::Text(format!("[`{key}`](crate::types::{key})")),
                explicit: None,
                is_input: false,
            },
        }
    }

    /// All named types, sorted by name, with fields on recursive cycles boxed; and the final name of
    /// every provisional key (for the references lowering handed out).
    ///
    /// Identical inline shapes become one type first, so a shape used in several places competes for
    /// a name once. Then each inline type takes its first standalone name that no other type wants and
    /// no type already has; the rest, parents before children, take their owner's final name joined to
    /// their own (`FilterOperator`), numbered only if even that is taken. With a name lock, names the
    /// spec chose come first, then recorded names go back to their shapes, and only then do the
    /// newcomers take theirs.
    pub fn finish(mut self) -> Result<Finished, SpecError> {
        let is_component = |key: &str| inline_index(key).is_none();
        let representative = identical_shapes(&self.defs, is_component, |key| inline_index(key).unwrap_or(usize::MAX));
        let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (key, rep) in &representative {
            if let (Some(member), Some(rep)) = (inline_index(key), inline_index(rep)) {
                members.entry(rep).or_default().push(member);
            }
        }
        for list in members.values_mut() {
            list.sort_unstable();
        }
        let places: HashMap<usize, String> =
            members.values().flatten().map(|&m| (m, self.stable_place(&self.defs[&inline_key(m)].pointer))).collect();
        let place = |member: usize| places[&member].as_str();

        // Names the spec chose (`x-sdk-name`) win over the lock and the rules.
        let mut final_names: HashMap<usize, String> = HashMap::new();
        for (&rep, list) in &members {
            if let Some(&member) = list.iter().find(|&&m| self.inline[m].explicit.is_some()) {
                let chosen = self.inline[member].explicit.clone().unwrap_or_default();
                let pointer = self.defs[&inline_key(member)].pointer.clone();
                let name = self.claim_explicit(&chosen, &pointer)?;
                final_names.insert(rep, name);
            }
        }
        // Recorded names go back to what they named: the shape holding most of a name's recorded
        // places, one that kept its recorded shape first (so when a shared shape splits, the places
        // that kept it keep the name).
        let mut offers: Vec<(bool, usize, &str, usize)> = Vec::new();
        for (&rep, list) in members.iter().filter(|(rep, _)| !final_names.contains_key(rep)) {
            let mut overlap: BTreeMap<&str, usize> = BTreeMap::new();
            for &member in list {
                if let Some(name) = self.recorded_at.get(place(member)) {
                    *overlap.entry(name.as_str()).or_default() += 1;
                }
            }
            let shape = shape_digest(&self.defs[&inline_key(rep)].kind);
            for (name, count) in overlap {
                offers.push((self.lock.types.get(name).is_some_and(|l| l.shape == shape), count, name, rep));
            }
        }
        offers.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)).then(a.3.cmp(&b.3)));
        let mut kept: HashSet<String> = HashSet::new();
        for (_, _, name, rep) in offers {
            if !final_names.contains_key(&rep) && self.names.claim_exact(name) {
                final_names.insert(rep, name.to_string());
                kept.insert(name.to_string());
            }
        }
        // What is still held has no owner any more (it is gone, or was named otherwise).
        self.names.release_held();

        // Standalone names, where exactly one type wants them. A shape used in several places may only
        // take a name every place gives it: `Gt` would misname the value of `eq`.
        let wanted: BTreeMap<usize, Vec<String>> = members
            .iter()
            .filter(|(rep, _)| !final_names.contains_key(rep))
            .map(|(&rep, list)| {
                let names = self.inline[list[0]]
                    .standalone
                    .iter()
                    .filter(|n| stands_alone(n))
                    .filter(|n| list.iter().all(|&m| self.inline[m].standalone.contains(n)))
                    .cloned()
                    .collect();
                (rep, names)
            })
            .collect();
        let candidates: BTreeMap<usize, Vec<&String>> =
            wanted.iter().map(|(&rep, names)| (rep, names.iter().filter(|n| !self.names.is_taken(n)).collect())).collect();
        let mut demand: HashMap<&str, usize> = HashMap::new();
        for names in candidates.values() {
            for name in names {
                *demand.entry(name).or_default() += 1;
            }
        }
        for (&rep, names) in &candidates {
            if let Some(name) = names.iter().find(|n| demand[n.as_str()] == 1) {
                final_names.insert(rep, self.names.claim(name));
            }
        }
        // The rest: qualified by their owner, whose key is always older than theirs, so in key order
        // every owner is named before the types it owns.
        // A shape used in several places takes the words their names end in alike (`permission_info`
        // and `resource_info` values → `InfoValue`), else the first place's.
        for (&rep, list) in &members {
            if !final_names.contains_key(&rep) {
                let hint = &self.inline[rep];
                let owner = self.owner_name(&hint.owner, &representative, &final_names);
                let suffixes: Vec<&str> = list.iter().map(|&m| self.inline[m].suffix.as_str()).collect();
                let shared = common_word_suffix(&suffixes);
                let suffix = if shared.is_empty() { hint.suffix.as_str() } else { shared };
                let name = self.names.claim(&join_type_names(&owner, suffix));
                final_names.insert(rep, name);
            }
        }
        // A newcomer whose first choice the lock kept for a recorded type says so.
        for (rep, names) in &wanted {
            if let Some(first) = names.first().filter(|n| kept.contains(*n)) {
                let name = &final_names[rep];
                if name != first {
                    if let Some(other) = self.kept_for_other(first, place(*rep)) {
                        let note = format!("named `{name}`, not `{first}`: `{first}` stays the name of the type at `{other}` (recorded in {NAMES_FILE})");
                        self.notes.insert(name.clone(), note);
                    }
                }
            }
        }

        let renames: HashMap<String, String> = representative
            .iter()
            .filter(|(key, _)| !is_component(key))
            .map(|(key, rep)| {
                let name = inline_index(rep).map_or_else(|| rep.clone(), |index| final_names[&index].clone());
                (key.clone(), name)
            })
            .collect();
        let mut merged: BTreeMap<String, TypeDef> = BTreeMap::new();
        let mut by_key: Vec<(String, TypeDef)> = std::mem::take(&mut self.defs).into_iter().collect();
        // Members of a shape in the order they were met, so docs list its places in spec order.
        by_key.sort_by_key(|(key, _)| inline_index(key).unwrap_or(usize::MAX));
        for (key, mut def) in by_key {
            def.places = def.places.iter().map(|p| self.stable_place(p)).collect();
            if let Some(place) = inline_index(&key).and_then(|i| self.render_place(&self.inline[i].place, &renames)) {
                def.used_in.push(place);
            }
            let name = renames.get(&key).cloned().unwrap_or(key);
            def.name.clone_from(&name);
            rename_refs(&mut def.kind, &renames);
            match merged.get_mut(&name) {
                Some(existing) => fill_missing_docs(existing, def),
                None => {
                    merged.insert(name, def);
                }
            }
        }
        let mut defs: Vec<TypeDef> = merged.into_values().collect();
        break_alias_cycles(&mut defs)?;
        box_recursive_fields(&mut defs);
        Ok(Finished { types: defs, renames, notes: self.notes })
    }

    /// A place in words, with links to the types involved.
    fn render_place(&self, place: &Place, renames: &HashMap<String, String>) -> Option<String> {
        let link = |key: &str| {
            let name = renames.get(key).map_or(key, String::as_str);
            format!("[`{name}`](crate::types::{name})")
        };
        match place {
            Place::Unknown => None,
            Place::Text(text) => Some(text.clone()),
            Place::Field { owner, wire } => Some(format!("the `{wire}` field of {}", link(owner))),
            Place::Element { inner, what } => self.render_place(inner, renames).map(|inner| format!("{what} of {inner}")),
            Place::Variant { union, name } => Some(format!("the `{name}` variant of {}", link(union))),
        }
    }

    /// The final name of a hint's owner (an owner that is no type itself, such as a list, is named by
    /// its own hint).
    fn owner_name(&self, owner: &Owner, representative: &BTreeMap<String, String>, final_names: &HashMap<usize, String>) -> String {
        match owner {
            Owner::Fixed(name) => name.clone(),
            Owner::Type(key) => {
                let rep = representative.get(key).unwrap_or(key);
                match inline_index(rep) {
                    None => rep.clone(),
                    Some(index) => match final_names.get(&index) {
                        Some(name) => name.clone(),
                        None => {
                            let hint = &self.inline[index];
                            join_type_names(&self.owner_name(&hint.owner, representative, final_names), &hint.suffix)
                        }
                    },
                }
            }
        }
    }
}

/// Whether the spec may still have what `place` (a recorded place) names: false when its operation or
/// component is gone; deeper places are only known once every schema is lowered.
fn place_may_exist(spec: &OpenAPI, operation_ids: &HashSet<&str>, place: &str) -> bool {
    let steps: Vec<String> = place.strip_prefix("#/").unwrap_or_default().split('/').take(3).map(pointer_token).collect();
    match steps.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["paths", path, rest @ ..] => match spec.paths.paths.get(*path) {
            Some(ReferenceOr::Item(item)) => rest.first().is_none_or(|method| item.iter().any(|(m, _)| m == *method)),
            Some(ReferenceOr::Reference { .. }) => true,
            None => false,
        },
        ["components", "schemas", name] => spec.components.as_ref().is_some_and(|c| c.schemas.contains_key(*name)),
        ["operations", id, ..] => operation_ids.contains(id),
        _ => true,
    }
}

/// `x-sdk-name` on a schema: the name of its type.
fn sdk_type_name(extensions: &IndexMap<String, Value>) -> Option<String> {
    extensions.get("x-sdk-name").and_then(Value::as_str).filter(|s| !s.is_empty()).map(type_name)
}

/// Names the members of one type (fields, enum values or union variants), given as (key, the name
/// the rules give it) in order: members the lock recorded keep their names, then the others claim
/// theirs in order, passing the recorded names by.
fn name_members(mut names: Namespace, members: &[(String, String)], locked: &BTreeMap<String, String>) -> Vec<String> {
    locked.values().for_each(|name| names.hold(name));
    let kept: Vec<Option<String>> = members.iter().map(|(key, _)| locked.get(key).filter(|name| names.claim_exact(name)).cloned()).collect();
    // Names recorded for members that are gone are free again.
    names.release_held();
    kept.into_iter().zip(members).map(|(kept, (_, base))| kept.unwrap_or_else(|| names.claim(base))).collect()
}

/// What an inline union variant without a tag or title is, for the name lock: its JSON type, and
/// an object's property names.
fn kind_key(schema: &Schema) -> String {
    let properties = |props: &IndexMap<String, ReferenceOr<Box<Schema>>>| {
        let mut names: Vec<&str> = props.keys().map(String::as_str).collect();
        names.sort_unstable();
        names.join(",")
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => "binary".into(),
        SchemaKind::Type(Type::String(_)) => "string".into(),
        SchemaKind::Type(Type::Integer(_)) => "integer".into(),
        SchemaKind::Type(Type::Number(_)) => "number".into(),
        SchemaKind::Type(Type::Boolean(_)) => "boolean".into(),
        SchemaKind::Type(Type::Array(_)) => "array".into(),
        SchemaKind::Type(Type::Object(o)) => format!("object {}", properties(&o.properties)),
        SchemaKind::Any(a) if !a.properties.is_empty() => format!("object {}", properties(&a.properties)),
        _ => "any".into(),
    }
}

/// The longest run of whole `UpperCamelCase` words every name ends with (`PermissionInfoValue`,
/// `ResourceInfoValue` → `InfoValue`).
fn common_word_suffix<'n>(names: &[&'n str]) -> &'n str {
    let Some((first, rest)) = names.split_first() else { return "" };
    let mut start = first.len();
    // Word starts of `first`, from the last word back (a suffix starting at a capital is whole words
    // of every name that ends with it).
    for (i, c) in first.char_indices().rev() {
        if c.is_ascii_uppercase() {
            if rest.iter().all(|n| n.ends_with(&first[i..])) {
                start = i;
            } else {
                break;
            }
        }
    }
    &first[start..]
}

fn rename_refs(kind: &mut TypeKind, renames: &HashMap<String, String>) {
    match kind {
        TypeKind::Struct { fields } => fields.iter_mut().for_each(|f| f.ty.rename(renames)),
        TypeKind::Union { variants, .. } => variants.iter_mut().for_each(|v| v.ty.rename(renames)),
        TypeKind::Alias { target } => target.rename(renames),
        TypeKind::Enum { .. } | TypeKind::Never => {}
        TypeKind::Tuple { elements, rest } => elements.iter_mut().chain([rest]).for_each(|ty| ty.rename(renames)),
    }
}

/// Merges a duplicate shape into the type that stands for it: docs the first one lacks come from the
/// duplicate (the shapes are identical, so fields and values match by wire name).
fn fill_missing_docs(existing: &mut TypeDef, duplicate: TypeDef) {
    if existing.description.is_none() {
        existing.description = duplicate.description;
    }
    if existing.examples.is_empty() {
        existing.examples = duplicate.examples;
    }
    existing.used_in.extend(duplicate.used_in);
    existing.places.extend(duplicate.places);
    match (&mut existing.kind, duplicate.kind) {
        (TypeKind::Struct { fields }, TypeKind::Struct { fields: others }) => {
            for other in others {
                if let Some(field) = fields.iter_mut().find(|f| f.wire_name == other.wire_name) {
                    if field.description.is_none() {
                        field.description = other.description;
                    }
                    if field.examples.is_empty() {
                        field.examples = other.examples;
                    }
                }
            }
        }
        (TypeKind::Enum { values }, TypeKind::Enum { values: others }) => {
            for other in others {
                if let Some(value) = values.iter_mut().find(|v| v.wire == other.wire && v.description.is_none()) {
                    value.description = other.description;
                }
            }
        }
        _ => {}
    }
}

/// A schema's `examples` (kept by loading), else its `example`.
fn schema_examples(schema: &Schema) -> Vec<Value> {
    match schema.schema_data.extensions.get(crate::load::EXAMPLES) {
        Some(Value::Array(all)) => all.clone(),
        _ => schema.schema_data.example.iter().cloned().collect(),
    }
}

/// A schema with no shape of its own: only annotations such as `description`, `nullable` or `example`.
fn is_annotation_only(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Any(a) if a.typ.is_none() && a.properties.is_empty() && a.one_of.is_empty()
        && a.all_of.is_empty() && a.any_of.is_empty() && a.items.is_none() && a.enumeration.is_empty()
        && a.additional_properties.is_none() && a.format.is_none() && a.not.is_none())
}

/// The description an `allOf` wrapper carries in an annotation-only part (`allOf: [$ref, {description}]`).
fn annotated_description(schema: &Schema) -> Option<String> {
    let parts = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(a) => &a.all_of,
        _ => return None,
    };
    parts.iter().find_map(|part| match part {
        ReferenceOr::Item(s) if is_annotation_only(s) => s.schema_data.description.clone(),
        _ => None,
    })
}

fn is_null_schema(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Any(a) if a.typ.is_none() && a.properties.is_empty() && a.one_of.is_empty()
        && a.all_of.is_empty() && a.any_of.is_empty() && a.items.is_none() && a.enumeration.is_empty())
        && schema.schema_data.nullable
}

/// A variant name from what the variant is: its JSON type, or for one of several objects the first
/// property no other variant has (`{and: [...]}` → `And`).
fn kind_variant_name(schema: &Schema, index: usize, all: &[&Schema]) -> String {
    let properties = |s: &Schema| -> Vec<String> {
        match &s.schema_kind {
            SchemaKind::Type(Type::Object(o)) => o.properties.keys().cloned().collect(),
            SchemaKind::Any(a) => a.properties.keys().cloned().collect(),
            _ => Vec::new(),
        }
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => "Enum".into(),
        SchemaKind::Type(Type::String(s)) if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => "Binary".into(),
        SchemaKind::Type(Type::String(_)) => "String".into(),
        SchemaKind::Type(Type::Integer(_)) => "Integer".into(),
        SchemaKind::Type(Type::Number(_)) => "Number".into(),
        SchemaKind::Type(Type::Boolean(_)) => "Boolean".into(),
        SchemaKind::Type(Type::Array(_)) => "List".into(),
        SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => "Map".into(),
        _ if all.iter().filter(|s| !properties(s).is_empty()).count() < 2 => "Object".into(),
        _ => {
            let own = properties(schema);
            let others: HashSet<String> = all.iter().enumerate().filter(|(i, _)| *i != index).flat_map(|(_, s)| properties(s)).collect();
            match own.iter().find(|p| !others.contains(*p)) {
                Some(distinct) => variant_name(distinct),
                None => "Object".into(),
            }
        }
    }
}

/// Boxes every struct field and union variant whose type can reach back to its container without passing
/// through a `Vec` or map (which already allocate): those are the edges inside a strongly connected
/// component of the "contains inline" graph.
fn box_recursive_fields(defs: &mut [TypeDef]) {
    let index: HashMap<String, usize> = defs.iter().enumerate().map(|(i, d)| (d.name.clone(), i)).collect();
    let edges: Vec<Vec<usize>> = defs
        .iter()
        .map(|d| {
            let targets: Vec<&TypeRef> = match &d.kind {
                TypeKind::Struct { fields } => fields.iter().map(|f| &f.ty).collect(),
                TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
                TypeKind::Alias { target } => vec![target],
                TypeKind::Enum { .. } | TypeKind::Never => vec![],
                // Its rest is a `Vec`, which allocates already.
                TypeKind::Tuple { elements, .. } => elements.iter().collect(),
            };
            targets.into_iter().filter_map(|t| inline_named(t).and_then(|n| index.get(n).copied())).collect()
        })
        .collect();
    let component = strongly_connected_components(&edges);
    for (i, def) in defs.iter_mut().enumerate() {
        let recursive = |ty: &TypeRef| inline_named(ty).and_then(|n| index.get(n)).is_some_and(|&j| component[j] == component[i]);
        match &mut def.kind {
            TypeKind::Struct { fields } => fields.iter_mut().for_each(|f| f.boxed = recursive(&f.ty)),
            TypeKind::Union { variants, .. } => variants.iter_mut().for_each(|v| v.boxed = recursive(&v.ty)),
            _ => {}
        }
    }
}

/// A Rust type alias cannot contain itself. Aliases that only name each other (`A: {$ref: B}`,
/// `B: {$ref: A}`) describe no value at all: an error. One that reaches itself through a list or
/// map (`Tree: {additionalProperties: {$ref: Tree}}`) holds any JSON value where it recurses.
fn break_alias_cycles(defs: &mut [TypeDef]) -> Result<(), SpecError> {
    let index: HashMap<String, usize> = defs.iter().enumerate().map(|(i, d)| (d.name.clone(), i)).collect();
    let alias_target = |d: &TypeDef| match &d.kind {
        TypeKind::Alias { target } => Some(target.clone()),
        _ => None,
    };
    let edges: Vec<Vec<usize>> = defs
        .iter()
        .map(|d| alias_target(d).map(|t| t.named().iter().filter_map(|n| index.get(*n).copied()).filter(|&j| alias_target(&defs[j]).is_some()).collect()).unwrap_or_default())
        .collect();
    let component = strongly_connected_components(&edges);
    let cyclic = |i: usize| edges[i].iter().any(|&j| component[j] == component[i]);
    for i in 0..defs.len() {
        if !cyclic(i) {
            continue;
        }
        let members: Vec<usize> = (0..defs.len()).filter(|&j| component[j] == component[i]).collect();
        let bare = members.iter().all(|&j| matches!(&defs[j].kind, TypeKind::Alias { target: TypeRef::Named(n) } if index.get(n).is_some_and(|&k| component[k] == component[i])));
        if bare {
            return Err(SpecError::new(defs[i].pointer.clone(), "reference cycle: `$ref`s that only point at each other"));
        }
        let names: HashSet<String> = members.iter().map(|&j| defs[j].name.clone()).collect();
        if let TypeKind::Alias { target } = &mut defs[i].kind {
            replace_named(target, &names);
        }
    }
    Ok(())
}

/// Puts any JSON value where a type refers to one of `names` inside a list, map or tuple.
fn replace_named(ty: &mut TypeRef, names: &HashSet<String>) {
    match ty {
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Optional(inner) => match inner.as_mut() {
            TypeRef::Named(n) if names.contains(n.as_str()) => **inner = TypeRef::Json,
            other => replace_named(other, names),
        },
        TypeRef::Tuple(elements) => elements.iter_mut().for_each(|e| match e {
            TypeRef::Named(n) if names.contains(n.as_str()) => *e = TypeRef::Json,
            other => replace_named(other, names),
        }),
        _ => {}
    }
}

fn inline_named(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        _ => None,
    }
}

/// Tarjan's algorithm, iterative: the component id of every node.
fn strongly_connected_components(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let n = edges.len();
    let (mut order, mut low, mut component) = (vec![UNVISITED; n], vec![0; n], vec![UNVISITED; n]);
    let (mut stack, mut on_stack) = (Vec::new(), vec![false; n]);
    let (mut next_order, mut next_component) = (0, 0);
    for root in 0..n {
        if order[root] != UNVISITED {
            continue;
        }
        let mut call_stack = vec![(root, 0usize)];
        while let Some(&mut (node, ref mut edge)) = call_stack.last_mut() {
            if *edge == 0 && order[node] == UNVISITED {
                order[node] = next_order;
                low[node] = next_order;
                next_order += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&next) = edges[node].get(*edge) {
                *edge += 1;
                if order[next] == UNVISITED {
                    call_stack.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(order[next]);
                }
                continue;
            }
            call_stack.pop();
            if let Some(&(parent, _)) = call_stack.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scc_finds_cycles_and_self_loops() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 alone
        let edges = vec![vec![1], vec![2], vec![0], vec![3], vec![0]];
        let c = strongly_connected_components(&edges);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[3], c[0]);
        assert_ne!(c[4], c[0]);
        assert_ne!(c[4], c[3]);
    }
}
