//! The name lock: a regeneration keeps every recorded name for what it named, newcomers take the
//! names left, `x-sdk-name` and `--rename` rename on purpose, and the diff says why.

use openapi_sdkgen::diff;
use openapi_sdkgen::ir::{Api, TypeKind};
use openapi_sdkgen::lock::{NameLock, NAMES_FILE};
use openapi_sdkgen::surface::Surface;
use openapi_sdkgen::Generator;

use crate::{fixtures, repo_root};

fn lower(spec: &str, lock: Option<&NameLock>) -> Api {
    lower_at(spec, None, lock)
}

/// `lower` for a spec whose references to other files resolve relative to `file`.
fn lower_at(spec: &str, file: Option<&std::path::Path>, lock: Option<&NameLock>) -> Api {
    Generator::new().ir_document(spec, file, lock).unwrap_or_else(|e| panic!("spec lowers: {e:?}"))
}

/// The next generation of `new` after `old` was generated (with `old`'s names kept).
fn regenerate(old: &str, new: &str) -> (Api, Api) {
    let old = lower(old, None);
    let new = lower(new, Some(&NameLock::of(&old)));
    (old, new)
}

/// The type at `place` (any of its places, where an operation with an id is `#/operations/{id}`).
fn name_at(api: &Api, place: &str) -> String {
    api.types.iter().find(|t| t.places.iter().any(|p| p == place)).map(|t| t.name.clone()).unwrap_or_else(|| panic!("a type at {place}"))
}

fn breaking(old: &Api, new: &Api) -> Vec<String> {
    diff::diff(&Surface::of(old), &Surface::of(new)).changes.into_iter().filter(|c| c.level == diff::Level::Breaking).map(|c| format!("{}: {}", c.item, c.what)).collect()
}

const MAIL: &str = r#"
openapi: 3.0.3
info: {title: Mail, version: "1"}
paths:
  /messages:
    get:
      operationId: get_message
      responses:
        '200':
          description: A message.
          content:
            application/json:
              schema:
                type: object
                properties:
                  attachments:
                    type: array
                    items: {type: object, properties: {name: {type: string}}}
                  priority: {type: string, enum: [low, high]}
"#;

/// MAIL with one more operation, first, whose response wants `Attachment` too.
fn mail_with_uploads() -> String {
    let uploads = r#"
  /uploads:
    get:
      operationId: get_upload
      responses:
        '200':
          description: An upload.
          content:
            application/json:
              schema:
                type: object
                properties:
                  attachments:
                    type: array
                    items: {type: object, properties: {url: {type: string}}}"#;
    MAIL.replacen("paths:", &format!("paths:{uploads}"), 1)
}

const ITEM: &str = "#/operations/get_message/responses/200/content/application~1json/schema/properties/attachments/items";

#[test]
fn a_recorded_name_stays_when_a_newcomer_wants_it() {
    let new_spec = mail_with_uploads();
    // Without the lock the two `attachments` items share the want, so neither is `Attachment`.
    assert_eq!(name_at(&lower(&new_spec, None), ITEM), "GetMessageResponseAttachment");
    let (old, new) = regenerate(MAIL, &new_spec);
    assert_eq!(name_at(&old, ITEM), "Attachment");
    assert_eq!(name_at(&new, ITEM), "Attachment");
    let upload = "#/operations/get_upload/responses/200/content/application~1json/schema/properties/attachments/items";
    assert_eq!(name_at(&new, upload), "GetUploadResponseAttachment");
    assert_eq!(breaking(&old, &new), Vec::<String>::new());
    // The diff says which recorded name the newcomer passed by.
    let report = diff::diff(&Surface::of(&old), &Surface::of(&new)).explained(&new.name_notes);
    let added = report.changes.iter().find(|c| c.item == "types::GetUploadResponseAttachment").expect("the newcomer is added");
    assert!(added.what.contains("not `Attachment`: `Attachment` stays the name of the type at") && added.what.contains(ITEM), "{}", added.what);
}

#[test]
fn a_new_component_does_not_take_an_inline_types_name_unless_x_sdk_name_says_so() {
    let with_component = format!("{MAIL}components:\n  schemas:\n    Priority: {{type: object, properties: {{level: {{type: integer}}}}}}\n");
    let (old, new) = regenerate(MAIL, &with_component);
    let inline = "#/operations/get_message/responses/200/content/application~1json/schema/properties/priority";
    assert_eq!(name_at(&old, inline), "Priority");
    assert_eq!(name_at(&new, inline), "Priority");
    assert_eq!(name_at(&new, "#/components/schemas/Priority"), "Priority2");
    assert!(new.name_notes["Priority2"].contains("set `x-sdk-name` on the schema"), "{:?}", new.name_notes);
    assert_eq!(breaking(&old, &new), Vec::<String>::new());

    // `x-sdk-name` wins over the lock: the component takes the name, the inline type is renamed.
    let chosen = with_component.replace("Priority: {type: object,", "Priority: {x-sdk-name: Priority, type: object,");
    let renamed = lower(&chosen, Some(&NameLock::of(&old)));
    assert_eq!(name_at(&renamed, "#/components/schemas/Priority"), "Priority");
    let now = name_at(&renamed, inline);
    assert_ne!(now, "Priority");
    let text = diff::diff(&Surface::of(&old), &Surface::of(&renamed)).to_text();
    let rename = format!("types::Priority: renamed to `types::{now}`; `Priority` now names the type at `#/components/schemas/Priority`");
    assert!(text.contains(&rename), "{text}");
    // A name two schemas choose is an error at the second one's pointer.
    let twice = chosen.replace("priority: {type: string,", "priority: {x-sdk-name: Priority, type: string,");
    let error = Generator::new().ir(&twice).expect_err("two types cannot have one name");
    assert!(error.pointer.ends_with("/x-sdk-name") && error.message.contains("`Priority` is already the name of another type"), "{error:?}");
}

#[test]
fn a_new_place_joins_a_shared_shape_under_its_recorded_name_and_a_split_keeps_it_where_the_shape_stayed() {
    let spec = |extra_field: &str| {
        format!(
            r#"
openapi: 3.0.3
info: {{title: Shapes, version: "1"}}
paths:
  /a:
    get:
      operationId: get_a
      responses:
        '200':
          description: A.
          content:
            application/json:
              schema:
                type: object
                properties:
                  owner: {{type: object, properties: {{id: {{type: string}}, email: {{type: string}}}}}}
                  reviewer: {{type: object, properties: {{id: {{type: string}}, email: {{type: string}}{extra_field}}}}}
"#
        )
    };
    let owner = "#/operations/get_a/responses/200/content/application~1json/schema/properties/owner";
    let reviewer = "#/operations/get_a/responses/200/content/application~1json/schema/properties/reviewer";
    let old = lower(&spec(""), None);
    let shared = name_at(&old, owner);
    assert_eq!(name_at(&old, reviewer), shared, "one type for both places");
    // The reviewer gains a field: the owner kept the recorded shape, so it keeps the name.
    let split = lower(&spec(", level: {type: integer}"), Some(&NameLock::of(&old)));
    assert_eq!(name_at(&split, owner), shared);
    assert_ne!(name_at(&split, reviewer), shared);
    // Starting from the split, the places agree again: the shape goes back to one type, named as
    // its recorded places say.
    let joined = lower(&spec(""), Some(&NameLock::of(&split)));
    assert_eq!(name_at(&joined, reviewer), name_at(&joined, owner));
}

#[test]
fn fields_enum_values_variants_and_setters_keep_their_names_when_a_newcomer_reads_the_same() {
    let spec = |first_value: &str, first_field: &str, first_variant: &str, first_param: &str| {
        format!(
            r#"
openapi: 3.0.3
info: {{title: Cases, version: "1"}}
paths:
  /jobs:
    get:
      operationId: list_jobs
      parameters:{first_param}
        - {{name: page_size, in: query, schema: {{type: integer}}}}
      responses:
        '200':
          description: A job.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Job'
components:
  schemas:
    Job:
      type: object
      properties:{first_field}
        job_id: {{type: string}}
        state: {{type: string, enum: [{first_value}in_progress, done]}}
        event:
          oneOf:{first_variant}
            - {{type: object, required: [kind], properties: {{kind: {{type: string, enum: [text_delta]}}, text: {{type: string}}}}}}
            - {{type: object, required: [kind], properties: {{kind: {{type: string, enum: [stop]}}}}}}
          discriminator: {{propertyName: kind}}
"#
        )
    };
    let old_spec = spec("", "", "", "");
    let new_spec = spec(
        "IN-PROGRESS, ",
        "\n        jobId: {type: string}",
        "\n            - {type: object, required: [kind], properties: {kind: {type: string, enum: [TEXT_DELTA]}}}",
        "\n        - {name: pageSize, in: query, schema: {type: integer}}",
    );
    // Without the lock each newcomer comes first and takes the name.
    assert!(!breaking(&lower(&old_spec, None), &lower(&new_spec, None)).is_empty());
    let (old, new) = regenerate(&old_spec, &new_spec);
    assert_eq!(breaking(&old, &new), Vec::<String>::new());
    let job = new.types.iter().find(|t| t.name == "Job").expect("Job");
    let TypeKind::Struct { fields } = &job.kind else { panic!("Job is a struct") };
    let field = |wire: &str| fields.iter().find(|f| f.wire_name == wire).map(|f| f.rust_name.as_str());
    assert_eq!((field("job_id"), field("jobId")), (Some("job_id"), Some("job_id_2")));
    let state = new.types.iter().find(|t| matches!(&t.kind, TypeKind::Enum { values } if values.len() == 3)).expect("the state enum");
    let TypeKind::Enum { values } = &state.kind else { unreachable!() };
    let value = |wire: &str| values.iter().find(|v| v.wire == wire).map(|v| v.rust_name.as_str());
    assert_eq!((value("in_progress"), value("IN-PROGRESS")), (Some("InProgress"), Some("InProgress2")));
    let op = &new.root.operations[0];
    let input = |wire: &str| op.inputs.iter().find(|i| i.wire_name == wire).map(|i| i.rust_name.as_str());
    assert_eq!((input("page_size"), input("pageSize")), (Some("page_size"), Some("query_page_size")));
}

#[test]
fn a_resource_handle_keeps_its_name_when_a_new_component_wants_it() {
    let old_spec = MAIL.replace("operationId: get_message", "operationId: get_message\n      tags: [inbox]");
    // Handles are `<Resource>Resource`, so only a component of exactly that name competes.
    let new_spec = format!("{old_spec}components:\n  schemas:\n    InboxResource: {{type: object, properties: {{unread: {{type: integer}}}}}}\n");
    let handle = |api: &Api| api.root.children[0].type_name.clone();
    assert_eq!(handle(&lower(&new_spec, None)), "InboxResource2", "without the lock the component takes it");
    let (old, new) = regenerate(&old_spec, &new_spec);
    assert_eq!((handle(&old), handle(&new)), ("InboxResource".to_owned(), "InboxResource".to_owned()));
    assert_eq!(name_at(&new, "#/components/schemas/InboxResource"), "InboxResource2");
}

#[test]
fn methods_named_from_the_path_keep_their_names() {
    let old_spec = r#"
openapi: 3.0.3
info: {title: Ops, version: "1"}
paths:
  /answers:
    get:
      responses: {'204': {description: Done.}}
"#;
    let new_spec = old_spec.replace("paths:\n", "paths:\n  /answers/{key}:\n    get:\n      parameters: [{name: key, in: path, required: true, schema: {type: string}}]\n      responses: {'204': {description: Done.}}\n");
    let (old, new) = regenerate(old_spec, &new_spec);
    let method = |api: &Api, path: &str| api.root.operations.iter().find(|o| o.path == path).map(|o| o.method_name.clone()).expect("operation");
    assert_eq!(method(&old, "/answers"), "get_answers");
    assert_eq!(method(&new, "/answers"), "get_answers");
    assert_eq!(method(&new, "/answers/{key}"), "get_answers_by_key");
    assert_eq!(method(&lower(&new_spec, None), "/answers/{key}"), "get_answers", "without the lock the first comer takes it");
    assert_eq!(breaking(&old, &new), Vec::<String>::new());
}

#[test]
fn every_fixture_and_the_llama_cloud_spec_keep_their_own_names_and_shuffling_moves_none() {
    let mut specs = fixtures();
    specs.push(("llama-cloud".into(), repo_root().join("spec/openapi.yaml")));
    for (name, path) in specs {
        let text = std::fs::read_to_string(&path).expect("spec");
        let lower = |text: &str, lock: Option<&NameLock>| lower_at(text, Some(&path), lock);
        let fresh = lower(&text, None);
        let lock = NameLock::of(&fresh);
        let again = lower(&text, Some(&lock));
        assert_eq!(NameLock::of(&again), lock, "{name}: a spec regenerated with its own names keeps all of them");
        assert_eq!(serde_json::to_value(&again.types).ok(), serde_json::to_value(&fresh.types).ok(), "{name}");
        // The same spec with every path and component in reverse order names everything alike.
        let mut doc: serde_json::Value = serde_yaml::from_str(&text).expect("yaml");
        for key in [&["paths"][..], &["components", "schemas"]] {
            let Some(map) = key.iter().try_fold(&mut doc, |node, k| node.get_mut(*k)).and_then(|m| m.as_object_mut()) else { continue };
            let reversed: serde_json::Map<String, serde_json::Value> = std::mem::take(map).into_iter().rev().collect();
            *map = reversed;
        }
        let shuffled = lower(&serde_json::to_string(&doc).expect("json"), Some(&lock));
        assert_eq!(NameLock::of(&shuffled).types.keys().collect::<Vec<_>>(), lock.types.keys().collect::<Vec<_>>(), "{name}: shuffled");
    }
}

#[test]
fn rename_chooses_fresh_names_and_the_diff_lists_every_rename() {
    let new_spec = mail_with_uploads();
    let (old, kept) = regenerate(MAIL, &new_spec);
    let fresh = lower(&new_spec, None);
    assert_eq!(name_at(&kept, ITEM), "Attachment");
    let report = diff::diff(&Surface::of(&old), &Surface::of(&fresh));
    let renames: Vec<&str> = report.changes.iter().filter(|c| c.what.starts_with("renamed to")).map(|c| c.item.as_str()).collect();
    assert_eq!(renames, vec!["types::Attachment"], "{}", report.to_text());
    assert!(report.to_text().contains("types::Attachment: renamed to `types::GetMessageResponseAttachment`"), "{}", report.to_text());
}

#[test]
fn the_lock_is_recorded_beside_the_crate_and_read_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("openapi.yaml");
    std::fs::write(&spec, MAIL).expect("spec written");
    let out = dir.path().join("sdk");
    let (files, _) = Generator::new().with_crate_name("mail").generate_release(&spec, &out, "2026-12-06").expect("generates");
    openapi_sdkgen::output::write(&files, &out).expect("written");
    let lock = NameLock::read(&out).expect("readable").expect("recorded");
    assert_eq!(lock.types.get("Attachment").map(|t| t.places.clone()), Some(vec![ITEM.to_owned()]));
    assert_eq!(lock.operations.keys().collect::<Vec<_>>(), vec!["#/paths/~1messages/get"]);

    // The next generation keeps `Attachment` for the message's item, whoever else wants it.
    std::fs::write(&spec, mail_with_uploads()).expect("spec written");
    let generator = Generator::new().with_crate_name("mail");
    let (files, release) = generator.generate_release(&spec, &out, "2026-12-06").expect("generates");
    assert!(files.values().any(|text| text.contains("pub struct Attachment {")), "the message's item is still `Attachment`");
    assert!(files[NAMES_FILE].contains("\"Attachment\"") && release.summary().starts_with("feature changes"), "{}", release.summary());
    let (files, release) = generator.with_fresh_names(true).generate_release(&spec, &out, "2026-12-06").expect("generates");
    assert!(release.summary().starts_with("breaking changes"), "{}", release.summary());
    assert!(!files[NAMES_FILE].contains("\"Attachment\""));

    // A lock that is not one is an error naming the file; one of another format starts afresh.
    std::fs::write(out.join(NAMES_FILE), "{ not json").expect("written");
    let error = NameLock::read(&out).expect_err("not a lock").to_string();
    assert!(error.contains(NAMES_FILE) && error.contains("--rename"), "{error}");
    // A hand-edited name the generated code cannot use is an error too.
    for (types, name) in [(r##"{"Option": {"places": ["#"]}}"##, "type `Option`"), (r##"{"Job": {"places": ["#"], "fields": {"name": "fn"}}}"##, "`fn`")] {
        std::fs::write(out.join(NAMES_FILE), format!(r#"{{"format": 1, "operations": {{}}, "types": {types}}}"#)).expect("written");
        let error = NameLock::read(&out).expect_err("not a usable name").to_string();
        assert!(error.contains(&format!("{name} is not a Rust identifier the SDK can use")), "{error}");
    }
    std::fs::write(out.join(NAMES_FILE), r#"{"format": 0, "types": {}, "operations": {}}"#).expect("written");
    assert_eq!(NameLock::read(&out).expect("readable"), None);
}

#[test]
fn an_operation_moved_to_another_path_keeps_its_names() {
    // Its recorded places are gone, so their names are free for it again, under the new path.
    let moved = mail_with_uploads().replace("/messages:", "/mail/messages:");
    let (old, new) = regenerate(&mail_with_uploads(), &moved);
    let builder = |api: &Api| api.root.operations.iter().find(|o| o.path == "/mail/messages" || o.path == "/messages").map(|o| o.builder_name.clone());
    assert_eq!(builder(&new), builder(&old));
    assert_eq!(name_at(&new, ITEM), name_at(&old, ITEM));
    assert!(new.types.iter().any(|t| t.pointer.starts_with("#/paths/~1mail~1messages/get/")), "the docs point at the new path");
    assert_eq!(breaking(&old, &new), Vec::<String>::new());
}
