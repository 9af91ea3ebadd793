//! `generator diff`'s classification on small specs, one rule per test. (`make semver` checks the
//! verdicts on the real spec against cargo-semver-checks.)

use openapi_sdkgen::diff::{diff, Level, Report};
use openapi_sdkgen::surface::Surface;
use openapi_sdkgen::Generator;

/// A spec with one resource (`things`): a list operation and a create taking a `Thing`.
fn spec(get_params: &str, thing_props: &str, thing_required: &str, color_enum: &str) -> String {
    format!(
        r#"
openapi: 3.0.3
info: {{title: Things, version: "1"}}
paths:
  /things/{{id}}:
    get:
      operationId: get
      tags: [things]
      parameters:
        - {{name: id, in: path, required: true, schema: {{type: string}}}}
{get_params}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Thing'}}
  /things:
    post:
      operationId: create
      tags: [things]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [thing]
              properties:
                thing: {{$ref: '#/components/schemas/NewThing'}}
      responses:
        "204": {{description: created}}
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id: {{type: string}}
        color: {{$ref: '#/components/schemas/Color'}}
    NewThing:
      type: object
      required: [{thing_required}]
      properties:
{thing_props}
    Color:
      type: string
      enum: [{color_enum}]
"#
    )
}

const NEW_THING: &str = "        name: {type: string}\n        size: {type: integer}";

fn base() -> String {
    spec("", NEW_THING, "name", "red, green")
}

fn report(old: &str, new: &str) -> Report {
    let surface = |text: &str| Surface::of(&Generator::new().ir(text).expect("spec lowers"));
    diff(&surface(old), &surface(new))
}

fn changes(report: &Report) -> Vec<(Level, String, String)> {
    report.changes.iter().map(|c| (c.level, c.item.clone(), c.what.clone())).collect()
}

#[test]
fn an_unchanged_spec_has_no_changes() {
    let report = report(&base(), &base());
    assert_eq!(report.verdict(), None);
    assert!(report.changes.is_empty());
}

#[test]
fn a_new_optional_parameter_is_a_setter_and_a_required_one_an_argument() {
    let optional = spec("        - {name: verbose, in: query, schema: {type: boolean}}", NEW_THING, "name", "red, green");
    let report_optional = report(&base(), &optional);
    assert_eq!(changes(&report_optional), [(Level::Feature, "client.things().get()".to_owned(), "new setter `verbose: bool`".to_owned())]);

    let required = spec("        - {name: verbose, in: query, required: true, schema: {type: boolean}}", NEW_THING, "name", "red, green");
    let report_required = report(&base(), &required);
    assert_eq!(report_required.verdict(), Some(Level::Breaking));
    assert_eq!(report_required.changes[0].what, "new required argument `verbose: bool`");
    assert_eq!(report_required.changes[0].pointer, "#/paths/~1things~1{id}/get");

    // Optional to required moves the input from the setters to the arguments.
    let moved = report(&optional, &required);
    assert_eq!(changes(&moved), [(Level::Breaking, "client.things().get()".to_owned(), "`verbose` is now required: a method argument instead of a setter".to_owned())]);
}

#[test]
fn a_new_field_is_a_feature_of_a_response_type_and_of_an_input_unless_required() {
    let with_note = |required: &str| spec("", &format!("{NEW_THING}\n        note: {{type: string}}"), required, "red, green");
    let optional = report(&base(), &with_note("name"));
    assert_eq!(optional.verdict(), Some(Level::Feature));
    assert_eq!(optional.changes[0].item, "types::NewThing::note");
    assert_eq!(optional.changes[0].pointer, "#/components/schemas/NewThing/properties/note");

    // A required field of a type users build changes its constructor.
    let required = report(&base(), &with_note("name, note"));
    assert!(
        changes(&required).contains(&(Level::Breaking, "types::NewThing".to_owned(), "`new(name: String, note: String)` (was `new(name: String)`)".to_owned())),
        "{}",
        required.to_text()
    );
}

#[test]
fn enum_values_added_are_features_and_removed_are_breaking() {
    let added = report(&base(), &spec("", NEW_THING, "name", "red, green, blue"));
    assert_eq!(changes(&added), [(Level::Feature, "types::Color".to_owned(), "new value `blue` (variant `Blue`)".to_owned())]);
    let removed = report(&base(), &spec("", NEW_THING, "name", "red"));
    assert_eq!(changes(&removed), [(Level::Breaking, "types::Color".to_owned(), "value `green` (variant `Green`) removed".to_owned())]);
}

#[test]
fn wire_only_changes_are_fixes() {
    let moved = base().replace("/things/{id}:", "/v2/things/{id}:").replace("~1things~1", "~1v2~1things~1");
    let report = report(&base(), &moved);
    assert_eq!(report.verdict(), Some(Level::Fix));
    assert_eq!(report.changes[0].what, "sends `GET /v2/things/{id}` (was `GET /things/{id}`)");
}

#[test]
fn renamed_positional_arguments_are_a_fix_but_reordered_ones_break() {
    let two = |a: &str, b: &str| {
        spec(&format!("        - {{name: {a}, in: query, required: true, schema: {{type: string}}}}\n        - {{name: {b}, in: query, required: true, schema: {{type: integer}}}}"), NEW_THING, "name", "red")
    };
    let renamed = report(&two("owner", "limit"), &two("user", "limit"));
    assert_eq!(renamed.verdict(), Some(Level::Fix), "{}", renamed.to_text());
    let swapped = spec(
        "        - {name: limit, in: query, required: true, schema: {type: integer}}\n        - {name: owner, in: query, required: true, schema: {type: string}}",
        NEW_THING,
        "name",
        "red",
    );
    let reordered = report(&two("owner", "limit"), &swapped);
    assert_eq!(reordered.verdict(), Some(Level::Breaking));
    assert!(reordered.to_text().contains("arguments reordered: (id, limit, owner) instead of (id, owner, limit)"), "{}", reordered.to_text());
}

#[test]
fn reports_render_as_text_markdown_and_json() {
    let report = report(&base(), &spec("", NEW_THING, "name", "red, green, blue"));
    assert!(report.to_text().starts_with("feature: 0 breaking, 1 feature, 0 fix\n\nthings\n  feature "), "{}", report.to_text());
    assert!(report.to_markdown().starts_with("### Features\n\n- **things** `types::Color`: new value"), "{}", report.to_markdown());
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).expect("JSON");
    assert_eq!(json["verdict"], "feature");
    assert_eq!(json["changes"][0]["pointer"], "#/components/schemas/Color");
}

#[test]
fn a_renamed_resource_handle_breaks_code_that_names_it() {
    let surface = |text: &str| Surface::of(&Generator::new().ir(text).expect("spec lowers"));
    let old = surface(&base());
    let handle = old.resources.get("things").cloned().expect("the resource's handle is recorded");
    let mut renamed = old.clone();
    renamed.resources.insert("things".into(), "ThingHandle".into());
    let report = diff(&old, &renamed);
    assert_eq!(changes(&report), [(Level::Breaking, format!("resources::things::{handle}"), "handle type renamed to `ThingHandle`".to_owned())]);
    // A surface recorded before handles were has none to compare: no change is made up.
    let mut unrecorded = old.clone();
    unrecorded.resources.clear();
    assert!(diff(&unrecorded, &renamed).changes.is_empty());
}

#[test]
fn splitting_a_namespace_into_features_breaks_no_build() {
    let text = std::fs::read_to_string(super::repo_root().join("tests/fixtures/features_nested.yaml")).expect("fixture");
    let split = Surface::of(&Generator::new().ir(&text).expect("spec lowers"));
    // The same SDK as it was before namespaces split: one feature per top-level resource.
    let mut whole = split.clone();
    whole.features.retain(|f| !f.contains('-'));
    whole.feature_enables.clear();
    for ty in whole.types.values_mut() {
        let mut features: Vec<String> = ty.features.iter().map(|f| if f.starts_with("store") { "store".to_owned() } else { f.clone() }).collect();
        features.dedup();
        ty.features = features;
    }
    let report = diff(&whole, &split);
    assert_eq!(report.verdict(), Some(Level::Feature), "{}", report.to_text());
    assert!(report.to_text().contains("feature `store-orders-items`: added"), "{}", report.to_text());
    assert!(report.to_text().contains("types::InventoryGetInventoryResponse: compiled with `store-inventory` (was `store`)"), "{}", report.to_text());
    // Back to whole features: builds with `store-orders` alone break.
    assert_eq!(diff(&split, &whole).verdict(), Some(Level::Breaking));
    // A namespace whose feature no longer turns a child's on breaks builds that relied on it.
    let mut dropped = split.clone();
    dropped.feature_enables.insert("store".into(), vec!["store-orders".into()]);
    let report = diff(&split, &dropped);
    assert!(changes(&report).contains(&(Level::Breaking, "feature `store`".to_owned(), "no longer turns on `store-inventory`".to_owned())), "{}", report.to_text());
}

#[test]
fn builders_that_became_aliases_of_request_are_breaking_once() {
    let surface = |text: &str| Surface::of(&Generator::new().ir(text).expect("spec lowers"));
    let now = surface(&base());
    // A surface recorded when each builder was a struct of its own has no operation types.
    let mut structs = now.clone();
    for op in structs.operations.values_mut() {
        op.operation_type = None;
    }
    let report = diff(&structs, &now);
    let breaking: Vec<String> = changes(&report).into_iter().filter(|(level, _, _)| *level == Level::Breaking).map(|(_, _, what)| what).collect();
    assert_eq!(breaking.len(), now.operations.len(), "{breaking:?}");
    assert!(breaking.iter().all(|what| what.contains("is now an alias of `Request<")), "{breaking:?}");
    // From then on the same builders are no change.
    assert!(diff(&now, &now).changes.is_empty());
}
