//! `src/types/**.rs`: every named type (structs, open enums, unions, aliases), in one module per
//! resource that uses it (shared ones in `shared`), all re-exported flat as `types::Name`.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::{before_each_item, cfg_features, doc_attrs, doc_attrs_raw, ident, lit, ordered_uses, type_tokens, Emitted, Imports, Source, TypeIndex};
use crate::error::Error;
use super::jobs::job_impl;
use crate::ir::{Api, EnumValue, Field, PageImpl, TypeDef, TypeKind, TypeRef, Variant, Wait};
use crate::layout::shared_module;

pub fn emit(api: &Api, index: &TypeIndex, files: &mut Emitted) -> Result<(), Error> {
    let mut modules: BTreeMap<Vec<String>, Vec<&TypeDef>> = BTreeMap::new();
    for def in &api.types {
        modules.entry(def.module.clone()).or_default().push(def);
    }
    let shared = shared_module(&api.root);
    // The waits that implement the runtime's `Job` for their job type, by type.
    let mut jobs: BTreeMap<&str, &Wait> = BTreeMap::new();
    api.root.walk(&mut |resource| {
        for wait in resource.operations.iter().filter_map(|op| op.wait.as_ref()).filter(|wait| wait.implements_job) {
            if let TypeRef::Named(name) = &wait.job {
                jobs.insert(name, wait);
            }
        }
    });
    // Every module with types, and the modules above it (which re-export what is below).
    let mut tree: BTreeMap<Vec<String>, BTreeSet<String>> = BTreeMap::new();
    tree.entry(Vec::new()).or_default();
    for module in modules.keys() {
        for depth in 0..module.len() {
            tree.entry(module[..depth].to_vec()).or_default().insert(module[depth].clone());
            tree.entry(module[..=depth].to_vec()).or_default();
        }
    }
    // What compiles each module: the features of its types and of the modules below it (`None`:
    // always). Children sort after their parent, so they come first in reverse.
    let mut gates: BTreeMap<&[String], Option<BTreeSet<&str>>> = BTreeMap::new();
    for (path, children) in tree.iter().rev() {
        let defs = modules.get(path).map(Vec::as_slice).unwrap_or_default();
        let mut gate = Some(BTreeSet::new());
        for features in defs.iter().map(|d| type_gate(d)).chain(children.iter().map(|child| gates[[path.as_slice(), std::slice::from_ref(child)].concat().as_slice()].clone())) {
            gate = gate.zip(features).map(|(mut all, features)| {
                all.extend(features);
                all
            });
        }
        gates.insert(path, gate.filter(|_| !path.is_empty()));
    }
    for (path, children) in &tree {
        let defs = modules.get(path).map(Vec::as_slice).unwrap_or_default();
        let pages: Vec<&PageImpl> = api.page_types.iter().filter(|p| defs.iter().any(|d| d.name == p.page_type)).collect();
        let doc = match (path.as_slice(), api.type_modules.get(&path.join("/"))) {
            ([], _) => "Data types of the API: request and response bodies and everything they contain. Each lives in the module of the resource that uses it, and all are re-exported here.".to_string(),
            (_, Some(doc)) => doc.clone(),
            ([only], None) if *only == shared => "Types that several top-level resources use, or none does.".to_string(),
            _ => format!("Types of the resources under `{}`.", path.join(".")),
        };
        let doc = lit(&format!(" {doc}"));
        let gate = &gates[path.as_slice()];
        // A module compiles with the features it needs; the same cfg again below it would say nothing.
        let children: Vec<TokenStream> = children
            .iter()
            .map(|child| {
                let child_gate = &gates[[path.as_slice(), std::slice::from_ref(child)].concat().as_slice()];
                let child = ident(child);
                match child_gate.as_ref().filter(|_| child_gate != gate) {
                    Some(features) => quote!(types_module!(#child, #(#features),*);),
                    None => quote!(types_module!(#child);),
                }
            })
            .collect();
        // A module and its re-export need the same cfg: one line declares both.
        let declare = (!children.is_empty()).then(|| quote!(use crate::runtime::types_module;));
        // Types of the modules below come in through their `pub use child::*`.
        let below: BTreeSet<&str> = api.types.iter().filter(|t| t.module.len() > path.len() && t.module.starts_with(path)).map(|t| t.name.as_str()).collect();
        let gated_one_by_one = defs.iter().any(|d| type_gate(d) != *gate);
        let items = module_items(defs, &below, &pages, &jobs, index, gate);
        // Which imports a module of types gated one by one uses depends on the features enabled.
        let allow = gated_one_by_one.then(|| quote!(#![allow(unused_imports)]));
        let tokens = quote! {
            #![doc = #doc]
            #allow
            #declare
            #(#children)*
            #items
        };
        let file = if path.is_empty() { "src/types/mod.rs".to_string() } else { format!("src/types/{}.rs", path.join("/")) };
        files.insert(file, Source::Rust(tokens));
    }
    Ok(())
}

/// The features that compile a type (`None`: always).
fn type_gate(def: &TypeDef) -> Option<BTreeSet<&str>> {
    (!def.features.is_empty()).then(|| def.features.iter().map(String::as_str).collect())
}

/// The `use` items and definitions of one module's types.
fn module_items(defs: &[&TypeDef], below: &BTreeSet<&str>, pages: &[&PageImpl], jobs: &BTreeMap<&str, &Wait>, index: &TypeIndex, module_gate: &Option<BTreeSet<&str>>) -> TokenStream {
    let mut imports = Imports::default();
    let mut has_enum = false;
    let mut has_union = false;
    let mut has_display_union = false;
    let mut has_never = false;
    let mut has_tuple = false;
    let mut items = TokenStream::new();
    for def in defs {
        match &def.kind {
            TypeKind::Struct { fields } => fields.iter().for_each(|f| imports.add(&f.ty)),
            TypeKind::Union { variants, .. } => {
                has_union = true;
                imports.value = true;
                variants.iter().for_each(|v| imports.add(&v.ty));
            }
            TypeKind::Alias { target } => imports.add(target),
            TypeKind::Enum { .. } => has_enum = true,
            TypeKind::Never => has_never = true,
            TypeKind::Tuple { elements, rest } => {
                has_tuple = true;
                elements.iter().chain([rest]).for_each(|ty| imports.add(ty));
            }
        }
        let mut tokens = type_def(def, index);
        if let Some(page) = pages.iter().find(|p| p.page_type == def.name) {
            tokens.extend(page_impl(page));
            imports.add(&page.item);
        }
        if let Some(wait) = jobs.get(def.name.as_str()) {
            tokens.extend(job_impl(wait));
            imports.add(&wait.status.ty);
        }
        // A type other features need than its module's whole set compiles with exactly those.
        if type_gate(def) != *module_gate {
            tokens = before_each_item(tokens, &cfg_features(&def.features));
        }
        items.extend(tokens);
        if matches!(def.kind, TypeKind::Union { .. }) && index.is_display(&TypeRef::Named(def.name.clone())) {
            has_display_union = true;
        }
    }
    let std_imports = imports.std_tokens();
    let mut uses = quote! {
        #std_imports
    };
    let has_struct = defs.iter().any(|t| matches!(&t.kind, TypeKind::Struct { .. }));
    if has_enum {
        uses.extend(quote!(use std::convert::Infallible; use std::fmt; use std::str::FromStr;));
    } else if has_display_union || has_struct {
        uses.extend(quote!(use std::fmt;));
    }
    if has_struct {
        uses.extend(quote!(use serde::de::MapAccess;));
    }
    if has_union || has_enum || has_struct || has_never || has_tuple {
        uses.extend(quote!(use serde::{Deserialize, Deserializer, Serialize, Serializer};));
    }
    let mut runtime_names = Vec::new();
    if defs.iter().any(|t| matches!(&t.kind, TypeKind::Union { discriminator: None, .. })) {
        uses.extend(quote!(use serde_json::value::RawValue;));
    }
    if has_struct {
        runtime_names.extend(["debug_object", "deserialize_object", "serialize_object", "DecodeObject", "EncodeObject", "FieldWriter", "ObjectReader"].map(ident));
    }
    if has_enum {
        runtime_names.push(ident("deserialize_open_enum"));
    }
    if has_tuple {
        runtime_names.extend([ident("deserialize_tuple_rest"), ident("serialize_tuple_rest")]);
    }
    if defs.iter().any(|t| matches!(&t.kind, TypeKind::Union { discriminator: Some(_), .. })) {
        runtime_names.extend([ident("deserialize_tagged"), ident("TaggedObject"), ident("TaggedUnion")]);
    }
    if !pages.is_empty() {
        runtime_names.push(ident("PageResponse"));
    }
    if imports.timestamp {
        runtime_names.push(ident("Timestamp"));
    }
    if !runtime_names.is_empty() {
        // Functions, then types, each in name order.
        runtime_names.sort_by_key(|name| {
            let name = name.to_string();
            (name.starts_with(char::is_uppercase), name)
        });
        uses.extend(quote!(use crate::runtime::{#(#runtime_names),*};));
    }
    let uses = ordered_uses(uses);
    let type_uses = type_imports(&imports, defs, below, index, module_gate);
    quote! {
        #uses
        #type_uses
        #items
    }
}

/// Other modules' types, named one by one from the flat re-export (a glob of it in every module cost
/// rustc's resolver a binding per type per module: a gigabyte for Microsoft Graph's 1,466 modules).
/// A type that may be missing while this module compiles (its features are not all of the
/// module's) is imported under its own features.
pub(super) fn type_imports(imports: &Imports, defs: &[&TypeDef], below: &BTreeSet<&str>, index: &TypeIndex, module_gate: &Option<BTreeSet<&str>>) -> TokenStream {
    let mut by_gate: BTreeMap<Option<BTreeSet<&str>>, Vec<&str>> = BTreeMap::new();
    for name in &imports.named {
        if defs.iter().any(|d| &d.name == name) || below.contains(name.as_str()) {
            continue;
        }
        let gate = index.get(name).and_then(type_gate).filter(|own| !module_gate.as_ref().is_some_and(|module| module.is_subset(own)));
        by_gate.entry(gate).or_default().push(name);
    }
    by_gate
        .into_iter()
        .map(|(gate, names)| {
            let cfg = gate.map(|features| cfg_features(&features.into_iter().map(str::to_string).collect::<Vec<_>>()));
            let names = names.into_iter().map(ident);
            quote!(#cfg use crate::types::{#(#names),*};)
        })
        .collect()
}

/// The spec's description, else what the type's shape truthfully says (its values, its variants, what
/// it aliases), else nothing: a doc that only restates the name tells a reader nothing.
fn type_doc(def: &TypeDef) -> TokenStream {
    let tag_note = tag_note(def);
    let examples = examples_note(&def.examples);
    if let Some(text) = &def.description {
        let notes: Vec<&str> = [tag_note.as_str(), examples.as_str()].into_iter().filter(|s| !s.is_empty()).collect();
        return with_notes(doc_attrs(text), &notes);
    }
    let used_in = match def.used_in.as_slice() {
        [] => String::new(),
        [one] => capitalize(one) + ".",
        many => {
            let shown: Vec<&str> = many.iter().take(3).map(String::as_str).collect();
            let more = match many.len() - shown.len() {
                0 => String::new(),
                1 => "; and one more place".to_string(),
                n => format!("; and {n} more places"),
            };
            format!("Used as {}{more}.", shown.join("; "))
        }
    };
    let shape = match &def.kind {
        TypeKind::Struct { .. } => String::new(),
        TypeKind::Enum { values } => {
            let shown: Vec<String> = values.iter().take(8).map(|v| format!("`{}`", v.wire)).collect();
            let more = if values.len() > shown.len() { format!(", or one of {} more", values.len() - shown.len()) } else { String::new() };
            format!("One of {}{more}.", shown.join(", "))
        }
        TypeKind::Union { variants, .. } => {
            format!("One of: {}.", variants.iter().map(|v| describe_type(&v.ty)).collect::<Vec<_>>().join("; "))
        }
        TypeKind::Alias { target } => capitalize(&describe_type(target)) + ".",
        TypeKind::Tuple { elements, rest } => {
            format!("A list of {}, then any number of {}.", elements.iter().map(describe_type).collect::<Vec<_>>().join(", "), plural(&describe_type(rest)))
        }
        TypeKind::Never => "Has no values: the spec's schema for it admits none (`false`), so a field of this type is never present and decoding one fails.".to_string(),
    };
    // A tagged payload is used only as its variants, which the note names already.
    let used_in = if tag_note.is_empty() { used_in } else { String::new() };
    let derived: Vec<String> = [used_in, shape, tag_note, examples].into_iter().filter(|s| !s.is_empty()).collect();
    doc_attrs_raw(&derived.join("\n\n"))
}

/// The spec's prose, then the generator's own paragraphs.
fn with_notes(prose: TokenStream, notes: &[&str]) -> TokenStream {
    if notes.is_empty() {
        return prose;
    }
    let notes = doc_attrs_raw(&notes.join("\n\n"));
    quote!(#prose #[doc = ""] #notes)
}

/// A schema's examples as a line of its docs: compact JSON, the first few, each cut to a length a
/// line of docs can hold (the spec keeps the whole).
fn examples_note(examples: &[serde_json::Value]) -> String {
    const SHOWN: usize = 3;
    const MAX_CHARS: usize = 80;
    let spans: Vec<String> = examples
        .iter()
        .take(SHOWN)
        .map(|example| {
            let text = example.to_string();
            if text.chars().count() > MAX_CHARS {
                code_span(&format!("{}…", text.chars().take(MAX_CHARS - 1).collect::<String>()))
            } else {
                code_span(&text)
            }
        })
        .collect();
    let more = match examples.len().saturating_sub(SHOWN) {
        0 => String::new(),
        n => format!(" (and {n} more)"),
    };
    match spans.as_slice() {
        [] => String::new(),
        [one] => format!("Example: {one}"),
        many => format!("Examples: {}{more}", many.join(", ")),
    }
}

/// `text` as a markdown code span, which rustdoc shows as it is (no links, HTML or escapes): fenced
/// by more backticks than any run inside it, and padded where it starts or ends with one.
fn code_span(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// For a struct whose tag its unions hold: which variant it is, and that the tag is not a field.
fn tag_note(def: &TypeDef) -> String {
    let variants: Vec<String> = def
        .tagged_by
        .iter()
        .map(|tag| format!("[`{union}::{variant}`](crate::types::{union}::{variant}) (`{}` = `{}`)", tag.property, tag.value, union = tag.union, variant = tag.variant))
        .collect();
    match variants.as_slice() {
        [] => String::new(),
        [one] => format!("The payload of {one}: the union reads and writes the tag, so this struct has no field for it."),
        many => format!("The payload of {}: the unions read and write the tag, so this struct has no field for it.", many.join(", ")),
    }
}

/// A type in words, with named types as intra-doc links (`a list of [`Filter`]`).
fn describe_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "a string".into(),
        TypeRef::Integer | TypeRef::UnsignedInteger => "an integer".into(),
        TypeRef::Float => "a number".into(),
        TypeRef::Boolean => "a boolean".into(),
        TypeRef::DateTime => "a timestamp (RFC 3339)".into(),
        TypeRef::Binary => "binary data".into(),
        TypeRef::Json => "any JSON value".into(),
        TypeRef::JsonObject => "a JSON object".into(),
        TypeRef::Named(name) => format!("a [`{name}`]"),
        TypeRef::List(item) => format!("a list of {}", plural(&describe_type(item))),
        TypeRef::Map(value) => format!("a map from names to {}", plural(&describe_type(value))),
        TypeRef::Tuple(elements) => format!("a list of {}", elements.iter().map(describe_type).collect::<Vec<_>>().join(", ")),
        TypeRef::Optional(inner) => format!("{} or null", describe_type(inner)),
    }
}

/// `a [`Filter`]` → `[`Filter`]s`, `a string` → `strings`.
fn plural(described: &str) -> String {
    let bare = described.strip_prefix("an ").or_else(|| described.strip_prefix("a ")).unwrap_or(described);
    match bare.strip_suffix("`]") {
        Some(name) => format!("{name}`] values"),
        None if bare.starts_with("list") || bare.starts_with("map") || bare.contains(' ') => format!("values each {described}"),
        None => format!("{bare}s"),
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A field's description, else what its type says when that is more than a bare JSON type (a link to
/// the type, the timestamp format), else nothing.
fn field_doc(field: &Field) -> TokenStream {
    let examples = examples_note(&field.examples);
    if let Some(text) = &field.description {
        let notes: Vec<&str> = [examples.as_str()].into_iter().filter(|s| !s.is_empty()).collect();
        return with_notes(doc_attrs(text), &notes);
    }
    let mut facts = Vec::new();
    if field.rust_name != field.wire_name {
        facts.push(format!("`{}` on the wire.", field.wire_name));
    }
    if matches!(&field.ty, TypeRef::DateTime) {
        facts.push("A timestamp (RFC 3339).".to_string());
    }
    let facts = facts.join(" ");
    doc_attrs_raw(&[facts, examples].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join("\n\n"))
}

fn type_def(def: &TypeDef, index: &TypeIndex) -> TokenStream {
    let name = ident(&def.name);
    let doc = type_doc(def);
    match &def.kind {
        TypeKind::Struct { fields } => struct_def(&name, doc, fields, def.input),
        TypeKind::Enum { values } => enum_def(&name, doc, values),
        TypeKind::Union { variants, discriminator } => {
            let mut tokens = union_def(&name, doc, variants, discriminator.as_deref(), index);
            tokens.extend(union_from_impls(&name, variants, index));
            if index.is_display(&TypeRef::Named(def.name.clone())) {
                tokens.extend(union_display(&name, variants));
            }
            tokens
        }
        TypeKind::Alias { target } => {
            let target = type_tokens(target);
            quote! {
                #doc
                pub type #name = #target;
            }
        }
        TypeKind::Never => never_def(&name, doc),
        TypeKind::Tuple { elements, rest } => tuple_def(&name, doc, elements, rest),
    }
}

/// An array of fixed elements and a rest of items, as a struct of both. It is written and read as
/// one flat JSON array by the runtime's helpers, not by serde's derives (which would nest them).
fn tuple_def(name: &proc_macro2::Ident, doc: TokenStream, elements: &[TypeRef], rest: &TypeRef) -> TokenStream {
    let elements = type_tokens(&TypeRef::Tuple(elements.to_vec()));
    let rest = type_tokens(rest);
    let type_name = lit(&name.to_string());
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name {
            /// The elements the schema fixes, in order.
            pub elements: #elements,
            /// The items after them.
            pub rest: Vec<#rest>,
        }

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serialize_tuple_rest(serializer, &self.elements, &self.rest)
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let (elements, rest) = deserialize_tuple_rest(deserializer, #type_name)?;
                Ok(Self { elements, rest })
            }
        }
    }
}

/// A type without values: nothing can build one, so nothing encodes one, and decoding always fails.
fn never_def(name: &proc_macro2::Ident, doc: TokenStream) -> TokenStream {
    let message = lit(&format!("`{name}` has no values (its schema is `false`)"));
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #name {}

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, _serializer: S) -> Result<S::Ok, S::Error> {
                match *self {}
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(_deserializer: D) -> Result<Self, D::Error> {
                Err(serde::de::Error::custom(#message))
            }
        }
    }
}

/// Whether a struct derives `Default`: a struct users build (an input) with no required field.
pub fn derives_default(fields: &[Field], input: bool) -> bool {
    input && fields.iter().all(|f| !f.required)
}

/// A field's type as declared, without the `Option` of an optional field (`Box`ed to break a cycle).
fn declared_type(field: &Field) -> TokenStream {
    let ty = type_tokens(&field.ty);
    if field.boxed {
        quote!(Box<#ty>)
    } else {
        ty
    }
}

/// Every struct is `#[non_exhaustive]`, so a field the API adds is not a breaking change. Users build
/// an input struct with `new(required fields)` (or `default()`) and its `with_*` setters.
fn struct_def(name: &proc_macro2::Ident, doc: TokenStream, fields: &[Field], input: bool) -> TokenStream {
    // Wire names, renames and which members are skipped live in `encode`/`decode`, not in attributes.
    let field_defs = fields.iter().map(|f| {
        let field_name = ident(&f.rust_name);
        let ty = declared_type(f);
        let doc = field_doc(f);
        if f.required {
            quote! {
                #doc
                pub #field_name: #ty,
            }
        } else {
            quote! {
                #doc
                pub #field_name: Option<#ty>,
            }
        }
    });
    let default = derives_default(fields, input).then(|| quote!(Default,));
    let builders = input.then(|| struct_builders(name, fields));
    let deserialize = struct_deserialize(name, fields);
    let encode = object_encode(name, fields.iter().map(|f| (f.rust_name.as_str(), f.wire_name.as_str(), f.required || f.nullable_required)));
    quote! {
        #doc
        #[derive(Clone, PartialEq, #default)]
        #[non_exhaustive]
        pub struct #name {
            #(#field_defs)*
        }

        #builders
        #deserialize
        #encode
    }
}

/// `Serialize` and `Debug` through the runtime's [`EncodeObject`]: one `encode` that hands each field
/// (Rust name, wire name, always written or only when `Some`) to a writer, rather than two derives,
/// which write a larger body each. `Debug` shows the wire names.
fn object_encode<'a>(name: &proc_macro2::Ident, fields: impl Iterator<Item = (&'a str, &'a str, bool)>) -> TokenStream {
    let calls: Vec<TokenStream> = fields.map(|(rust_name, wire_name, always)| {
        let field = ident(rust_name);
        let wire = lit(wire_name);
        if always {
            quote!(fields.field(#wire, &self.#field);)
        } else {
            quote!(fields.optional(#wire, &self.#field);)
        }
    }).collect();
    let writer = if calls.is_empty() { quote!(_) } else { quote!(fields) };
    let type_name = lit(&name.to_string());
    quote! {
        impl EncodeObject for #name {
            const NAME: &'static str = #type_name;

            fn encode<W: FieldWriter>(&self, #writer: &mut W) {
                #(#calls)*
            }
        }

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serialize_object(self, serializer)
            }
        }

        impl fmt::Debug for #name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                debug_object(self, f)
            }
        }
    }
}

/// `Deserialize` through the runtime's [`DecodeObject`]: one local per field, one match arm per
/// member, written out rather than derived because serde's derive emits several times the code
/// (a field visitor, a decoder from JSON arrays, a duplicate check per field), which rustc then spent
/// most of an SDK's compile time on. Unknown members are skipped; an absent optional field is `None`.
fn struct_deserialize(name: &proc_macro2::Ident, fields: &[Field]) -> TokenStream {
    // The reader's and the loop's names must not be a field's local.
    let free = |base: &str| {
        let mut candidate = base.to_string();
        while fields.iter().any(|f| f.rust_name == candidate) {
            candidate.push('_');
        }
        ident(&candidate)
    };
    let (object, field) = (free("object"), free("field"));
    let wire_names = fields.iter().map(|f| lit(&f.wire_name));
    // Typed locals: rustc then checks each member's decode on the spot, rather than carrying one
    // open inference variable per field to the end of the function.
    let locals = fields.iter().map(|f| {
        let local = ident(&f.rust_name);
        let ty = declared_type(f);
        quote!(let mut #local: Option<#ty> = None;)
    });
    let arms = fields.iter().enumerate().map(|(position, f)| {
        let local = ident(&f.rust_name);
        let position = proc_macro2::Literal::usize_unsuffixed(position);
        if f.required {
            quote!(#position => #object.value(&mut #local),)
        } else {
            quote!(#position => #object.optional(&mut #local),)
        }
    });
    let inits = fields.iter().map(|f| ident(&f.rust_name));
    let build = quote!(Self { #(#inits),* });
    // One exit: a match over the required fields' slots, all `Some` or the error naming the first
    // one absent (or the error that stopped the reading).
    let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    let finish = match required.as_slice() {
        [] => quote!(#object.finish(#build)),
        [one] => {
            let local = ident(&one.rust_name);
            let wire = lit(&one.wire_name);
            quote! {
                match #local {
                    Some(#local) => #object.finish(#build),
                    None => Err(#object.missing(&[(#wire, true)])),
                }
            }
        }
        many => {
            let locals: Vec<_> = many.iter().map(|f| ident(&f.rust_name)).collect();
            let absent = many.iter().map(|f| {
                let local = ident(&f.rust_name);
                let wire = lit(&f.wire_name);
                quote!((#wire, #local.is_none()))
            });
            quote! {
                match (#(#locals),*) {
                    (#(Some(#locals)),*) => #object.finish(#build),
                    (#(#locals),*) => Err(#object.missing(&[#(#absent),*])),
                }
            }
        }
    };
    let read = if fields.is_empty() {
        quote!(while #object.next_field().is_some() {})
    } else {
        quote! {
            #(#locals)*
            while let Some(#field) = #object.next_field() {
                match #field {
                    #(#arms)*
                    _ => #object.skip(),
                }
            }
        }
    };
    let type_name = lit(&name.to_string());
    quote! {
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserialize_object(deserializer)
            }
        }

        impl DecodeObject for #name {
            const NAME: &'static str = #type_name;
            const FIELDS: &'static [&'static str] = &[#(#wire_names),*];

            fn decode<'de, A: MapAccess<'de>>(#object: &mut ObjectReader<'de, A>) -> Result<Self, A::Error> {
                #read
                #finish
            }
        }
    }
}

/// `new` taking the required fields (when there are any; otherwise `Default`), and a `with_*` setter
/// per optional field.
fn struct_builders(name: &proc_macro2::Ident, fields: &[Field]) -> TokenStream {
    let value = |f: &Field, arg: &proc_macro2::Ident| if f.boxed { quote!(Box::new(#arg.into())) } else { quote!(#arg.into()) };
    let constructor = fields.iter().any(|f| f.required).then(|| {
        let params = fields.iter().filter(|f| f.required).map(|f| {
            let arg = ident(&f.rust_name);
            let ty = type_tokens(&f.ty);
            quote!(#arg: impl Into<#ty>)
        });
        let inits = fields.iter().map(|f| {
            let field = ident(&f.rust_name);
            if f.required {
                let value = value(f, &field);
                quote!(#field: #value,)
            } else {
                quote!(#field: None,)
            }
        });
        let doc = if fields.iter().any(|f| !f.required) {
            doc_attrs_raw(&format!("A [`{name}`] with its required fields; set the optional ones with the `with_*` methods."))
        } else {
            doc_attrs_raw(&format!("A [`{name}`] from its fields."))
        };
        let many = (fields.iter().filter(|f| f.required).count() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        quote! {
            #doc
            #many
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits)* }
            }
        }
    });
    let setters = fields.iter().filter(|f| !f.required).map(|f| {
        let field = ident(&f.rust_name);
        let setter = ident(&format!("with_{}", f.rust_name.trim_start_matches("r#")));
        let ty = type_tokens(&f.ty);
        let value = value(f, &field);
        let doc = doc_attrs_raw(&format!("Sets [`{0}`](Self::{0}).", f.rust_name.trim_start_matches("r#")));
        quote! {
            #doc
            pub fn #setter(mut self, #field: impl Into<#ty>) -> Self {
                self.#field = Some(#value);
                self
            }
        }
    });
    let setters: Vec<TokenStream> = setters.collect();
    if constructor.is_none() && setters.is_empty() {
        return TokenStream::new();
    }
    quote! {
        impl #name {
            #constructor
            #(#setters)*
        }
    }
}

fn enum_def(name: &proc_macro2::Ident, doc: TokenStream, values: &[EnumValue]) -> TokenStream {
    let variants = values.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let doc = doc_attrs(v.description.as_deref().unwrap_or(&format!("`{}`", v.wire)));
        quote!(#doc #variant,)
    });
    let as_str = values.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = lit(&v.wire);
        quote!(Self::#variant => #wire,)
    });
    let from_str = values.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = lit(&v.wire);
        quote!(#wire => Self::#variant,)
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the SDK does not know, kept as received.
            Unknown(String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl FromStr for #name {
            type Err = Infallible;

            fn from_str(value: &str) -> Result<Self, Infallible> {
                Ok(Self::from(value))
            }
        }

        impl fmt::Display for #name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserialize_open_enum(deserializer)
            }
        }
    }
}

fn union_def(name: &proc_macro2::Ident, doc: TokenStream, variants: &[Variant], discriminator: Option<&str>, index: &TypeIndex) -> TokenStream {
    let variant_defs = variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let mut ty = type_tokens(&v.ty);
        if v.boxed {
            ty = quote!(Box<#ty>);
        }
        let doc = match v.tags.as_slice() {
            // A variant named after its JSON type (`String(String)`) says all there is to say.
            [] => match &v.ty {
                TypeRef::Named(name) if *name != v.rust_name => format!("A [`{name}`]."),
                _ => String::new(),
            },
            tags => format!("`{}` = {}.", discriminator.unwrap_or_default(), tags.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(" or ")),
        };
        let doc = doc_attrs_raw(&doc);
        quote!(#doc #variant(#ty),)
    });
    let serialize_body = match discriminator {
        // Variants may leave the tag property out; the union knows it, so it is always written.
        Some(property) => {
            let property = lit(property);
            let arms = variants.iter().map(|v| {
                let variant = ident(&v.rust_name);
                match v.tags.first() {
                    Some(tag) => quote!(Self::#variant(value) => (serde_json::to_value(value), Some(#tag)),),
                    None => quote!(Self::#variant(value) => (serde_json::to_value(value), None),),
                }
            });
            quote! {
                let (value, tag) = match self {
                    #(#arms)*
                    Self::Unknown(value) => return value.serialize(serializer),
                };
                let mut value = value.map_err(serde::ser::Error::custom)?;
                if let (Some(tag), Value::Object(map)) = (tag, &mut value) {
                    map.entry(#property).or_insert_with(|| Value::from(tag));
                }
                value.serialize(serializer)
            }
        }
        None => {
            let arms = variants.iter().map(|v| {
                let variant = ident(&v.rust_name);
                quote!(Self::#variant(value) => value.serialize(serializer),)
            });
            quote! {
                match self {
                    #(#arms)*
                    Self::Unknown(value) => value.serialize(serializer),
                }
            }
        }
    };
    let deserialize_impl = match discriminator {
        // One pass: the runtime reads the members up to the tag, then the chosen variant decodes
        // from them and the rest of the object; without the tag member when its struct has no
        // field for it, which spares skipping it.
        Some(wire_name) => {
            let property = lit(wire_name);
            let arms = variants.iter().filter(|v| !v.tags.is_empty()).map(|v| {
                // Byte strings: the tag selects a variant before anything checks it is UTF-8.
                let tags = v.tags.iter().map(|t| proc_macro2::Literal::byte_string(t.as_bytes()));
                let variant = ident(&v.rust_name);
                let object = if index.is_struct_without(&v.ty, wire_name) { quote!(object.without_tag()) } else { quote!(object.with_tag()) };
                let decoded = if v.boxed { quote!(Box::new(Deserialize::deserialize(#object)?)) } else { quote!(Deserialize::deserialize(#object)?) };
                quote!(#(Some(#tags))|* => Self::#variant(#decoded),)
            });
            quote! {
                impl TaggedUnion for #name {
                    const TAG: &'static str = #property;

                    #[inline]
                    fn decode_variant<'de, O: TaggedObject<'de>>(tag: Option<&[u8]>, object: O) -> Result<Self, O::Error> {
                        Ok(match tag {
                            #(#arms)*
                            _ => Self::Unknown(Value::deserialize(object.with_tag())?),
                        })
                    }

                    fn unknown(value: Value) -> Self {
                        Self::Unknown(value)
                    }
                }

                impl<'de> Deserialize<'de> for #name {
                    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        deserialize_tagged(deserializer)
                    }
                }
            }
        }
        // An untagged union tries each variant in order on the raw JSON text, without building an
        // intermediate `Value` tree (only `Unknown` keeps one).
        None => {
            let attempts = variants.iter().map(|v| {
                let variant = ident(&v.rust_name);
                let construct = if v.boxed { quote!(Self::#variant(Box::new(parsed))) } else { quote!(Self::#variant(parsed)) };
                quote! {
                    if let Ok(parsed) = serde_json::from_str(json) {
                        return Ok(#construct);
                    }
                }
            });
            quote! {
                impl<'de> Deserialize<'de> for #name {
                    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let raw = Box::<RawValue>::deserialize(deserializer)?;
                        let json = raw.get();
                        #(#attempts)*
                        Ok(Self::Unknown(serde_json::from_str(json).map_err(serde::de::Error::custom)?))
                    }
                }
            }
        }
    };
    let unknown_doc = match discriminator {
        Some(property) => format!("A variant this version of the SDK does not know (an unknown `{property}`), kept as raw JSON."),
        None => "A value matching none of the known variants, kept as raw JSON.".to_string(),
    };
    let unknown_doc = doc_attrs(&unknown_doc);
    quote! {
        #doc
        // Variants hold API objects of very different sizes; boxing them would only burden users.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_defs)*
            #unknown_doc
            Unknown(Value),
        }

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #serialize_body
            }
        }

        #deserialize_impl
    }
}

/// How the runtime reads a paginated response: its items, next cursor and total.
fn page_impl(page: &PageImpl) -> TokenStream {
    let name = ident(&page.page_type);
    let item = type_tokens(&page.item);
    let items = ident(&page.items_field.rust_name);
    let (items_ref, into_items) = if page.items_field.optional {
        (quote!(self.#items.as_deref().unwrap_or_default()), quote!(self.#items.unwrap_or_default()))
    } else {
        (quote!(&self.#items), quote!(self.#items))
    };
    let next_cursor = page.next_field.as_ref().map(|field| {
        let field = ident(&field.rust_name);
        let value = if page.next_field.as_ref().is_some_and(|f| f.optional) { quote!(self.#field.as_deref()) } else { quote!(Some(&self.#field)) };
        quote! {
            fn next_cursor(&self) -> Option<&str> {
                #value
            }
        }
    });
    let total_size = page.total_field.as_ref().map(|field| {
        let optional = field.optional;
        let field = ident(&field.rust_name);
        let value = if optional {
            quote!(self.#field.and_then(|total| u64::try_from(total).ok()))
        } else {
            quote!(u64::try_from(self.#field).ok())
        };
        quote! {
            fn total_size(&self) -> Option<u64> {
                #value
            }
        }
    });
    quote! {
        impl PageResponse for #name {
            type Item = #item;

            fn items(&self) -> &[#item] {
                #items_ref
            }

            fn into_items(self) -> Vec<#item> {
                #into_items
            }

            #next_cursor
            #total_size
        }
    }
}

/// `Display` for a union of plain values, so it can be a path, query or header value.
fn union_display(name: &proc_macro2::Ident, variants: &[Variant]) -> TokenStream {
    let arms = variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        quote!(Self::#variant(value) => fmt::Display::fmt(value, f),)
    });
    quote! {
        impl fmt::Display for #name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    #(#arms)*
                    Self::Unknown(Value::String(value)) => f.write_str(value),
                    Self::Unknown(value) => fmt::Display::fmt(value, f),
                }
            }
        }
    }
}

/// `From` for each variant whose type no other variant shares, so `"paid".into()` or `record.into()`
/// builds the union.
fn union_from_impls(name: &proc_macro2::Ident, variants: &[Variant], index: &TypeIndex) -> TokenStream {
    let mut tokens = TokenStream::new();
    // Aliases are the same Rust type as their target, and binary data is a `String` in JSON, so
    // compare the Rust types variants resolve to; a union that is its own variant has `From` already.
    let spelled = |ty: &TypeRef| type_tokens(index.resolve(ty)).to_string();
    for v in variants {
        if variants.iter().filter(|other| spelled(&other.ty) == spelled(&v.ty)).count() > 1 || *name == spelled(&v.ty) {
            continue;
        }
        let variant = ident(&v.rust_name);
        let ty = type_tokens(&v.ty);
        let wrap = if v.boxed { quote!(Box::new(value)) } else { quote!(value) };
        tokens.extend(quote! {
            impl From<#ty> for #name {
                fn from(value: #ty) -> Self {
                    Self::#variant(#wrap)
                }
            }
        });
        if *index.resolve(&v.ty) == TypeRef::String {
            tokens.extend(quote! {
                impl From<&str> for #name {
                    fn from(value: &str) -> Self {
                        Self::#variant(value.to_string())
                    }
                }
            });
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn examples_show_as_code_spans_cut_to_a_line() {
        assert_eq!(examples_note(&[]), "");
        assert_eq!(examples_note(&[json!({"a": [1, null]})]), "Example: `{\"a\":[1,null]}`");
        assert_eq!(examples_note(&[json!(1), json!(2), json!(3), json!(4), json!(5)]), "Examples: `1`, `2`, `3` (and 2 more)");
        let long = examples_note(&[json!("x".repeat(200))]);
        assert_eq!(long.chars().count(), "Example: ``".len() + 80, "{long}");
        assert!(long.ends_with("xx…`"), "{long}");
        // A fence longer than any run of backticks inside, padded where the text starts with one.
        assert_eq!(code_span("a `b` c"), "``a `b` c``");
        assert_eq!(code_span("``x"), "``` ``x ```");
    }
}
