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
fn external_ref() {
    let (pointer, message) = spec_error(&format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: 'other.yaml#/B'}}\n"
    ));
    assert_eq!(pointer, "#/components/schemas/A/$ref");
    assert!(message.contains("external reference"), "{message}");
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
fn unsupported_cookie_parameter() {
    let (pointer, message) = spec_error(&format!(
        "{HEADER}paths:\n  /a:\n    get:\n      parameters:\n        - {{name: session, in: cookie, schema: {{type: string}}}}\n      responses: {{'204': {{description: ok}}}}\n"
    ));
    assert_eq!(pointer, "#/paths/~1a/get/parameters/0");
    assert!(message.contains("cookie parameters are not supported"), "{message}");
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
