//! Discriminated unions carry their variants' tags: a struct that only ever appears as one variant of
//! unions tagged by a property does not also keep that property as a field.
//!
//! In the spec each variant schema usually declares the tag itself (`type: {enum: [text_delta]}`), so
//! lowered as-is every variant struct gets a field holding a one-value enum (`type_:
//! Option<TextDeltaEventType>`) that says again what the enum variant already says. Serde's internally
//! tagged enums, and hand-written SDKs, leave the tag to the enum; so does this: the union's
//! `Deserialize` reads the tag to choose the variant, and its `Serialize` writes it. The struct is
//! smaller, users build it without naming its tag, and the one-value enum goes away.
//!
//! A struct keeps the field when it is used anywhere else (an operation's input or response, another
//! type's field, an untagged union), since serialized on its own it must still say what it is; and when
//! one variant stands for several tag values, since the field then tells which one arrived.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Resource, TypeDef, TypeKind, TypeRef, VariantTag};

/// Drops the tag field of every struct used only as a variant of unions tagged by that field, records
/// the tag on the struct ([`TypeDef::tagged_by`], for its docs), and removes the inline types only such
/// fields used.
pub fn leave_tags_to_unions(root: &Resource, types: &mut Vec<TypeDef>) {
    let uses = Uses::count(root, types);
    let enums: BTreeSet<String> =
        types.iter().filter(|def| matches!(def.kind, TypeKind::Enum { .. })).map(|def| def.name.clone()).collect();
    let carries_only_a_tag = |ty: &TypeRef| match ty {
        TypeRef::String => true,
        TypeRef::Named(name) => enums.contains(name),
        _ => false,
    };
    let mut dropped_any = false;
    for def in types.iter_mut() {
        let Some(tags) = uses.only_as_tagged_variant.get(&def.name) else { continue };
        if uses.other.contains(&def.name) {
            continue;
        }
        let property = &tags[0].property;
        if tags.iter().any(|tag| &tag.property != property) {
            continue;
        }
        let TypeKind::Struct { fields } = &mut def.kind else { continue };
        let before = fields.len();
        // A tag is a string or a string enum; a member of that name holding anything else is data.
        fields.retain(|field| &field.wire_name != property || !carries_only_a_tag(&field.ty));
        if fields.len() < before {
            def.tagged_by = tags.clone();
            dropped_any = true;
        }
    }
    if dropped_any {
        remove_orphans(root, types);
    }
}

/// How each named type is used.
#[derive(Default)]
struct Uses {
    /// Types used as a variant of a discriminated union that selects them with exactly one tag value.
    only_as_tagged_variant: BTreeMap<String, Vec<VariantTag>>,
    /// Types used in any other way (or as a variant several tag values select).
    other: BTreeSet<String>,
}

impl Uses {
    fn count(root: &Resource, types: &[TypeDef]) -> Self {
        let mut uses = Uses::default();
        uses.other.extend(operation_types(root));
        for def in types {
            let TypeKind::Union { variants, discriminator: Some(property) } = &def.kind else {
                uses.other.extend(def.references().map(str::to_string));
                continue;
            };
            for variant in variants {
                match (&variant.ty, variant.tags.as_slice()) {
                    (TypeRef::Named(name), [value]) => {
                        uses.only_as_tagged_variant.entry(name.clone()).or_default().push(VariantTag {
                            union: def.name.clone(),
                            variant: variant.rust_name.clone(),
                            property: property.clone(),
                            value: value.clone(),
                        });
                    }
                    _ => uses.other.extend(variant.ty.named().into_iter().map(str::to_string)),
                }
            }
        }
        uses
    }
}

/// Removes inline types nothing refers to any more (a dropped tag field's enum). Components stay: the
/// spec's author named them, and users may use them on their own.
fn remove_orphans(root: &Resource, types: &mut Vec<TypeDef>) {
    loop {
        let mut used = operation_types(root);
        for def in types.iter() {
            used.extend(def.references().map(str::to_string));
        }
        let before = types.len();
        types.retain(|def| used.contains(&def.name) || is_component(&def.pointer));
        if types.len() == before {
            return;
        }
    }
}

/// Whether the type is a schema of `#/components/schemas` itself (not one inline within it).
fn is_component(pointer: &str) -> bool {
    pointer.strip_prefix("#/components/schemas/").is_some_and(|name| !name.contains('/'))
}

/// The named types operations refer to, through their inputs and responses.
fn operation_types(root: &Resource) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    root.walk(&mut |resource| {
        let refs = resource.operations.iter().flat_map(|op| op.type_refs());
        names.extend(refs.flat_map(TypeRef::named).map(str::to_string));
    });
    names
}
