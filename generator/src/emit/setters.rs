//! Setters many operations share, written once: `src/resources/<module>.rs` holds, for each, a
//! trait the operations that have it implement and one `impl<O: Trait> Request<O>` with the setter.
//!
//! An operation's optional input whose setter (signature, docs, body) is word for word another
//! operation's, as an API's paging or filter parameters are (Microsoft Graph's `$top`, `$filter`,
//! ...; LlamaCloud's `organization_id`), is then one function instead of one per operation: each
//! function is code rustc type-checks and borrow-checks, and per operation they were most of what
//! a large API's SDK cost to compile. Users call `.top(5)` on a builder either way.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::resources::{location_noun, null_setter_name, setter, ModuleContext};
use super::types::type_imports;
use super::{cfg_features, doc_attrs_raw, ident, ordered_uses, Emitted, Source, TypeIndex};
use crate::ir::{Api, ClientParam, Input, Operation, TypeKind, TypeRef};
use crate::naming::Namespace;

/// Which operations' inputs take a shared setter, and the module that holds them.
pub struct SharedSetters {
    /// The module under `crate::resources` (`setters`, unless a resource takes that name).
    pub module: String,
    /// The shared setter of (operation pointer, input name).
    by_input: BTreeMap<(String, String), Shared>,
}

/// The shared setter an operation's input takes: its trait, and the type the operation gives the
/// trait's `Value` where the setter is alike across operations but for the type of its value.
pub struct Shared {
    pub name: String,
    pub value: Option<String>,
}

impl SharedSetters {
    /// No shared setters.
    pub const NONE: SharedSetters = SharedSetters { module: String::new(), by_input: BTreeMap::new() };

    /// The shared setter `op`'s builder takes for `input`, if it takes one.
    pub fn shared(&self, op: &Operation, input: &Input) -> Option<&Shared> {
        self.by_input.get(&(op.pointer.clone(), input.rust_name.clone()))
    }
}

/// One setter as several operations have it.
struct Group<'a> {
    op: &'a Operation,
    input: &'a Input,
    /// The features of the operations that have it (`None`: one of them is always compiled).
    features: Option<BTreeSet<String>>,
    /// The operations, each with the named type of its value where the setter is generic over it.
    members: Vec<(&'a Operation, Option<String>)>,
}

impl Group<'_> {
    /// Whether the setter is alike across its operations only but for the type of its value.
    fn generic(&self) -> bool {
        self.members.iter().any(|(_, value)| value.is_some() && *value != self.members[0].1)
    }
}

/// The named type of an input's value (`T`, or `T` of a list of `T`), which operations' setters may
/// differ by alone (Graph's `$select` takes each operation's own enum of property names). Not an
/// alias: a setter takes what an alias names (`impl Into<String>`), which the trait cannot stand for.
fn value_type<'i>(input: &'i Input, index: &TypeIndex) -> Option<&'i str> {
    let name = match &input.ty {
        TypeRef::List(item) => match item.as_ref() {
            TypeRef::Named(name) => name,
            _ => return None,
        },
        TypeRef::Named(name) => name,
        _ => return None,
    };
    let alias = index.get(name).is_some_and(|def| matches!(def.kind, TypeKind::Alias { .. }));
    (!alias).then_some(name.as_str())
}

/// `code` with the whole-token occurrences of `name` replaced by `with`.
fn replace_token(code: &str, name: &str, with: &str) -> String {
    format!(" {code} ").replace(&format!(" {name} "), &format!(" {with} ")).trim().to_string()
}

/// What stands for the value's type in a shared setter's code.
const VALUE: &str = "O :: Value";

/// Finds the setters operations share and writes their module; gives what the resource modules need
/// to use them.
pub fn emit(api: &Api, index: &TypeIndex, client_params: &[ClientParam], enables: &BTreeMap<String, Vec<String>>, files: &mut Emitted) -> SharedSetters {
    let none = SharedSetters::NONE;
    let mut scratch = ModuleContext::new(index, client_params, enables, &none);
    // Every optional input's setter, by name, then by its code.
    let mut by_code: BTreeMap<String, BTreeMap<String, Group>> = BTreeMap::new();
    let mut visit = vec![&api.root];
    while let Some(resource) = visit.pop() {
        visit.extend(resource.children.iter().rev());
        for op in &resource.operations {
            for input in op.inputs.iter().filter(|i| !i.required) {
                let mut code = setter(op, input, &mut scratch).to_string();
                // Alike but for the named type of the value is alike; whether that type is written as
                // text or as JSON is part of the code.
                let value = value_type(input, index);
                if let Some(value) = value {
                    code = format!("{} {}", replace_token(&code, value, VALUE), index.is_display(&TypeRef::Named(value.to_string())));
                }
                let group = by_code.entry(input.rust_name.clone()).or_default().entry(code).or_insert_with(|| Group { op, input, features: Some(BTreeSet::new()), members: Vec::new() });
                group.members.push((op, value.map(str::to_string)));
                match (&mut group.features, &resource.feature) {
                    (Some(features), Some(feature)) => {
                        features.insert(feature.clone());
                    }
                    (features, _) => *features = None,
                }
            }
        }
    }
    // Per name, the setter most operations have, if two or more do; the methods of two shared
    // setters must not clash (a field `a` writes `a_null` too, which an input may be called).
    let mut chosen: Vec<Group> = by_code
        .into_values()
        .filter_map(|groups| groups.into_values().filter(|g| g.members.len() > 1).max_by_key(|g| g.members.len()))
        .collect();
    chosen.sort_by(|a, b| b.members.len().cmp(&a.members.len()).then_with(|| a.input.rust_name.cmp(&b.input.rust_name)));
    let mut methods = BTreeSet::new();
    chosen.retain(|group| {
        let names = method_names(group);
        let free = names.iter().all(|name| !methods.contains(name));
        if free {
            methods.extend(names);
        }
        free
    });
    if chosen.is_empty() {
        return SharedSetters::NONE;
    }
    chosen.sort_by(|a, b| a.input.rust_name.cmp(&b.input.rust_name));

    let taken: Vec<&str> = api.root.children.iter().filter_map(|c| c.module_path.last().map(String::as_str)).collect();
    let module = ["setters", "shared_setters"].into_iter().find(|m| !taken.contains(m)).unwrap_or("shared_setters_");
    let mut ctx = ModuleContext::new(index, client_params, enables, &none);
    // Trait names must not clash with the API's types or the runtime's, which the module imports.
    let mut traits = Namespace::default();
    for name in api.types.iter().map(|t| t.name.as_str()).chain(["Request", "Timestamp", "QueryStyle", "Nullable", "Upload", "Bytes", "Value", "Map", "BTreeMap"]) {
        traits.claim_exact(name);
    }
    let (mut uses_fmt, mut uses_serialize) = (false, false);
    let mut by_input = BTreeMap::new();
    let mut items = Vec::new();
    for group in &chosen {
        let name = traits.claim(&format!("Takes{}", group.input.rust_name.to_upper_camel_case()));
        let generic = group.generic();
        for (op, value) in &group.members {
            let value = value.clone().filter(|_| generic);
            by_input.insert((op.pointer.clone(), group.input.rust_name.clone()), Shared { name: name.clone(), value });
        }
        let gate = group.features.as_ref().map(|features| cfg_features(&features.iter().cloned().collect::<Vec<_>>())).unwrap_or_default();
        let doc = doc_attrs_raw(&format!("The operations whose request builders take [`{}`](Request::{}) (the {} `{}`).", group.input.rust_name, group.input.rust_name, location_noun(group.input.location), group.input.wire_name));
        let name = ident(&name);
        let (setter, value) = match value_type(group.input, index).filter(|_| generic) {
            Some(value) => {
                // The setter of one operation, its value's type made the trait's.
                let mut own = ModuleContext::new(index, client_params, enables, &none);
                let code = replace_token(&setter(group.op, group.input, &mut own).to_string(), value, VALUE);
                ctx.runtime.extend(own.runtime);
                ctx.bytes |= own.bytes;
                let code: TokenStream = code.parse().expect("a setter's code with a type replaced is still Rust");
                let bound = if index.is_display(&TypeRef::Named(value.to_string())) { quote!(fmt::Display + Serialize) } else { quote!(Serialize) };
                uses_fmt |= index.is_display(&TypeRef::Named(value.to_string()));
                uses_serialize = true;
                (code, quote!(type Value: #bound;))
            }
            None => (setter(group.op, group.input, &mut ctx), TokenStream::new()),
        };
        items.push(quote! {
            #doc
            #gate
            pub trait #name {
                #value
            }

            #gate
            impl<O: #name> Request<O> {
                #setter
            }
        });
    }
    ctx.runtime.insert("Request");
    let mut uses = ctx.imports.std_tokens();
    if uses_fmt {
        uses.extend(quote!(use std::fmt;));
    }
    if uses_serialize {
        uses.extend(quote!(use serde::Serialize;));
    }
    if ctx.bytes {
        uses.extend(quote!(use bytes::Bytes;));
    }
    let runtime = ctx.runtime.iter().map(|n| ident(n));
    uses.extend(quote!(use crate::runtime::{#(#runtime),*};));
    let uses = ordered_uses(uses);
    // Each type the setters name is imported under its own features: a shared setter compiles when
    // one of its operations does, and each of them reaches the type.
    let type_uses = type_imports(&ctx.imports, &[], &BTreeSet::new(), index, &None);
    let tokens = quote! {
        //! Setters many operations' request builders share, each written once: a marker trait the
        //! operations implement and one generic impl of `Request` with the setter.
        // Which imports are used depends on the features enabled.
        #![allow(unused_imports)]
        #uses
        #type_uses
        #(#items)*
    };
    files.insert(format!("src/resources/{module}.rs"), Source::Rust(tokens));
    SharedSetters { module: module.to_string(), by_input }
}

/// The methods a shared setter defines: the setter, and for a nullable body field its `_null` one.
fn method_names(group: &Group) -> Vec<String> {
    let mut names = vec![group.input.rust_name.clone()];
    names.extend(null_setter_name(group.op, group.input));
    names
}
