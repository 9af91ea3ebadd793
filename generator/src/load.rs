//! Loading: read YAML or JSON, bundle what other files hold, normalise what openapiv3 would reject,
//! check every `$ref`, and parse.

use std::path::Path;

use openapiv3::OpenAPI;
use serde_json::{Map, Value};

use crate::bundle::{bundle, Origins};
use crate::error::{pointer_push, pointer_token, SpecError};

/// A parsed spec plus the raw JSON it came from (used to resolve pointers for error messages).
pub struct LoadedSpec {
    pub openapi: OpenAPI,
    pub raw: Value,
    /// Where the nodes bundled from other files were written, for errors found later.
    pub origins: Origins,
}

/// Parses spec text, whose references to other files cannot be resolved (see [`parse_document`]).
pub fn parse(text: &str) -> Result<LoadedSpec, SpecError> {
    parse_document(text, None)
}

/// Parses the text of the document in `file`, bundling what its references to other files point
/// at (relative to the file that holds each reference).
pub fn parse_document(text: &str, file: Option<&Path>) -> Result<LoadedSpec, SpecError> {
    let mut raw = parse_value(text)?;
    if !raw.is_object() {
        return Err(SpecError::new("#", "the document must be an object"));
    }
    match raw.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.") => {}
        Some(v) => return Err(SpecError::new("#/openapi", format!("unsupported OpenAPI version {v:?}; expected 3.x"))),
        None => return Err(SpecError::new("#/openapi", "missing `openapi` version field (only OpenAPI 3.x is supported)")),
    }
    // JSON Schema 2020-12 meanings (a `$ref`'s siblings apply) only where the document declares 3.1.
    let v31 = raw.get("openapi").and_then(Value::as_str).is_some_and(|v| v.starts_with("3.1"));
    ignore_content_type_headers(&mut raw);
    let origins = bundle(&mut raw, file)?;
    complete_document(&mut raw);
    resolve_anchors(&mut raw);
    // References are resolved against the document as written, before normalising moves nodes
    // (a `$ref`'s sibling `properties` into `allOf`): a reference into a node becomes one to a copy.
    check_refs(&raw, &raw, "#", false).map_err(|e| origins.locate(e))?;
    let hoisted = hoist_nested_refs(&mut raw);
    normalise(&mut raw, false, v31);
    webhook_payloads(&mut raw);
    normalise_paths(&mut raw);
    tuples(&mut raw, false);
    let openapi = serde_path_to_error::deserialize::<_, OpenAPI>(&raw).map_err(|e| {
        let pointer = locate(&raw, path_to_pointer(e.path()));
        // A node under a component made from a nested one is named by where it was written.
        let pointer = hoisted
            .iter()
            .find_map(|(original, copy)| {
                let rest = pointer.strip_prefix(copy.as_str())?;
                (rest.is_empty() || rest.starts_with('/')).then(|| format!("{original}{rest}"))
            })
            .unwrap_or(pointer);
        SpecError::new(origins.original(&pointer), format!("not a valid OpenAPI 3.0 node: {}", e.inner()))
    })?;
    Ok(LoadedSpec { openapi, raw, origins })
}

/// Reads YAML or JSON text as JSON (YAML is a superset of JSON, but JSON goes through serde_json for
/// exact numbers).
pub(crate) fn parse_value(text: &str) -> Result<Value, SpecError> {
    if text.trim_start().starts_with('{') {
        serde_json::from_str::<Value>(text).map_err(|e| SpecError::new("#", format!("invalid JSON at line {}, column {}: {e}", e.line(), e.column())))
    } else {
        yaml_to_json(parse_yaml(text)?, "#")
    }
}

/// Parses YAML text. `serde_yaml::Value` has no integers beyond 64 bits, where JSON parsers read
/// such a literal as a float; so a YAML integer literal out of range is read as a float too, by
/// writing it as one (`-9223372036854776000.0`) and parsing again.
fn parse_yaml(text: &str) -> Result<serde_yaml::Value, SpecError> {
    let mut text = std::borrow::Cow::Borrowed(text);
    let mut rewritten_at = None;
    loop {
        let error = match serde_yaml::from_str::<serde_yaml::Value>(&text) {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        let at = error.location().map(|l| format!(" at line {}, column {}", l.line(), l.column())).unwrap_or_default();
        let invalid = || SpecError::new("#", format!("invalid YAML{at}: {error}"));
        let message = error.to_string();
        let Some(location) = error.location().filter(|_| message.contains(" as i128") || message.contains(" as u128")) else {
            return Err(invalid());
        };
        let start = location.index();
        // Each pass rewrites one literal further on; a second error at the same place ends it.
        if rewritten_at.is_some_and(|at| at >= start) {
            return Err(invalid());
        }
        rewritten_at = Some(start);
        let literal = text.get(start..).map_or(0, |rest| rest.find(|c: char| !(c.is_ascii_digit() || c == '-' || c == '+')).unwrap_or(rest.len()));
        if literal == 0 {
            return Err(invalid());
        }
        text = std::borrow::Cow::Owned(format!("{}.0{}", &text[..start + literal], &text[start + literal..]));
    }
}

fn yaml_to_json(value: serde_yaml::Value, pointer: &str) -> Result<Value, SpecError> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64().and_then(serde_json::Number::from_f64).map(Value::Number).unwrap_or(Value::Null)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| yaml_to_json(v, &pointer_push(pointer, &i.to_string())))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err(SpecError::new(pointer, format!("unsupported mapping key {other:?}")));
                    }
                };
                let child = pointer_push(pointer, &key);
                out.insert(key, yaml_to_json(v, &child)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, pointer)?,
    })
}

/// Rewrites constructs real-world specs use that openapiv3 (3.0 types) cannot parse, without changing
/// their meaning for code generation: out-of-range integer bounds, 3.1 numeric `exclusiveMinimum`,
/// `type: null` and type arrays, `contentMediaType`/`contentEncoding` for file contents, and (in a
/// 3.1 document) the JSON Schema 2020-12 keywords that shape types (see README, "OpenAPI 3.1").
fn normalise(value: &mut Value, in_properties: bool, v31: bool) {
    match value {
        Value::Object(map) => {
            if in_properties {
                // Property schemas (and named schemas: components, `$defs`) may be boolean schemas.
                map.values_mut().for_each(boolean_schema);
            } else {
                normalise_schema_keywords(map, v31);
                normalise_object_keywords(map);
            }
            for (key, child) in map.iter_mut() {
                if holds_data(key) && !in_properties {
                    continue;
                }
                normalise(child, names_schemas(key) && !in_properties, v31);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| normalise(v, false, v31)),
        _ => {}
    }
}

/// Keywords whose value maps names to schemas.
fn names_schemas(key: &str) -> bool {
    matches!(key, "properties" | "schemas" | "$defs" | "definitions")
}

/// `true` (anything) and `false` (nothing) as schemas: JSON Schema allows them, OpenAPI 3.0 types do not.
fn boolean_schema(value: &mut Value) {
    match value {
        Value::Bool(true) => *value = Value::Object(Map::new()),
        Value::Bool(false) => *value = serde_json::json!({"not": {}}),
        _ => {}
    }
}

/// Keywords in places openapiv3 reads strictly: boolean schemas under schema keywords, keywords
/// whose text is a number (`pattern: 0`), a `requestBody: false`, and callbacks (which the SDK does
/// not use and which real specs often write in shapes openapiv3 rejects).
fn normalise_object_keywords(map: &mut Map<String, Value>) {
    for key in ["items", "not", "schema"] {
        if let Some(child) = map.get_mut(key) {
            boolean_schema(child);
        }
    }
    for key in ["allOf", "oneOf", "anyOf", "prefixItems", "items"] {
        if let Some(Value::Array(members)) = map.get_mut(key) {
            members.iter_mut().for_each(boolean_schema);
        }
    }
    // Only scalars: an object under such a key is an entry of a map of named things (a component
    // schema called `description`), not a keyword.
    for key in ["pattern", "format", "title", "description", "summary"] {
        match map.get(key) {
            Some(Value::Number(n)) if key != "pattern" && key != "format" => {
                let text = n.to_string();
                map.insert(key.to_string(), Value::String(text));
            }
            Some(Value::Number(_) | Value::Bool(_)) => {
                map.remove(key);
            }
            _ => {}
        }
    }
    // In an operation (the object with `responses`); elsewhere these keys may name things.
    if map.contains_key("responses") {
        if map.get("requestBody").is_some_and(Value::is_boolean) {
            map.remove("requestBody");
        }
        map.remove("callbacks");
    }
}

/// Path keys with a query string (`/search?q={q}`) become the path alone; an operation whose method
/// the plain path already has is dropped in favour of the plain path's.
fn normalise_paths(raw: &mut Value) {
    if let Some(Value::Object(components)) = raw.get_mut("components") {
        components.remove("callbacks");
    }
    // A path item that is a reference to another (`$ref: '#/paths/~1a'`) becomes a copy of it.
    let targets: Vec<(String, Value)> = raw
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(key, item)| {
            let target = item.get("$ref")?.as_str()?.strip_prefix('#')?;
            Some((key.clone(), raw.pointer(&decode_pointer(target))?.clone()))
        })
        .collect();
    let Some(Value::Object(paths)) = raw.get_mut("paths") else { return };
    for (key, item) in targets {
        paths.insert(key, item);
    }
    let with_query: Vec<String> = paths.keys().filter(|k| k.contains('?')).cloned().collect();
    for key in with_query {
        let Some(Value::Object(item)) = paths.remove(&key) else { continue };
        let plain = key.split('?').next().unwrap_or_default().to_string();
        let target = paths.entry(plain).or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(target) = target {
            for (method, operation) in item {
                target.entry(method).or_insert(operation);
            }
        }
    }
}

/// openapiv3 resolves references by component name only. A `$ref` to any other node
/// (`#/components/schemas/A/properties/b`, `#/components/parameters/p/schema`, a parameter or response
/// under `#/paths/...`) gets a component of its own, a copy of the node named after its path, and
/// points there; an inline copy identical to a component becomes that component again when types are
/// de-duplicated. Returns each target with the pointer of its copy.
fn hoist_nested_refs(raw: &mut Value) -> std::collections::HashMap<String, String> {
    let mut hoisted: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut attempted = std::collections::HashSet::new();
    loop {
        let mut pending = Vec::new();
        collect_nested_refs(raw, false, &mut pending);
        // Each target once: one that cannot be hoisted stays as it is and is reported later.
        pending.retain(|target| attempted.insert(target.clone()));
        pending.sort();
        pending.dedup();
        if pending.is_empty() {
            break;
        }
        for target in pending {
            let Some(kind) = nested_ref_kind(&target) else { continue };
            let Some(node) = raw.pointer(&decode_pointer(&target[1..])).cloned() else { continue };
            let section = raw
                .as_object_mut()
                .and_then(|root| root.entry("components").or_insert_with(|| Value::Object(Map::new())).as_object_mut())
                .and_then(|components| components.entry(kind).or_insert_with(|| Value::Object(Map::new())).as_object_mut());
            let Some(section) = section else { return hoisted };
            let base = hoisted_name(&target);
            let name = (1..).map(|n| if n == 1 { base.clone() } else { format!("{base}{n}") }).find(|n| !section.contains_key(n)).unwrap_or(base);
            section.insert(name.clone(), node);
            hoisted.insert(target, format!("#/components/{kind}/{name}"));
        }
        rewrite_refs(raw, false, &hoisted);
    }
    hoisted
}

/// Schema `$ref`s that do not name a component directly.
fn collect_nested_refs(value: &Value, in_properties: bool, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if !in_properties {
                if let Some(Value::String(target)) = map.get("$ref") {
                    if nested_ref_kind(target).is_some() {
                        out.push(target.clone());
                    }
                }
            }
            for (key, child) in map {
                if in_properties || !holds_data(key) {
                    collect_nested_refs(child, key == "properties" && !in_properties, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_nested_refs(item, false, out)),
        _ => {}
    }
}

fn rewrite_refs(value: &mut Value, in_properties: bool, hoisted: &std::collections::HashMap<String, String>) {
    match value {
        Value::Object(map) => {
            if !in_properties {
                if let Some(Value::String(target)) = map.get_mut("$ref") {
                    if let Some(new) = hoisted.get(target.as_str()) {
                        target.clone_from(new);
                    }
                }
            }
            for (key, child) in map.iter_mut() {
                if in_properties || !holds_data(key) {
                    rewrite_refs(child, key == "properties" && !in_properties, hoisted);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rewrite_refs(item, false, hoisted)),
        _ => {}
    }
}

/// The components section a reference to a node other than a component belongs in: a schema below a
/// component or a `schema` keyword, or a parameter, response or request body under `#/paths`.
fn nested_ref_kind(target: &str) -> Option<&'static str> {
    // A root `$defs` (JSON Schema's place for shared schemas) holds schemas like `components`.
    if target.starts_with("#/$defs/") {
        return Some("schemas");
    }
    if let Some(rest) = target.strip_prefix("#/components/schemas/") {
        return rest.contains('/').then_some("schemas");
    }
    if target.ends_with("/schema") || target.contains("/schema/") {
        return Some("schemas");
    }
    let Some(under_paths) = target.strip_prefix("#/paths/") else {
        // Anywhere else but a component of another kind (a shared section such as
        // `#/x-shared/Rate`): a schema.
        let direct_component = target.strip_prefix("#/components/").is_some_and(|rest| rest.matches('/').count() == 1);
        return (!direct_component && target.starts_with("#/") && !target.starts_with("#/webhooks/")).then_some("schemas");
    };
    let mut segments = under_paths.rsplit('/');
    let last = segments.next()?;
    match (segments.next()?, last) {
        ("parameters", index) if index.chars().all(|c| c.is_ascii_digit()) => Some("parameters"),
        ("responses", _) => Some("responses"),
        (_, "requestBody") => Some("requestBodies"),
        _ => None,
    }
}

/// A component name from the words of a pointer, without the structural ones
/// (`#/components/schemas/Transfer/definitions/account` → `Transfer account`).
pub(crate) fn hoisted_name(target: &str) -> String {
    const STRUCTURAL: &[&str] =
        &["components", "schemas", "properties", "definitions", "$defs", "items", "paths", "content", "schema", "allOf", "oneOf", "anyOf", "additionalProperties", "responses", "requestBody", "parameters"];
    let words: Vec<String> = target
        .trim_start_matches("#/")
        .split('/')
        .map(|segment| pointer_token(&decode_pointer(segment)))
        .filter(|segment| !STRUCTURAL.contains(&segment.as_str()) && !segment.contains("json") && !segment.chars().all(|c| c.is_ascii_digit()))
        .collect();
    // Letters, digits and spaces only, so the name needs no escaping in a pointer.
    let name: String = words.join(" ").chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        "Schema".to_string()
    } else {
        name
    }
}

fn normalise_schema_keywords(map: &mut Map<String, Value>, v31: bool) {
    for key in VALIDATION_ONLY {
        map.remove(*key);
    }
    // `examples: [..]` (2020-12) where 3.0 has one `example`: the first serves tests, and all of
    // them docs (under [`EXAMPLES`], which openapiv3 keeps). A map of examples (a parameter's or a
    // media type's) is left alone.
    if let Some(all) = map.get("examples").and_then(Value::as_array).filter(|all| !all.is_empty()).cloned() {
        map.entry("example").or_insert(all[0].clone());
        map.insert(EXAMPLES.into(), Value::Array(all));
    }
    // Draft 4's tuple form `items: [..]` is 2020-12's `prefixItems`.
    if map.get("items").is_some_and(Value::is_array) && !map.contains_key("prefixItems") {
        if let Some(items) = map.remove("items") {
            map.insert("prefixItems".into(), items);
            map.insert(TUPLE.into(), Value::String("items".into()));
        }
        // Its `additionalItems` is 2020-12's `items`: the rest.
        if let Some(rest) = map.remove("additionalItems") {
            map.insert("items".into(), rest);
        }
    }
    for key in ["minimum", "maximum"] {
        if let Some(n) = map.get(key).and_then(Value::as_number) {
            let integer_type = map.get("type").and_then(Value::as_str) == Some("integer");
            if integer_type && n.as_i64().is_none() {
                map.remove(key);
            }
        }
    }
    for (key, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(n) = map.get(key).filter(|v| v.is_number()).cloned() {
            map.insert(bound.to_string(), n);
            map.insert(key.to_string(), Value::Bool(true));
        }
    }
    // `const: x` is `enum: [x]` (JSON Schema defines it so), which OpenAPI 3.0 types can read: a
    // discriminator's variants pin their tags this way (pydantic's `Literal`). A scalar without a
    // `type` gets the one its value has.
    if let Some(value) = map.get("const").filter(|v| !v.is_object() && !v.is_array()).cloned() {
        if !map.contains_key("enum") {
            let json_type = match &value {
                Value::String(_) => Some("string"),
                Value::Bool(_) => Some("boolean"),
                Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
                Value::Number(_) => Some("number"),
                _ => None,
            };
            if let (Some(json_type), false) = (json_type, map.contains_key("type")) {
                map.insert("type".into(), Value::String(json_type.into()));
            }
            if value.is_null() {
                map.insert("nullable".into(), Value::Bool(true));
            }
            map.insert("enum".into(), Value::Array(vec![value]));
        }
        map.remove("const");
    }
    // JSON Schema 2020-12 describes file contents with `contentMediaType`/`contentEncoding` where
    // OpenAPI 3.0 says `format: binary`/`byte` (FastAPI's uploads are `contentMediaType:
    // application/octet-stream`): a string of a non-text media type is binary, one encoded in
    // base64 is bytes.
    if map.get("type").and_then(Value::as_str) == Some("string") && !map.contains_key("format") {
        let encoding = map.get("contentEncoding").and_then(Value::as_str).map(str::to_ascii_lowercase);
        let media_type = map.get("contentMediaType").and_then(Value::as_str).map(str::to_ascii_lowercase);
        let text = |media: &str| media.starts_with("text/") || media.contains("json") || media.contains("xml") || media.ends_with("+yaml");
        match (encoding.as_deref(), media_type.as_deref()) {
            (Some("base64"), _) => {
                map.insert("format".into(), Value::String("byte".into()));
            }
            (None | Some("binary"), Some(media)) if !text(media) => {
                map.insert("format".into(), Value::String("binary".into()));
            }
            _ => {}
        }
    }
    match map.get("type").cloned() {
        Some(Value::String(t)) if t == "null" => {
            map.remove("type");
            map.insert("nullable".into(), Value::Bool(true));
        }
        Some(Value::Array(types)) => {
            let non_null: Vec<&Value> = types.iter().filter(|t| t.as_str() != Some("null")).collect();
            if non_null.len() < types.len() {
                map.insert("nullable".into(), Value::Bool(true));
            }
            match non_null.as_slice() {
                [single] => {
                    map.insert("type".into(), (*single).clone());
                }
                several if !several.is_empty() && !map.contains_key("anyOf") && !map.contains_key("oneOf") => {
                    let names: Vec<String> = several.iter().filter_map(|t| t.as_str()).map(str::to_string).collect();
                    split_types(map, &names);
                }
                _ => {
                    map.remove("type");
                }
            }
        }
        _ => {}
    }
    if v31 {
        merge_ref_siblings(map);
    }
}

/// Marks a tuple schema (`prefixItems`, or draft 4's `items: [..]`): the extension's value is the
/// keyword the elements came under, the elements are `allOf` (the one list of schemas an array
/// schema can carry through openapiv3) and [`crate::schema`] reads them back as a tuple.
pub const TUPLE: &str = "x-sdkgen-tuple";

/// `prefixItems: [A, B]` is a tuple: its elements move to `allOf` beside the [`TUPLE`] marker.
/// `items` beside them (more items after the elements) stays, as the type of the rest; `items:
/// false` (no more items) is the same as none.
fn tuples(value: &mut Value, in_names: bool) {
    match value {
        Value::Object(map) => {
            // No elements (`prefixItems: []`) pins nothing: an array as `items` says.
            if map.get("prefixItems").and_then(Value::as_array).is_some_and(Vec::is_empty) {
                map.remove("prefixItems");
            }
            if !in_names && map.get("prefixItems").is_some_and(Value::is_array) && !map.contains_key("allOf") {
                let elements = map.remove("prefixItems").unwrap_or_default();
                let keyword = map.remove(TUPLE).unwrap_or_else(|| Value::String("prefixItems".into()));
                if map.get("items").is_some_and(|rest| rest.get("not").is_some_and(|not| not.as_object().is_some_and(Map::is_empty))) {
                    map.remove("items");
                }
                map.insert("type".into(), Value::String("array".into()));
                map.insert("allOf".into(), elements);
                map.insert(TUPLE.into(), keyword);
            }
            for (key, child) in map.iter_mut() {
                if in_names || !holds_data(key) {
                    tuples(child, names_schemas(key) && !in_names);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| tuples(item, false)),
        _ => {}
    }
}

/// JSON Schema keywords that only validate (what a value must also satisfy, or may not contain) and
/// shape no type: read and dropped, so no 3.0 reading can take them for something else.
const VALIDATION_ONLY: &[&str] = &[
    "if", "then", "else", "dependentSchemas", "dependentRequired", "unevaluatedProperties", "unevaluatedItems",
    "contains", "minContains", "maxContains", "propertyNames", "$comment", "$schema", "$vocabulary",
];

/// Keywords that describe a schema without shaping its values.
fn is_annotation(key: &str) -> bool {
    matches!(key, "description" | "title" | "default" | "example" | "examples" | "deprecated" | "readOnly" | "writeOnly" | "nullable" | "externalDocs" | "xml" | "$anchor" | "$id")
        || key.starts_with("x-")
}

/// `type: [string, integer]`: a value of either type, so `anyOf` one schema per type, each with the
/// keywords that apply to its type (an integer before a number, so `1` stays an integer). The
/// annotations stay on the whole.
fn split_types(map: &mut Map<String, Value>, types: &[String]) {
    const STRING: &[&str] = &["minLength", "maxLength", "pattern", "contentMediaType", "contentEncoding"];
    const NUMBER: &[&str] = &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];
    const ARRAY: &[&str] = &["items", "prefixItems", "minItems", "maxItems", "uniqueItems"];
    const OBJECT: &[&str] = &["properties", "required", "additionalProperties", "patternProperties", "minProperties", "maxProperties"];
    let mut ordered: Vec<&str> = types.iter().map(String::as_str).collect();
    ordered.sort_by_key(|t| *t == "number");
    map.remove("type");
    let enumeration = map.remove("enum");
    let format = map.remove("format");
    let mut members = Vec::new();
    for json_type in ordered {
        let mut member = Map::new();
        member.insert("type".into(), Value::String(json_type.into()));
        let keys: &[&str] = match json_type {
            "string" => STRING,
            "integer" | "number" => NUMBER,
            "array" => ARRAY,
            "object" => OBJECT,
            _ => &[],
        };
        for key in keys {
            if let Some(value) = map.get(*key) {
                member.insert((*key).into(), value.clone());
            }
        }
        let numeric_format = format.as_ref().and_then(Value::as_str).is_some_and(|f| f.starts_with("int") || f.starts_with("uint") || f == "float" || f == "double");
        if let Some(format) = format.as_ref().filter(|_| (json_type == "string") != numeric_format && matches!(json_type, "string" | "integer" | "number")) {
            member.insert("format".into(), format.clone());
        }
        if let Some(Value::Array(values)) = &enumeration {
            let own: Vec<Value> = values.iter().filter(|v| json_type_of(v) == Some(json_type) || (json_type == "number" && v.is_number())).cloned().collect();
            if own.is_empty() {
                continue;
            }
            member.insert("enum".into(), Value::Array(own));
        }
        members.push(Value::Object(member));
    }
    for key in [STRING, NUMBER, ARRAY, OBJECT].concat() {
        map.remove(key);
    }
    map.insert("anyOf".into(), Value::Array(members));
}

fn json_type_of(value: &Value) -> Option<&'static str> {
    match value {
        Value::String(_) => Some("string"),
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        Value::Array(_) => Some("array"),
        Value::Object(_) => Some("object"),
        Value::Null => None,
    }
}

/// In 2020-12 a `$ref` is one keyword among others (3.0 ignores its siblings): pydantic puts
/// `description` and `default` beside it, other generators `properties` or a nullable `type`. So the
/// schema is `allOf` the target and its sibling keywords, and its annotations (docs, nullability)
/// are the sibling's own. A `type` beside a `$ref` repeats the target's (or only says `null`).
fn merge_ref_siblings(map: &mut Map<String, Value>) {
    let Some(Value::String(target)) = map.get("$ref") else { return };
    if !is_schema_ref(target) || map.keys().all(|k| k == "$ref" || k.starts_with("x-")) {
        return;
    }
    let reference = map.remove("$ref").unwrap_or_default();
    map.remove("type");
    let shape: Vec<String> = map.keys().filter(|k| !is_annotation(k)).cloned().collect();
    let mut parts = vec![serde_json::json!({ "$ref": reference })];
    if !shape.is_empty() {
        let own: Map<String, Value> = shape.iter().filter_map(|k| map.remove(k).map(|v| (k.clone(), v))).collect();
        parts.push(Value::Object(own));
    }
    map.insert("allOf".into(), Value::Array(parts));
}

/// A reference to a schema rather than to a parameter, response or other component (whose
/// `summary` and `description` siblings 3.1 defines as overrides of the target's).
fn is_schema_ref(target: &str) -> bool {
    const OTHER: &[&str] = &["parameters", "responses", "requestBodies", "headers", "examples", "links", "callbacks", "pathItems", "securitySchemes"];
    let segments: Vec<&str> = target.trim_start_matches("#/").split('/').collect();
    match segments.as_slice() {
        ["components", section, _] => !OTHER.contains(section),
        ["paths", ..] => target.contains("/schema"),
        _ => true,
    }
}

/// A response's or a multipart encoding's `Content-Type` header is described by its media type, and
/// OpenAPI says such a header entry SHALL be ignored: it is dropped before its references are
/// followed. Header components (`#/components/headers/...`) are named, not entries, and stay.
fn ignore_content_type_headers(raw: &mut Value) {
    fn walk(value: &mut Value, in_properties: bool) {
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if !in_properties && holds_data(key) {
                        continue;
                    }
                    if let (false, "headers", Value::Object(headers)) = (in_properties, key.as_str(), &mut *child) {
                        headers.retain(|name, _| !name.eq_ignore_ascii_case("content-type"));
                    }
                    walk(child, key == "properties" && !in_properties);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| walk(item, false)),
            _ => {}
        }
    }
    let Some(root) = raw.as_object_mut() else { return };
    for (key, child) in root.iter_mut() {
        match (key.as_str(), child) {
            ("components", Value::Object(components)) => {
                for (section, named) in components.iter_mut() {
                    match (section.as_str(), named) {
                        ("headers", Value::Object(headers)) => headers.values_mut().for_each(|header| walk(header, false)),
                        (_, named) => walk(named, false),
                    }
                }
            }
            (_, child) => walk(child, false),
        }
    }
}

/// What OpenAPI 3.1 made optional and 3.0 types require: `paths` (a document of webhooks or
/// components only) and an operation's `responses`. And `mutualTLS` security schemes: the client's
/// TLS identity is configured on the reqwest client the user builds the SDK client with, so the
/// SDK has nothing to send for one; a requirement counts it as met.
fn complete_document(raw: &mut Value) {
    let Some(root) = raw.as_object_mut() else { return };
    if root.get("paths").is_none_or(Value::is_null) {
        root.insert("paths".into(), Value::Object(Map::new()));
    }
    // `version: 1.0` in YAML is a number; it means the text.
    if let Some(version) = root.get_mut("info").and_then(|info| info.get_mut("version")).filter(|v| v.is_number()) {
        *version = Value::String(version.to_string());
    }
    let mut mutual_tls = Vec::new();
    if let Some(Value::Object(schemes)) = root.get_mut("components").and_then(|c| c.get_mut("securitySchemes")) {
        schemes.retain(|name, scheme| {
            let tls = scheme.get("type").and_then(Value::as_str) == Some("mutualTLS");
            if tls {
                mutual_tls.push(name.clone());
            }
            !tls
        });
    }
    let without_tls = |security: &mut Value| {
        if let Value::Array(requirements) = security {
            for requirement in requirements.iter_mut().filter_map(Value::as_object_mut) {
                requirement.retain(|name, _| !mutual_tls.contains(name));
            }
            // An alternative that needed only the TLS identity comes last: the client sends the
            // credentials it has, which a server that also checks the certificate ignores.
            if !mutual_tls.is_empty() {
                requirements.sort_by_key(|r| r.as_object().is_some_and(Map::is_empty));
            }
        }
    };
    if let Some(security) = root.get_mut("security") {
        without_tls(security);
    }
    for section in ["paths", "webhooks"] {
        let Some(Value::Object(items)) = root.get_mut(section) else { continue };
        for operation in items.values_mut().filter_map(Value::as_object_mut).flat_map(|item| item.iter_mut()) {
            let (method, Value::Object(operation)) = operation else { continue };
            if !HTTP_METHODS.contains(&method.as_str()) {
                continue;
            }
            operation.entry("responses").or_insert_with(|| Value::Object(Map::new()));
            if let Some(security) = operation.get_mut("security") {
                without_tls(security);
            }
        }
    }
}

const HTTP_METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// `$ref: '#name'` names the schema whose `$anchor` is `name`: it becomes a pointer to that node.
fn resolve_anchors(raw: &mut Value) {
    fn collect(value: &Value, pointer: &str, in_names: bool, out: &mut std::collections::HashMap<String, String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(anchor)) = map.get("$anchor").filter(|_| !in_names) {
                    out.entry(anchor.clone()).or_insert_with(|| pointer.to_string());
                }
                for (key, child) in map {
                    if in_names || !holds_data(key) {
                        collect(child, &pointer_push(pointer, key), names_schemas(key) && !in_names, out);
                    }
                }
            }
            Value::Array(items) => items.iter().enumerate().for_each(|(i, item)| collect(item, &pointer_push(pointer, &i.to_string()), false, out)),
            _ => {}
        }
    }
    let mut anchors = std::collections::HashMap::new();
    collect(raw, "#", false, &mut anchors);
    if anchors.is_empty() {
        return;
    }
    let targets: std::collections::HashMap<String, String> = anchors.into_iter().map(|(anchor, pointer)| (format!("#{anchor}"), pointer)).collect();
    rewrite_refs(raw, false, &targets);
}

/// Webhooks are requests the API sends, so the SDK only needs their payloads: each becomes a
/// component schema (an inline one named after the webhook: `newPet` → `NewPetWebhook`), documented
/// as the payload of its webhook, and so a type of the SDK.
fn webhook_payloads(raw: &mut Value) {
    let mut payloads: Vec<(String, String, Value)> = Vec::new();
    let resolve = |value: &Value| -> Value {
        match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
            Some(target) => raw.pointer(&decode_pointer(target)).cloned().unwrap_or(Value::Null),
            None => value.clone(),
        }
    };
    for (name, item) in raw.get("webhooks").and_then(Value::as_object).into_iter().flatten() {
        let item = resolve(item);
        for (method, operation) in item.as_object().into_iter().flatten().filter(|(m, _)| HTTP_METHODS.contains(&m.as_str())) {
            let body = operation.get("requestBody").map(&resolve).unwrap_or(Value::Null);
            for media in body.get("content").and_then(Value::as_object).into_iter().flat_map(|c| c.values()) {
                if let Some(schema) = media.get("schema") {
                    payloads.push((name.clone(), method.to_ascii_uppercase(), schema.clone()));
                }
            }
        }
    }
    if payloads.is_empty() {
        return;
    }
    let Some(schemas) = raw
        .as_object_mut()
        .and_then(|root| root.entry("components").or_insert_with(|| Value::Object(Map::new())).as_object_mut())
        .and_then(|components| components.entry("schemas").or_insert_with(|| Value::Object(Map::new())).as_object_mut())
    else {
        return;
    };
    for (webhook, method, schema) in payloads {
        let note = format!("Sent by the API as the payload of the `{webhook}` webhook ({method}).");
        let target = match schema.get("$ref").and_then(Value::as_str).and_then(ref_name) {
            Some(component) => component.to_string(),
            None => {
                let base = format!("{webhook} webhook");
                let name = (1..).map(|n| if n == 1 { base.clone() } else { format!("{base}{n}") }).find(|n| !schemas.contains_key(n)).unwrap_or(base);
                schemas.insert(name.clone(), schema);
                name
            }
        };
        if let Some(Value::Object(component)) = schemas.get_mut(&target) {
            let description = match component.get("description").and_then(Value::as_str) {
                Some(own) if own.contains(&note) => continue,
                Some(own) => format!("{own}\n\n{note}"),
                None => note,
            };
            component.insert("description".into(), Value::String(description));
        }
    }
}

/// A schema's `examples` (JSON Schema 2020-12's list), kept for its docs.
pub const EXAMPLES: &str = "x-sdkgen-examples";

/// Keywords whose values are instance data (examples, defaults, enum values), not schema: a `$ref`
/// or a `type` key inside them means nothing, so the walkers skip them.
pub(crate) fn holds_data(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "enum" | EXAMPLES)
}

/// Every `$ref` must be local (`#/...`) and point at an existing node. In a `properties` map, a key
/// called `$ref` is a property's name, not a reference.
fn check_refs(root: &Value, value: &Value, pointer: &str, in_properties: bool) -> Result<(), SpecError> {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").filter(|_| !in_properties) {
                let here = pointer_push(pointer, "$ref");
                let Some(target) = reference.as_str() else {
                    return Err(SpecError::new(here, "`$ref` must be a string"));
                };
                // References to other files are bundled before this check.
                let Some(local) = target.strip_prefix('#') else {
                    return Err(SpecError::new(here, format!("reference {target:?} is not local")));
                };
                if root.pointer(&decode_pointer(local)).is_none() {
                    return Err(SpecError::new(here, format!("unresolvable reference {target:?}")));
                }
            }
            for (key, child) in map {
                // In a `properties` map, `default` or `example` is a property's name.
                if holds_data(key) && !in_properties {
                    continue;
                }
                check_refs(root, child, &pointer_push(pointer, key), key == "properties" && !in_properties)?;
            }
            Ok(())
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_refs(root, item, &pointer_push(pointer, &i.to_string()), false)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// `$ref` values may percent-encode characters (`%7B`); JSON pointers in serde_json may not.
pub(crate) fn decode_pointer(pointer: &str) -> String {
    let bytes = pointer.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&pointer[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| pointer.to_string())
}

/// openapiv3 flattens some maps (paths, components), which hides the path below them from
/// serde_path_to_error. Re-parse each entry of such a map on its own to find the failing one.
fn locate(raw: &Value, pointer: String) -> String {
    fn first_failure<T: serde::de::DeserializeOwned>(map: Option<&Value>, base: &str) -> Option<String> {
        map?.as_object()?.iter().find_map(|(key, node)| {
            serde_path_to_error::deserialize::<_, T>(node).err().map(|e| format!("{}{}", pointer_push(base, key), &path_to_pointer(e.path())[1..]))
        })
    }
    let refined = match pointer.as_str() {
        "#/paths" => first_failure::<openapiv3::PathItem>(raw.get("paths"), "#/paths"),
        "#/components" | "#/components/schemas" => {
            first_failure::<openapiv3::ReferenceOr<openapiv3::Schema>>(raw.pointer("/components/schemas"), "#/components/schemas")
                .or_else(|| first_failure::<openapiv3::ReferenceOr<openapiv3::Parameter>>(raw.pointer("/components/parameters"), "#/components/parameters"))
                .or_else(|| first_failure::<openapiv3::ReferenceOr<openapiv3::Response>>(raw.pointer("/components/responses"), "#/components/responses"))
                .or_else(|| first_failure::<openapiv3::ReferenceOr<openapiv3::RequestBody>>(raw.pointer("/components/requestBodies"), "#/components/requestBodies"))
        }
        _ => None,
    };
    refined.unwrap_or(pointer)
}

/// Turns serde_path_to_error's `paths./pets.get.responses` into `#/paths/~1pets/get/responses`.
fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::from("#");
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer = pointer_push(&pointer, &index.to_string()),
            Segment::Map { key } => pointer = pointer_push(&pointer, key),
            Segment::Enum { variant } => pointer = pointer_push(&pointer, variant),
            Segment::Unknown => {}
        }
    }
    pointer
}

/// The schema name of a `#/components/schemas/Name` reference.
pub fn ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_integers_beyond_64_bits_read_as_numbers_like_their_json_twin() {
        let yaml = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Big:\n      type: integer\n      minimum: -9223372036854776000\n      maximum: 18446744073709551616\n      example: [1, -99999999999999999999, 3]\n";
        let json = r#"{"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {}, "components": {"schemas": {"Big": {"type": "integer", "minimum": -9223372036854776000, "maximum": 18446744073709551616, "example": [1, -99999999999999999999, 3]}}}}"#;
        let from_yaml = parse(yaml).expect("YAML loads").raw;
        let from_json = parse(json).expect("JSON loads").raw;
        assert_eq!(from_yaml["components"]["schemas"]["Big"]["example"], from_json["components"]["schemas"]["Big"]["example"]);
        assert_eq!(from_yaml["components"]["schemas"]["Big"]["example"][1].as_f64(), Some(-1e20));
        // Text that only looks like a number is left alone, and broken YAML is still an error.
        assert!(parse("openapi: 3.0.3\ninfo: {title: '-9223372036854776000', version: '1'}\npaths: {}\n").is_ok());
        assert!(parse("openapi: 3.0.3\ninfo: [unclosed\n").is_err());
    }

    #[test]
    fn rejects_unresolvable_refs_with_pointer() {
        let text = r##"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Nope"}}}}}}}}}"##;
        let err = parse(text).err().expect("must fail");
        assert_eq!(err.pointer, "#/paths/~1a/get/responses/200/content/application~1json/schema/$ref");
        assert!(err.message.contains("unresolvable reference"), "{}", err.message);
    }

    #[test]
    fn decodes_percent_encoded_pointers() {
        assert_eq!(decode_pointer("/paths/~1a%7Bb%7D"), "/paths/~1a{b}");
        assert_eq!(decode_pointer("/x%"), "/x%");
    }

    #[test]
    fn keyword_fixes_leave_things_named_like_keywords_alone() {
        let mut v = serde_json::json!({
            "components": {"schemas": {"description": {"type": "string"}, "Code": {"type": "string", "pattern": 0, "title": 7}}},
            "paths": {"/a": {"get": {"responses": {}, "callbacks": {"x": {}}, "requestBody": false}}}
        });
        normalise(&mut v, false, true);
        normalise_paths(&mut v);
        assert_eq!(v["components"]["schemas"]["description"]["type"], "string");
        assert!(v["components"]["schemas"]["Code"].get("pattern").is_none());
        assert_eq!(v["components"]["schemas"]["Code"]["title"], "7");
        assert!(v["paths"]["/a"]["get"].get("callbacks").is_none());
        assert!(v["paths"]["/a"]["get"].get("requestBody").is_none());
    }

    #[test]
    fn nested_references_become_components() {
        let mut v = serde_json::json!({
            "x-shared": {"Rate": {"type": "number"}},
            "components": {"schemas": {"A": {"properties": {"b": {"type": "string"}, "default": {"$ref": "#/components/schemas/A/properties/b"}, "rate": {"$ref": "#/x-shared/Rate"}}}}},
            "paths": {"/x": {"get": {"parameters": [{"$ref": "#/paths/~1y/get/parameters/0"}]}}, "/y": {"get": {"parameters": [{"name": "q", "in": "query"}]}}}
        });
        hoist_nested_refs(&mut v);
        assert_eq!(v["components"]["schemas"]["A"]["properties"]["default"]["$ref"], "#/components/schemas/A b");
        assert_eq!(v["components"]["schemas"]["A b"]["type"], "string");
        assert_eq!(v["components"]["schemas"]["A"]["properties"]["rate"]["$ref"], "#/components/schemas/x shared Rate");
        assert_eq!(v["paths"]["/x"]["get"]["parameters"][0]["$ref"], "#/components/parameters/y get");
        assert_eq!(v["components"]["parameters"]["y get"]["name"], "q");
    }

    #[test]
    fn normalises_type_arrays_and_numeric_exclusive_bounds() {
        let mut v = serde_json::json!({"type": ["string", "null"], "properties": {"type": {"type": "integer", "exclusiveMinimum": 0, "maximum": 18446744073709551615u64}}});
        normalise(&mut v, false, true);
        assert_eq!(v["type"], "string");
        assert_eq!(v["nullable"], true);
        assert_eq!(v["properties"]["type"]["minimum"], 0);
        assert_eq!(v["properties"]["type"]["exclusiveMinimum"], true);
        assert!(v["properties"]["type"].get("maximum").is_none());
    }

    fn schema_31(schema: Value) -> Value {
        let mut doc = serde_json::json!({"openapi": "3.1.0", "components": {"schemas": {"S": schema}}});
        normalise(&mut doc, false, true);
        doc["components"]["schemas"]["S"].take()
    }

    /// Each validation-only keyword is read and dropped, and the schema around it keeps its shape.
    #[test]
    fn validation_only_keywords_are_ignored() {
        let base = serde_json::json!({"type": "object", "properties": {"a": {"type": "string"}}});
        for (keyword, value) in [
            ("if", serde_json::json!({"properties": {"a": {"const": "x"}}})),
            ("then", serde_json::json!({"required": ["a"]})),
            ("else", serde_json::json!({"not": {"required": ["a"]}})),
            ("dependentSchemas", serde_json::json!({"a": {"required": ["b"]}})),
            ("unevaluatedProperties", serde_json::json!(false)),
            ("contains", serde_json::json!({"type": "string"})),
            ("propertyNames", serde_json::json!({"pattern": "^[a-z]+$"})),
        ] {
            let mut with = base.clone();
            with[keyword] = value;
            assert_eq!(schema_31(with), schema_31(base.clone()), "{keyword}");
        }
    }

    #[test]
    fn ref_siblings_merge_in_31_and_are_ignored_in_30() {
        let with_docs = serde_json::json!({"$ref": "#/components/schemas/P", "description": "Mine.", "default": {"a": 1}});
        assert_eq!(schema_31(with_docs.clone()), serde_json::json!({"description": "Mine.", "default": {"a": 1}, "allOf": [{"$ref": "#/components/schemas/P"}]}));
        let nullable = serde_json::json!({"$ref": "#/components/schemas/P", "type": ["object", "null"]});
        assert_eq!(schema_31(nullable), serde_json::json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/P"}]}));
        let extended = serde_json::json!({"$ref": "#/components/schemas/P", "properties": {"b": {"type": "integer"}}});
        assert_eq!(schema_31(extended), serde_json::json!({"allOf": [{"$ref": "#/components/schemas/P"}, {"properties": {"b": {"type": "integer"}}}]}));
        // A parameter reference's `description` overrides the parameter's: not a schema.
        let mut parameter = serde_json::json!({"$ref": "#/components/parameters/p", "description": "Other words."});
        normalise(&mut parameter, false, true);
        assert_eq!(parameter["$ref"], "#/components/parameters/p");
        let mut v30 = serde_json::json!({"components": {"schemas": {"S": with_docs.clone()}}});
        normalise(&mut v30, false, false);
        assert_eq!(v30["components"]["schemas"]["S"], with_docs);
    }

    #[test]
    fn type_arrays_of_several_types_are_a_union_of_one_schema_per_type() {
        let split = schema_31(serde_json::json!({"type": ["number", "string", "integer", "null"], "description": "D", "maxLength": 3, "minimum": 0, "enum": ["a", 1, 2.5, null]}));
        assert_eq!(
            split,
            serde_json::json!({"description": "D", "nullable": true, "anyOf": [
                {"type": "string", "maxLength": 3, "enum": ["a"]},
                {"type": "integer", "minimum": 0, "enum": [1]},
                {"type": "number", "minimum": 0, "enum": [1, 2.5]},
            ]})
        );
    }

    #[test]
    fn boolean_schemas_defs_anchors_and_examples() {
        let doc = r##"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "components": {"schemas": {"Never": false, "Any": true, "A": {"type": "object", "properties": {
                "b": {"$ref": "#b"}, "c": {"$ref": "#/$defs/C"}, "t": {"type": "array", "items": [{"type": "string"}]}},
                "$defs": {"B": {"$anchor": "b", "type": "string", "examples": ["x", "y"]}}}}},
            "$defs": {"C": {"type": "integer"}}}"##;
        let raw = parse(doc).expect("loads").raw;
        let schemas = &raw["components"]["schemas"];
        assert_eq!(schemas["Never"], serde_json::json!({"not": {}}));
        assert_eq!(schemas["Any"], serde_json::json!({}));
        assert_eq!(schemas["A"]["properties"]["b"]["$ref"], "#/components/schemas/A B");
        assert_eq!(schemas["A B"]["example"], "x");
        assert_eq!(schemas["A B"][EXAMPLES], serde_json::json!(["x", "y"]), "every example, for docs");
        assert_eq!(schemas["A"]["properties"]["c"]["$ref"], "#/components/schemas/C");
        assert_eq!(schemas["C"]["type"], "integer");
        // Draft 4's tuple `items`, its elements kept as `allOf` beside the marker for the schema lowering.
        assert_eq!(schemas["A"]["properties"]["t"]["allOf"], serde_json::json!([{"type": "string"}]));
        assert_eq!(schemas["A"]["properties"]["t"][TUPLE], "items");
        assert_eq!(raw["paths"], serde_json::json!({}), "`paths` is optional in 3.1");
    }

    #[test]
    fn a_tuple_keeps_the_type_of_its_rest() {
        let mut open = serde_json::json!({"prefixItems": [{"type": "integer"}], "items": {"type": "string"}});
        tuples(&mut open, false);
        assert_eq!(open, serde_json::json!({"type": "array", "allOf": [{"type": "integer"}], "items": {"type": "string"}, TUPLE: "prefixItems"}));
        // `items: false` (`{not: {}}` once read) allows no rest: as if there were no `items`.
        let mut closed = serde_json::json!({"prefixItems": [{"type": "integer"}], "items": {"not": {}}});
        tuples(&mut closed, false);
        assert!(closed.get("items").is_none());
    }

    #[test]
    fn content_type_headers_are_ignored_before_their_references_are_followed() {
        let mut v = serde_json::json!({
            "paths": {"/a": {"get": {"responses": {"200": {"headers": {"content-type": {"$ref": "gone.yaml"}, "X-Rate": {}}}}}}},
            "components": {"headers": {"Content-Type": {"schema": {"type": "string"}}},
                "schemas": {"S": {"properties": {"headers": {"type": "object", "properties": {"Content-Type": {"type": "string"}}}}}}}
        });
        ignore_content_type_headers(&mut v);
        assert_eq!(v["paths"]["/a"]["get"]["responses"]["200"]["headers"], serde_json::json!({"X-Rate": {}}));
        assert!(v["components"]["headers"].get("Content-Type").is_some(), "a named header component stays");
        assert!(v.pointer("/components/schemas/S/properties/headers/properties/Content-Type").is_some(), "a property is no header");
    }

    #[test]
    fn mutual_tls_is_met_by_the_users_client_and_operations_may_omit_responses() {
        let doc = r##"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "security": [{"tls": []}, {"key": []}, {"tls": [], "key": []}],
            "paths": {"/a": {"get": {"security": [{"tls": []}]}}},
            "components": {"securitySchemes": {"tls": {"type": "mutualTLS"}, "key": {"type": "apiKey", "in": "header", "name": "K"}}}}"##;
        let raw = parse(doc).expect("loads").raw;
        assert_eq!(raw["security"], serde_json::json!([{"key": []}, {"key": []}, {}]));
        assert_eq!(raw["paths"]["/a"]["get"]["security"], serde_json::json!([{}]));
        assert_eq!(raw["paths"]["/a"]["get"]["responses"], serde_json::json!({}));
        assert!(raw["components"]["securitySchemes"].get("tls").is_none());
    }

    #[test]
    fn webhook_payloads_become_documented_components() {
        let doc = r##"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "webhooks": {"ping": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}}},
                         "pet": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}}}},
            "components": {"schemas": {"Pet": {"type": "object", "description": "A pet."}}}}"##;
        let raw = parse(doc).expect("loads").raw;
        let schemas = &raw["components"]["schemas"];
        assert_eq!(schemas["ping webhook"]["description"], "Sent by the API as the payload of the `ping` webhook (POST).");
        assert_eq!(schemas["Pet"]["description"], "A pet.\n\nSent by the API as the payload of the `pet` webhook (POST).");
    }

    #[test]
    fn an_error_in_a_node_made_a_component_names_where_it_was_written() {
        let doc = r##"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "components": {"schemas": {"A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/A/$defs/B"}},
                "$defs": {"B": {"type": "string", "title": {"not": "text"}}}}}}}"##;
        let error = parse(doc).err().expect("a title must be text");
        assert_eq!(error.pointer, "#/components/schemas/A/$defs/B", "not the copy, `#/components/schemas/A B`");
    }

    #[test]
    fn references_resolve_in_the_document_as_written() {
        // Normalising moves `b`'s `properties` (siblings of its `$ref`) into `allOf`; the reference
        // into them was written against the document as it is.
        let doc = r##"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "components": {"schemas": {"P": {"type": "object"},
                "A": {"$ref": "#/components/schemas/P", "properties": {"n": {"type": "integer"}}},
                "B": {"type": "object", "properties": {"m": {"$ref": "#/components/schemas/A/properties/n"}}}}}}"##;
        let raw = parse(doc).expect("loads").raw;
        assert_eq!(raw["components"]["schemas"]["B"]["properties"]["m"]["$ref"], "#/components/schemas/A n");
        assert_eq!(raw["components"]["schemas"]["A n"]["type"], "integer");
    }
}
