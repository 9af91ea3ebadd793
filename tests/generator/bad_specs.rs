//! Each class of bad spec fails with a message naming what is wrong and the JSON pointer of where.

use openapi_sdkgen::{Error, Generator};

fn spec_error(yaml: &str) -> (String, String) {
    match Generator::new().generate_str(yaml, "bad.yaml") {
        Err(Error::Spec { path, pointer, message }) => {
            assert_eq!(path, "bad.yaml");
            (pointer, message)
        }
        Err(other) => panic!("expected a spec error, got {other}"),
        Ok(_) => panic!("expected a spec error, but generation succeeded"),
    }
}

const HEADER: &str = "openapi: 3.0.3\ninfo: {title: Bad, version: '1'}\n";

#[test]
fn unresolvable_ref() {
    let (pointer, message) = spec_error(&format!(
        "{HEADER}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Missing'}}\n"
    ));
    assert_eq!(pointer, "#/paths/~1a/get/responses/200/content/application~1json/schema/$ref");
    assert!(message.contains("unresolvable reference \"#/components/schemas/Missing\""), "{message}");
}

#[test]
fn external_ref_in_a_document_given_as_text() {
    let (pointer, message) = spec_error(&format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: 'other.yaml#/B'}}\n"
    ));
    assert_eq!(pointer, "#/components/schemas/A/$ref");
    assert!(message.contains("\"other.yaml#/B\" to another file cannot be resolved"), "{message}");
}

/// A document split over files: each error names the file and the pointer in it where it was
/// written, whichever file that is.
#[test]
fn split_documents_name_the_file_and_pointer_of_each_error() {
    let dir = tempfile::tempdir().expect("a scratch directory");
    let error = |other: &str, reference: &str| {
        std::fs::write(dir.path().join("other.yaml"), other).expect("writes");
        let root = format!("openapi: 3.1.0\ninfo: {{title: Bad, version: '1'}}\ncomponents:\n  schemas:\n    A: {{$ref: '{reference}'}}\n");
        std::fs::write(dir.path().join("root.yaml"), root).expect("writes");
        match Generator::new().generate_file(&dir.path().join("root.yaml")) {
            Err(Error::Spec { pointer, message, .. }) => (pointer, message),
            Err(other) => panic!("expected a spec error, got {other}"),
            Ok(_) => panic!("expected a spec error, but generation succeeded"),
        }
    };
    let other = "components:\n  schemas:\n    B:\n      type: object\n      properties:\n        c: {$ref: '#/components/schemas/Nope'}\n        d: {$ref: 'gone.yaml'}\n";
    let (pointer, message) = error(other, "nope.yaml");
    assert_eq!(pointer, "#/components/schemas/A/$ref");
    assert!(message.contains("cannot read nope.yaml"), "{message}");
    let (_, message) = error(other, "../nope.yaml");
    assert!(message.contains("cannot read ../nope.yaml"), "relative to the document: {message}");
    let (pointer, message) = error(other, "other.yaml#/components/schemas/Missing");
    assert_eq!(pointer, "#/components/schemas/A/$ref");
    assert!(message.contains("unresolvable reference \"other.yaml#/components/schemas/Missing\": other.yaml has no node at"), "{message}");
    let (pointer, message) = error(other, "other.yaml#/components/schemas/B");
    assert_eq!(pointer, "other.yaml#/components/schemas/B/properties/c/$ref", "{message}");
    assert!(message.contains("unresolvable reference \"other.yaml#/components/schemas/Nope\""), "{message}");
    let (pointer, message) = error("components:\n  schemas:\n    B: {$ref: 'https://example.com/b.json'}\n", "other.yaml#/components/schemas/B");
    assert_eq!(pointer, "other.yaml#/components/schemas/B/$ref");
    assert!(message.contains("remote reference \"https://example.com/b.json\" is not supported"), "{message}");
    let (pointer, message) = error("components: [unclosed\n", "other.yaml#/components/schemas/B");
    assert_eq!(pointer, "#/components/schemas/A/$ref");
    assert!(message.starts_with("other.yaml: invalid YAML"), "{message}");
    // What the OpenAPI parser rejects in a bundled schema, too (at the schema, as in one file).
    let (pointer, message) = error("B: {type: object, title: {not: text}}\n", "other.yaml#/B");
    assert_eq!(pointer, "other.yaml#/B", "{message}");
}

#[test]
fn duplicate_method_names() {
    let (pointer, message) = spec_error(&format!(
        "{HEADER}paths:\n  /a:\n    get:\n      x-sdk-resource: things\n      x-sdk-method: list\n      responses: {{'204': {{description: ok}}}}\n  /b:\n    get:\n      x-sdk-resource: things\n      x-sdk-method: list\n      responses: {{'204': {{description: ok}}}}\n"
    ));
    assert_eq!(pointer, "#/paths/~1b/get");
    assert!(message.contains("duplicate method name `list` in resource `things`"), "{message}");
    assert!(message.contains("#/paths/~1a/get"), "names the first definition: {message}");
}

#[test]
fn unknown_pagination_scheme() {
    let (pointer, message) = spec_error(&format!(
        "{HEADER}paths:\n  /a:\n    get:\n      x-pagination: nope\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{type: object, properties: {{items: {{type: array, items: {{type: string}}}}}}}}\n"
    ));
    assert_eq!(pointer, "#/paths/~1a/get/x-pagination");
    assert!(message.contains("unknown pagination scheme \"nope\""), "{message}");
}

#[test]
fn references_that_only_name_each_other_through_siblings() {
    // In 3.1 a `$ref`'s siblings apply, so `A` and `B` are aliases of each other: no value at all.
    let (pointer, message) = spec_error(
        "openapi: 3.1.0\ninfo: {title: Bad, version: '1'}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B', minProperties: 1}\n    B: {$ref: '#/components/schemas/A', description: hi}\n",
    );
    assert_eq!(pointer, "#/components/schemas/A");
    assert!(message.contains("reference cycle"), "{message}");
}

#[test]
fn malformed_node_is_located() {
    let (pointer, message) = spec_error(&format!("{HEADER}paths:\n  /a:\n    get:\n      responses: 12\n"));
    assert_eq!(pointer, "#/paths/~1a/get/responses");
    assert!(message.contains("not a valid OpenAPI 3.0 node"), "{message}");
}

#[test]
fn invalid_yaml_and_wrong_version() {
    let (pointer, message) = spec_error("openapi: [unclosed\n");
    assert_eq!(pointer, "#");
    assert!(message.contains("invalid YAML at line"), "{message}");
    let (pointer, message) = spec_error("swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n");
    assert_eq!(pointer, "#/openapi");
    assert!(message.contains("only OpenAPI 3.x"), "{message}");
}

#[test]
fn missing_file_is_an_io_error_naming_it() {
    let error = Generator::new().generate_file("does/not/exist.yaml".as_ref()).expect_err("must fail");
    assert!(matches!(error, Error::Io { .. }));
    assert!(error.to_string().starts_with("does/not/exist.yaml: "), "{error}");
}

#[test]
fn all_of_cycle_is_an_error_not_a_stack_overflow() {
    let (pointer, message) = spec_error(&format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      allOf:\n        - $ref: '#/components/schemas/B'\n        - properties: {{x: {{type: string}}}}\n    B:\n      allOf:\n        - $ref: '#/components/schemas/A'\n        - properties: {{y: {{type: string}}}}\n"
    ));
    assert_eq!(pointer, "#/components/schemas/A/allOf/0");
    assert!(message.contains("cycle of `allOf` references"), "{message}");
}

/// A job-reading operation whose `x-sdk-wait` is `wait` (YAML flow map), for the declaration tests.
fn job_spec(wait: &str) -> String {
    format!(
        "{HEADER}paths:\n  /jobs:\n    post:\n      operationId: createJob\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{type: object, required: [id], properties: {{id: {{type: integer}}}}}}\n  /jobs/{{job_id}}:\n    get:\n      operationId: getJob\n      x-sdk-wait: {wait}\n      parameters:\n        - {{name: job_id, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Job'}}\ncomponents:\n  schemas:\n    Job:\n      type: object\n      properties:\n        state: {{type: object, properties: {{status: {{$ref: '#/components/schemas/Status'}}, note: {{type: string}}}}}}\n        percent: {{type: string}}\n    Status: {{type: string, enum: [queued, done, failed]}}\n"
    )
}

const WAIT_POINTER: &str = "#/paths/~1jobs~1{job_id}/get/x-sdk-wait";

#[test]
fn wait_status_path_must_be_in_the_response() {
    let (pointer, message) = spec_error(&job_spec("{status: /state/phase, terminal: [done], success: [done]}"));
    assert_eq!(pointer, format!("{WAIT_POINTER}/status"));
    assert!(message.contains("`/state/phase` is not in the response: it has no field `phase`"), "{message}");

    let (pointer, message) = spec_error(&job_spec("{status: /state/status/x, terminal: [done], success: [done]}"));
    assert_eq!(pointer, format!("{WAIT_POINTER}/status"));
    assert!(message.contains("not an object"), "{message}");
}

#[test]
fn wait_terminal_values_must_be_values_of_the_status_enum() {
    let (pointer, message) = spec_error(&job_spec("{status: /state/status, terminal: [done, crashed], success: [done]}"));
    assert_eq!(pointer, format!("{WAIT_POINTER}/terminal/1"));
    assert!(message.contains("`crashed` is not a value of the status enum (queued, done, failed)"), "{message}");
}

#[test]
fn wait_declaration_is_checked_for_consistency() {
    let cases = [
        ("{status: /state/status, terminal: [done], success: [failed]}", "/success/0", "`failed` is not one of the `terminal` statuses"),
        ("{status: /state/status, terminal: [done, failed], success: [done], cancelled: [done]}", "/cancelled/0", "both success and cancellation"),
        ("{status: /state/status, terminal: [done], success: [done], progress: /percent}", "/progress", "`/percent` must be a number"),
        ("{status: /state/status, success: [done]}", "/terminal", "missing `terminal`"),
        ("{status: state.status, terminal: [done], success: [done]}", "/status", "is not a JSON pointer"),
        ("{status: /state/status, terminal: [done], success: [done], finished: [done]}", "/finished", "unknown key `finished`"),
        ("{status: /state/status, terminal: [done], success: [done], started-by: [{operation: makeJob, id: /id}]}", "/started-by/0/operation", "no operation has the operationId `makeJob`"),
        ("{status: /state/status, terminal: [done], success: [done], started-by: [{operation: createJob, id: /id}]}", "/started-by/0/id", "does not have the type of the job's id `job_id`"),
        ("{status: /state/status, terminal: [done], success: [done], error: /state/status}", "/error", "`/state/status` must be a string or a list of strings"),
        ("{status: /state/status, terminal: [done], success: [done], error: /state/reason}", "/error", "it has no field `reason`"),
    ];
    for (wait, at, expected) in cases {
        let (pointer, message) = spec_error(&job_spec(wait));
        assert_eq!(pointer, format!("{WAIT_POINTER}{at}"), "{wait}");
        assert!(message.contains(expected), "{wait}: {message}");
    }
}

#[test]
fn waits_that_read_one_job_type_must_read_it_alike() {
    // A second operation answering with the same `Job` but reading its status elsewhere: the job
    // type's one `Job` impl could not serve both.
    let spec = job_spec("{status: /state/status, terminal: [done], success: [done]}").replace(
        "components:",
        "  /jobs/{job_id}/again:\n    get:\n      operationId: getJobAgain\n      x-sdk-wait: {status: /state/status, terminal: [done], success: [done], error: /state/note}\n      parameters:\n        - {name: job_id, in: path, required: true, schema: {type: string}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Job'}\ncomponents:",
    );
    let (pointer, message) = spec_error(&spec);
    assert_eq!(pointer, "#/paths/~1jobs~1{job_id}~1again/get/x-sdk-wait");
    assert!(message.contains(&format!("also read by the `x-sdk-wait` at {WAIT_POINTER}")) && message.contains("must agree"), "{message}");
    // Read alike, both are fine.
    let agreeing = spec.replace(", error: /state/note}", "}");
    openapi_sdkgen::Generator::new().ir(&agreeing).expect("two waits reading one job type the same way");
}

#[test]
fn client_params_must_be_parameters_of_some_operation() {
    let spec = format!("{HEADER}x-sdk:\n  client-params: [project_id, tenant]\npaths:\n  /things:\n    get:\n      operationId: list\n      parameters:\n        - {{name: project_id, in: query, schema: {{type: string}}}}\n      responses:\n        '204': {{description: ok}}\n");
    let (pointer, message) = spec_error(&spec);
    assert_eq!(pointer, "#/x-sdk/client-params/1");
    assert!(message.contains("no operation has a query or header parameter `tenant`"), "{message}");
}

/// A discriminator mapping naming a file that is not there (a published document bundled without
/// rewriting its mappings) is not fatal: the entry is dropped and the tag derived from the variant,
/// here its one-value `enum`.
#[test]
fn a_mapping_into_a_missing_file_is_dropped_and_the_tag_derived() {
    let dir = tempfile::tempdir().expect("a scratch directory");
    let spec = "openapi: 3.0.3\ninfo: {title: Shapes, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Shape:\n      oneOf: [{$ref: '#/components/schemas/Square'}, {$ref: '#/components/schemas/Circle'}]\n      discriminator:\n        propertyName: kind\n        mapping: {square: 'models/square.yml'}\n    Square:\n      type: object\n      required: [kind]\n      properties:\n        kind: {type: string, enum: [square]}\n        side: {type: number}\n    Circle:\n      type: object\n      required: [kind]\n      properties:\n        kind: {type: string, enum: [circle]}\n        radius: {type: number}\n";
    std::fs::write(dir.path().join("shapes.yaml"), spec).expect("writes");
    let files = Generator::new().generate_file(&dir.path().join("shapes.yaml")).expect("generates without the missing file");
    let types = files.iter().filter(|(path, _)| path.starts_with("src/types/")).map(|(_, text)| text.as_str()).collect::<String>();
    assert!(types.contains("Some(b\"square\") =>"), "the tag the variant pins, not the mapping's: {types}");
}
