//! Schema lowering: the TypeSpace turns JSON Schemas into named IR types and type references.
//!
//! It owns the global type namespace, so component schemas, inline types named after their parents and
//! request builders can never collide. Component names are claimed up front so references (including
//! recursive ones) resolve before their targets are lowered.

use std::collections::{BTreeMap, HashMap};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use crate::error::{pointer_push, SpecError};
use crate::ir::{EnumValue, Field, TypeDef, TypeKind, TypeRef, Variant};
use crate::load::ref_name;
use crate::naming::{snake_name, type_name, variant_name, Namespace};

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

pub struct TypeSpace<'a> {
    spec: &'a OpenAPI,
    names: Namespace,
    /// Component schema name → Rust type name.
    components: HashMap<String, String>,
    defs: BTreeMap<String, TypeDef>,
}

impl<'a> TypeSpace<'a> {
    pub fn new(spec: &'a OpenAPI) -> Self {
        TypeSpace { spec, names: Namespace::new(), components: HashMap::new(), defs: BTreeMap::new() }
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.names.is_taken(name)
    }

    /// Claims a unique type name (also used for request builders, which share the namespace).
    pub fn claim(&mut self, base: &str) -> String {
        self.names.claim(base)
    }

    fn component_schemas(&self) -> impl Iterator<Item = (&'a String, &'a ReferenceOr<Schema>)> {
        self.spec.components.iter().flat_map(|c| c.schemas.iter())
    }

    /// Names and lowers every component schema.
    pub fn lower_components(&mut self) -> Result<(), SpecError> {
        let components: Vec<_> = self.component_schemas().collect();
        for (name, _) in &components {
            let rust = self.names.claim(&type_name(name));
            self.components.insert((*name).clone(), rust);
        }
        for (name, schema) in components {
            let pointer = pointer_push("#/components/schemas", name);
            let rust = self.components[name].clone();
            let lowered = self.lower_named(schema.into(), &rust, &pointer)?;
            // A component that lowered to something other than its own definition (a primitive, a list,
            // another type) becomes an alias, so references to it keep a name and its docs.
            if lowered.ty != TypeRef::Named(rust.clone()) {
                let description = self.resolve(schema.into(), &pointer)?.schema_data.description.clone();
                self.defs.insert(rust.clone(), TypeDef { name: rust, description, kind: TypeKind::Alias { target: lowered.ty } });
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

    /// Lowers a schema used in a field, parameter, body or response; inline types are named `hint`.
    pub fn lower(&mut self, schema: SchemaRef<'a>, hint: &str, pointer: &str) -> Result<Lowered, SpecError> {
        match schema {
            SchemaRef::Ref(reference) => {
                let target = self.component(reference, pointer)?;
                let name = ref_name(reference).unwrap_or_default();
                let nullable = self.resolve(target.into(), pointer)?.schema_data.nullable;
                Ok(Lowered { ty: TypeRef::Named(self.components[name].clone()), nullable })
            }
            SchemaRef::Item(schema) => {
                let name = self.names.claim(&type_name(hint));
                self.lower_named(SchemaRef::Item(schema), &name, pointer)
            }
        }
    }

    /// Lowers a schema whose type (if it needs one) is called `name`, already claimed by the caller.
    fn lower_named(&mut self, schema: SchemaRef<'a>, name: &str, pointer: &str) -> Result<Lowered, SpecError> {
        let schema = match schema {
            SchemaRef::Ref(_) => return self.lower(schema, name, pointer),
            SchemaRef::Item(schema) => schema,
        };
        let nullable = schema.schema_data.nullable;
        let description = schema.schema_data.description.clone().or_else(|| schema.schema_data.title.clone());
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<&str> = s.enumeration.iter().flatten().map(String::as_str).collect();
                if !values.is_empty() {
                    self.define_enum(name, description, &values);
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
                    let item = self.lower(items.into(), &format!("{name}Item"), &pointer_push(pointer, "items"))?;
                    TypeRef::List(Box::new(item.ty))
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
            SchemaKind::Not { .. } => TypeRef::Json,
            SchemaKind::Any(any) => return self.lower_any(name, schema, any, pointer),
        };
        Ok(Lowered { ty, nullable })
    }

    fn define_enum(&mut self, name: &str, description: Option<String>, values: &[&str]) {
        let mut variants = Namespace::with_reserved(&["Unknown"]);
        let values = values
            .iter()
            .map(|wire| {
                let base = variant_name(wire);
                let base = if base == "Unknown" { "UnknownValue".to_string() } else { base };
                EnumValue { rust_name: variants.claim(&base), wire: wire.to_string(), description: None }
            })
            .collect();
        self.defs.insert(name.to_string(), TypeDef { name: name.to_string(), description, kind: TypeKind::Enum { values } });
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
                    let value = self.lower(value.as_ref().into(), &format!("{name}Value"), &pointer_push(pointer, "additionalProperties"))?;
                    TypeRef::Map(Box::new(value.ty))
                }
                _ => TypeRef::JsonObject,
            });
        }
        let mut field_names = Namespace::new();
        let mut fields = Vec::with_capacity(props.len());
        for (wire, schema, prop_pointer) in props {
            let hint = format!("{name}{}", type_name(wire));
            let lowered = self.lower(schema, &hint, &prop_pointer)?;
            let field_description = match schema {
                SchemaRef::Item(s) => s.schema_data.description.clone().or_else(|| s.schema_data.title.clone()),
                SchemaRef::Ref(_) => None,
            };
            fields.push(Field {
                rust_name: field_names.claim(&snake_name(wire)),
                wire_name: wire.clone(),
                required: required.contains(wire) && !lowered.nullable,
                ty: lowered.ty,
                boxed: false,
                description: field_description,
            });
        }
        self.defs.insert(name.to_string(), TypeDef { name: name.to_string(), description, kind: TypeKind::Struct { fields } });
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
        if let [single] = parts {
            let lowered = self.lower_named(single.into(), name, &pointer_push(&pointer_push(pointer, "allOf"), "0"))?;
            return Ok(Lowered { ty: lowered.ty, nullable: nullable || lowered.nullable });
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
        let nullable = schema.schema_data.nullable;
        let description = schema.schema_data.description.clone().or_else(|| schema.schema_data.title.clone());
        let ty = if !any.one_of.is_empty() {
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
                Some(items) => TypeRef::List(Box::new(self.lower(items.into(), &format!("{name}Item"), &pointer_push(pointer, "items"))?.ty)),
                None => TypeRef::List(Box::new(TypeRef::Json)),
            }
        } else if !any.enumeration.is_empty() && any.enumeration.iter().all(|v| v.is_string() || v.is_null()) {
            let values: Vec<&str> = any.enumeration.iter().filter_map(|v| v.as_str()).collect();
            self.define_enum(name, description, &values);
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
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut variant_names = Namespace::with_reserved(&["Unknown"]);
        let mut variants = Vec::with_capacity(candidates.len());
        for (i, (member, member_pointer)) in candidates.into_iter().enumerate() {
            let tags = match discriminator {
                Some(d) => self.discriminator_tags(member.into(), &d.property_name, &d.mapping, &member_pointer)?,
                None => Vec::new(),
            };
            let resolved = self.resolve(member.into(), &member_pointer)?;
            let base = match (tags.first(), member) {
                (Some(tag), _) => variant_name(tag),
                (None, ReferenceOr::Reference { reference }) => variant_name(ref_name(reference).unwrap_or("Variant")),
                (None, ReferenceOr::Item(s)) => match &s.schema_data.title {
                    Some(title) => variant_name(title),
                    None => kind_variant_name(resolved, i),
                },
            };
            let variant_name = variant_names.claim(&base);
            let lowered = self.lower(member.into(), &format!("{name}{variant_name}"), &member_pointer)?;
            variants.push(Variant { rust_name: variant_name, ty: lowered.ty, tags, boxed: false });
        }
        let description = schema.schema_data.description.clone().or_else(|| schema.schema_data.title.clone());
        let discriminator = discriminator.map(|d| d.property_name.clone());
        self.defs.insert(name.to_string(), TypeDef { name: name.to_string(), description, kind: TypeKind::Union { variants, discriminator } });
        Ok(Some(TypeRef::Named(name.to_string())))
    }

    /// The tag values that select a variant: the discriminator mapping's keys for it, else the single
    /// value its tag property allows, else (per the OpenAPI rules) its component name.
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
                if let [Some(value)] = s.enumeration.as_slice() {
                    return Ok(vec![value.clone()]);
                }
            }
        }
        match member {
            SchemaRef::Ref(reference) => Ok(vec![ref_name(reference).unwrap_or_default().to_string()]),
            SchemaRef::Item(_) => Err(SpecError::new(
                pointer,
                format!("cannot tell which `{property}` value selects this inline variant: give it a single-value enum or a discriminator mapping"),
            )),
        }
    }

    /// The fields of a struct type lowered so far.
    pub fn struct_fields(&self, name: &str) -> Option<&[Field]> {
        match &self.defs.get(name)?.kind {
            TypeKind::Struct { fields } => Some(fields),
            _ => None,
        }
    }

    /// All named types, with fields on recursive cycles boxed, sorted by name.
    pub fn finish(self) -> Vec<TypeDef> {
        let mut defs: Vec<TypeDef> = self.defs.into_values().collect();
        box_recursive_fields(&mut defs);
        defs
    }
}

fn is_null_schema(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Any(a) if a.typ.is_none() && a.properties.is_empty() && a.one_of.is_empty()
        && a.all_of.is_empty() && a.any_of.is_empty() && a.items.is_none() && a.enumeration.is_empty())
        && schema.schema_data.nullable
}

fn kind_variant_name(schema: &Schema, index: usize) -> String {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => "String".into(),
        SchemaKind::Type(Type::Integer(_)) => "Integer".into(),
        SchemaKind::Type(Type::Number(_)) => "Number".into(),
        SchemaKind::Type(Type::Boolean(_)) => "Boolean".into(),
        SchemaKind::Type(Type::Array(_)) => "List".into(),
        SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => "Map".into(),
        _ => format!("Variant{}", index + 1),
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
                TypeKind::Enum { .. } => vec![],
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
