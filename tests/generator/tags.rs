//! Discriminated unions carry their variants' tags: a struct used only as one variant of unions tagged
//! by a property has no field for it, and a struct used any other way keeps the field.

use openapi_sdkgen::ir::{Api, TypeDef, TypeKind};
use openapi_sdkgen::Generator;

use super::repo_root;

fn fixture() -> Api {
    Generator::new().ir_file(&repo_root().join("tests/fixtures/union_variant_tags.yaml")).expect("the fixture lowers")
}

fn def<'a>(api: &'a Api, name: &str) -> &'a TypeDef {
    api.types.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("type {name} exists"))
}

fn wire_fields(api: &Api, name: &str) -> Vec<String> {
    match &def(api, name).kind {
        TypeKind::Struct { fields } => fields.iter().map(|f| f.wire_name.clone()).collect(),
        other => panic!("{name} is a struct, not {other:?}"),
    }
}

#[test]
fn variants_used_only_in_tagged_unions_leave_the_tag_to_the_union() {
    let api = fixture();
    // A one-value enum, a shared enum component, a plain string and an inline variant: all dropped.
    assert_eq!(wire_fields(&api, "Created"), ["id"]);
    assert_eq!(wire_fields(&api, "Deleted"), ["id"]);
    assert_eq!(wire_fields(&api, "Labelled"), ["label"]);
    assert_eq!(wire_fields(&api, "Commented"), ["text"]);
    // The tags are recorded for the docs: `Created` is a variant of both unions, with their own tags.
    let tags: Vec<(String, String)> = def(&api, "Created").tagged_by.iter().map(|t| (t.union.clone(), t.value.clone())).collect();
    assert_eq!(tags, [("Event".to_string(), "created".to_string()), ("Notice".to_string(), "new".to_string())]);
}

#[test]
fn a_struct_used_on_its_own_or_selected_by_several_tags_keeps_its_tag() {
    let api = fixture();
    // Returned by an operation on its own, serialized alone it must still say what it is.
    assert!(wire_fields(&api, "Audited").contains(&"type".to_string()));
    assert!(def(&api, "Audited").tagged_by.is_empty());
    // `moved` and `renamed` both select it: the field tells which one arrived.
    assert!(wire_fields(&api, "Moved").contains(&"type".to_string()));
}

#[test]
fn enums_only_a_dropped_tag_used_go_away_and_components_stay() {
    let api = fixture();
    let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    assert!(!names.contains(&"CreatedType"), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with("Commented") && *n != "Commented"), "{names:?}");
    assert!(names.contains(&"EventKind"), "a component stays even when no field uses it: {names:?}");
    assert!(names.contains(&"AuditedType"), "a kept tag keeps its enum: {names:?}");
}
