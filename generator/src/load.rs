//! Loading: read YAML or JSON, normalise what openapiv3 would reject, check every `$ref`, and parse.

use openapiv3::OpenAPI;
use serde_json::{Map, Value};

use crate::error::{pointer_push, SpecError};

/// A parsed spec plus the raw JSON it came from (used to resolve pointers for error messages).
pub struct LoadedSpec {
    pub openapi: OpenAPI,
    pub raw: Value,
}

/// Parses spec text (YAML is a superset of JSON, but JSON goes through serde_json for exact numbers).
pub fn parse(text: &str) -> Result<LoadedSpec, SpecError> {
    let mut raw = if text.trim_start().starts_with('{') {
        serde_json::from_str::<Value>(text)
            .map_err(|e| SpecError::new("#", format!("invalid JSON at line {}, column {}: {e}", e.line(), e.column())))?
    } else {
        let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
            let at = e.location().map(|l| format!(" at line {}, column {}", l.line(), l.column())).unwrap_or_default();
            SpecError::new("#", format!("invalid YAML{at}: {e}"))
        })?;
        yaml_to_json(yaml, "#")?
    };
    if !raw.is_object() {
        return Err(SpecError::new("#", "the document must be an object"));
    }
    match raw.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.") => {}
        Some(v) => return Err(SpecError::new("#/openapi", format!("unsupported OpenAPI version {v:?}; expected 3.x"))),
        None => return Err(SpecError::new("#/openapi", "missing `openapi` version field (only OpenAPI 3.x is supported)")),
    }
    normalise(&mut raw, false);
    check_refs(&raw, &raw, "#")?;
    let openapi = serde_path_to_error::deserialize::<_, OpenAPI>(&raw).map_err(|e| {
        let pointer = locate(&raw, path_to_pointer(e.path()));
        SpecError::new(pointer, format!("not a valid OpenAPI 3.0 node: {}", e.inner()))
    })?;
    Ok(LoadedSpec { openapi, raw })
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
/// `type: null` and type arrays.
fn normalise(value: &mut Value, in_properties: bool) {
    match value {
        Value::Object(map) => {
            if !in_properties {
                normalise_schema_keywords(map);
            }
            for (key, child) in map.iter_mut() {
                if holds_data(key) {
                    continue;
                }
                normalise(child, key == "properties" && !in_properties);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| normalise(v, false)),
        _ => {}
    }
}

fn normalise_schema_keywords(map: &mut Map<String, Value>) {
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
                _ => {
                    map.remove("type");
                }
            }
        }
        _ => {}
    }
}

/// Keywords whose values are instance data (examples, defaults, enum values), not schema: a `$ref`
/// or a `type` key inside them means nothing, so the walkers skip them.
fn holds_data(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "enum")
}

/// Every `$ref` must be local (`#/...`) and point at an existing node.
fn check_refs(root: &Value, value: &Value, pointer: &str) -> Result<(), SpecError> {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref") {
                let here = pointer_push(pointer, "$ref");
                let Some(target) = reference.as_str() else {
                    return Err(SpecError::new(here, "`$ref` must be a string"));
                };
                let Some(local) = target.strip_prefix('#') else {
                    return Err(SpecError::new(
                        here,
                        format!("external reference {target:?} is not supported; inline or bundle it"),
                    ));
                };
                if root.pointer(&decode_pointer(local)).is_none() {
                    return Err(SpecError::new(here, format!("unresolvable reference {target:?}")));
                }
            }
            for (key, child) in map {
                if holds_data(key) {
                    continue;
                }
                check_refs(root, child, &pointer_push(pointer, key))?;
            }
            Ok(())
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_refs(root, item, &pointer_push(pointer, &i.to_string()))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// `$ref` values may percent-encode characters (`%7B`); JSON pointers in serde_json may not.
fn decode_pointer(pointer: &str) -> String {
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
    fn normalises_type_arrays_and_numeric_exclusive_bounds() {
        let mut v = serde_json::json!({"type": ["string", "null"], "properties": {"type": {"type": "integer", "exclusiveMinimum": 0, "maximum": 18446744073709551615u64}}});
        normalise(&mut v, false);
        assert_eq!(v["type"], "string");
        assert_eq!(v["nullable"], true);
        assert_eq!(v["properties"]["type"]["minimum"], 0);
        assert_eq!(v["properties"]["type"]["exclusiveMinimum"], true);
        assert!(v["properties"]["type"].get("maximum").is_none());
    }
}
