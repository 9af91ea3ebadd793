//! Structural identity of types: which inline schemas are the same shape, so they become one type.
//!
//! Two types are the same shape when their canonical forms match: the same fields (by wire name, type
//! and requiredness, in any order), the same enum values (in any order) or the same union variants (in
//! order, since untagged decoding tries them in order), where named types inside compare by their own
//! shape. Docs do not take part. This is the coarsest partition stable under that rule (Moore's
//! refinement), so recursive shapes compare correctly too.
//!
//! Component schemas were named by the spec's author: two components are never merged, but an inline
//! schema identical to a component becomes that component.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use crate::ir::{TypeDef, TypeKind, TypeRef};

/// For every type key, the key of the type that stands for its shape: the component of that shape if
/// there is one, else the first key in `order`.
pub fn identical_shapes(
    defs: &BTreeMap<String, TypeDef>,
    is_component: impl Fn(&str) -> bool,
    order: impl Fn(&str) -> usize,
) -> BTreeMap<String, String> {
    let keys: Vec<&str> = defs.keys().map(String::as_str).collect();
    let position: HashMap<&str, usize> = keys.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    // A component's identity is its name; an inline type takes a component's once their shapes match.
    let mut identity: Vec<Option<String>> = keys.iter().map(|k| is_component(k).then(|| k.to_string())).collect();
    let mut class;
    loop {
        class = refine(defs, &keys, &position, &identity, vec![0; keys.len()]);
        // Inline types shaped like a component join it; that can make their parents equal in turn.
        let mut component_of_shape: HashMap<String, String> = HashMap::new();
        for key in &keys {
            if is_component(key) {
                component_of_shape.entry(shape(&defs[*key], &position, &class)).or_insert_with(|| key.to_string());
            }
        }
        let mut joined = false;
        for (i, key) in keys.iter().enumerate() {
            if identity[i].is_none() {
                if let Some(component) = component_of_shape.get(&shape(&defs[*key], &position, &class)) {
                    identity[i] = Some(component.clone());
                    joined = true;
                }
            }
        }
        if !joined {
            break;
        }
    }

    let mut representative_of_class: HashMap<usize, &str> = HashMap::new();
    for (i, key) in keys.iter().enumerate() {
        let entry = representative_of_class.entry(class[i]).or_insert(key);
        let better = match (is_component(key), is_component(entry)) {
            (true, false) => true,
            (false, false) => order(key) < order(entry),
            _ => false,
        };
        if better {
            *entry = key;
        }
    }
    keys.iter().enumerate().map(|(i, key)| (key.to_string(), representative_of_class[&class[i]].to_string())).collect()
}

/// Splits classes until every member of a class has the same shape in terms of the classes of the types
/// it refers to. Starts from `class` (all zeros: one class) and only ever splits, so it ends.
fn refine(
    defs: &BTreeMap<String, TypeDef>,
    keys: &[&str],
    position: &HashMap<&str, usize>,
    identity: &[Option<String>],
    mut class: Vec<usize>,
) -> Vec<usize> {
    let mut count = 0;
    loop {
        let mut ids: HashMap<String, usize> = HashMap::new();
        let next: Vec<usize> = keys
            .iter()
            .enumerate()
            .map(|(i, key)| {
                let mut signature = identity[i].clone().unwrap_or_default();
                signature.push('|');
                signature.push_str(&shape(&defs[*key], position, &class));
                let fresh = ids.len();
                *ids.entry(signature).or_insert(fresh)
            })
            .collect();
        let new_count = ids.len();
        class = next;
        if new_count == count {
            return class;
        }
        count = new_count;
    }
}

/// The canonical form of a type, with the named types it refers to written as their classes.
fn shape(def: &TypeDef, position: &HashMap<&str, usize>, class: &[usize]) -> String {
    let mut out = String::new();
    match &def.kind {
        TypeKind::Struct { fields } => {
            let mut fields: Vec<String> = fields
                .iter()
                .map(|f| {
                    let mut field = format!("{}:{}:", f.wire_name, f.required);
                    type_shape(&f.ty, position, class, &mut field);
                    field
                })
                .collect();
            fields.sort_unstable();
            let _ = write!(out, "struct{{{}}}", fields.join(","));
        }
        TypeKind::Enum { values } => {
            let mut values: Vec<&str> = values.iter().map(|v| v.wire.as_str()).collect();
            values.sort_unstable();
            let _ = write!(out, "enum{{{}}}", values.join(","));
        }
        TypeKind::Union { variants, discriminator } => {
            let _ = write!(out, "union({}){{", discriminator.as_deref().unwrap_or_default());
            for v in variants {
                let _ = write!(out, "{}[{}]:", v.rust_name, v.tags.join(","));
                type_shape(&v.ty, position, class, &mut out);
                out.push(',');
            }
            out.push('}');
        }
        TypeKind::Alias { target } => {
            out.push_str("alias ");
            type_shape(target, position, class, &mut out);
        }
        TypeKind::Never => out.push_str("never"),
        TypeKind::Tuple { elements, rest } => {
            out.push_str("tuple(");
            for element in elements {
                type_shape(element, position, class, &mut out);
                out.push(',');
            }
            out.push_str("..");
            type_shape(rest, position, class, &mut out);
            out.push(')');
        }
    }
    out
}

fn type_shape(ty: &TypeRef, position: &HashMap<&str, usize>, class: &[usize], out: &mut String) {
    match ty {
        TypeRef::Named(name) => match position.get(name.as_str()) {
            Some(&i) => {
                let _ = write!(out, "#{}", class[i]);
            }
            None => {
                let _ = write!(out, "?{name}");
            }
        },
        TypeRef::List(item) => {
            out.push('[');
            type_shape(item, position, class, out);
            out.push(']');
        }
        TypeRef::Map(value) => {
            out.push('{');
            type_shape(value, position, class, out);
            out.push('}');
        }
        TypeRef::Optional(inner) => {
            out.push('?');
            type_shape(inner, position, class, out);
        }
        TypeRef::Tuple(elements) => {
            out.push('(');
            for element in elements {
                type_shape(element, position, class, out);
                out.push(',');
            }
            out.push(')');
        }
        other => {
            let _ = write!(out, "{other:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{EnumValue, Field};

    fn enum_def(name: &str, values: &[&str]) -> TypeDef {
        let values = values.iter().map(|v| EnumValue { rust_name: v.to_uppercase(), wire: v.to_string(), description: None }).collect();
        TypeDef::new(name.into(), String::new(), None, TypeKind::Enum { values })
    }

    fn struct_def(name: &str, fields: &[(&str, TypeRef)]) -> TypeDef {
        let fields = fields
            .iter()
            .map(|(wire, ty)| Field { rust_name: wire.to_string(), wire_name: wire.to_string(), ty: ty.clone(), required: true, nullable_required: false, boxed: false, description: None, examples: Vec::new(), pointer: String::new() })
            .collect();
        TypeDef::new(name.into(), String::new(), None, TypeKind::Struct { fields })
    }

    fn classes(defs: Vec<TypeDef>) -> BTreeMap<String, String> {
        let defs = defs.into_iter().map(|d| (d.name.clone(), d)).collect();
        identical_shapes(&defs, |k| !k.starts_with('#'), |k| k[1..].parse().unwrap_or(usize::MAX))
    }

    #[test]
    fn identical_inline_shapes_merge_through_their_references() {
        let named = |k: &str| TypeRef::Named(k.into());
        let reps = classes(vec![
            enum_def("#1", &["eq", "ne"]),
            enum_def("#2", &["ne", "eq"]),
            enum_def("#3", &["eq"]),
            struct_def("#4", &[("op", named("#1"))]),
            struct_def("#5", &[("op", named("#2"))]),
            struct_def("#6", &[("op", named("#3"))]),
        ]);
        assert_eq!(reps["#2"], "#1");
        assert_eq!(reps["#5"], "#4");
        assert_eq!(reps["#3"], "#3");
        assert_eq!(reps["#6"], "#6");
    }

    #[test]
    fn components_never_merge_but_absorb_inline_copies() {
        let named = |k: &str| TypeRef::Named(k.into());
        let reps = classes(vec![
            enum_def("Color", &["red", "blue"]),
            enum_def("Shade", &["red", "blue"]),
            enum_def("#1", &["red", "blue"]),
            struct_def("#2", &[("c", named("#1"))]),
            struct_def("Paint", &[("c", named("Color"))]),
        ]);
        assert_eq!(reps["Shade"], "Shade");
        assert_eq!(reps["#1"], "Color");
        assert_eq!(reps["#2"], "Paint");
    }

    #[test]
    fn recursive_shapes_compare_by_structure() {
        let named = |k: &str| TypeRef::Named(k.into());
        let reps = classes(vec![
            struct_def("#1", &[("next", TypeRef::List(Box::new(named("#1"))))]),
            struct_def("#2", &[("next", TypeRef::List(Box::new(named("#2"))))]),
            struct_def("#3", &[("next", TypeRef::List(Box::new(named("#3")))), ("x", TypeRef::String)]),
        ]);
        assert_eq!(reps["#2"], "#1");
        assert_eq!(reps["#3"], "#3");
    }
}
