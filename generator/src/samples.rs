//! Values for the generated tests: inputs a validating mock server of the spec accepts.
//!
//! A documented example is used when it is valid by its schema (specs' examples often are not: a
//! number written as a string, a value outside its enum). Otherwise a value is built from the
//! schema that meets its constraints: enum, format, pattern, length and numeric bounds, item
//! counts, required properties, and for `oneOf` a value that matches exactly one variant, as JSON
//! Schema requires. The validator here is the part of JSON Schema those checks need; where it
//! cannot decide (a pattern the regex engine does not support), it assumes valid.

use openapiv3::{
    AdditionalProperties, ArrayType, IntegerType, NumberType, ReferenceOr, Schema, SchemaKind, StringFormat, StringType, Type,
    VariantOrUnknownOrEmpty,
};
use regex_syntax::hir::{Class, Hir, HirKind};
use serde_json::{json, Map, Value};

use crate::schema::{SchemaRef, TypeSpace};

/// How deep a built value nests before optional structure stops (recursive schemas).
const MAX_DEPTH: usize = 8;

pub struct Samples<'s, 'a> {
    types: &'s TypeSpace<'a>,
}

impl<'s, 'a> Samples<'s, 'a> {
    pub fn new(types: &'s TypeSpace<'a>) -> Self {
        Samples { types }
    }

    /// The first documented value valid by `schema`, else a value built from the schema.
    pub fn value<'v>(&self, schema: SchemaRef<'a>, documented: impl IntoIterator<Item = &'v Value>) -> Value {
        documented.into_iter().find(|v| self.valid(v, schema, 0)).cloned().unwrap_or_else(|| self.build(schema, 0, false))
    }

    fn resolve(&self, schema: SchemaRef<'a>) -> Option<&'a Schema> {
        self.types.resolve(schema, "").ok()
    }

    /// A value valid by `schema`; `full` adds the optional properties of objects too.
    fn build(&self, schema: SchemaRef<'a>, depth: usize, full: bool) -> Value {
        let Some(resolved) = self.resolve(schema) else { return Value::Null };
        if let Some(example) = &resolved.schema_data.example {
            if self.valid(example, schema, 0) {
                return example.clone();
            }
        }
        if let Some(default) = &resolved.schema_data.default {
            if self.valid(default, schema, 0) {
                return default.clone();
            }
        }
        let deep = depth > MAX_DEPTH;
        if deep && resolved.schema_data.nullable {
            return Value::Null;
        }
        match &resolved.schema_kind {
            SchemaKind::Type(Type::String(s)) => Value::String(string_sample(s)),
            SchemaKind::Type(Type::Integer(i)) => integer_sample(i),
            SchemaKind::Type(Type::Number(n)) => number_sample(n),
            SchemaKind::Type(Type::Boolean(b)) => json!(b.enumeration.iter().flatten().next().copied().unwrap_or(true)),
            // Deep in a recursive schema, building stops at an empty container.
            SchemaKind::Type(Type::Array(_)) if deep => json!([]),
            _ if deep => json!({}),
            SchemaKind::Type(Type::Array(a)) => self.array_sample(a, depth, full),
            SchemaKind::OneOf { one_of } => self.one_of_sample(resolved, one_of, depth),
            SchemaKind::AnyOf { any_of } => any_of.first().map(|m| self.build(m.into(), depth + 1, full)).unwrap_or(Value::Null),
            // A tuple: its elements stand as `allOf` beside a marker (see `load::TUPLE`).
            SchemaKind::Any(any) if is_tuple(resolved) => Value::Array(any.all_of.iter().map(|element| self.build(element.into(), depth + 1, full)).collect()),
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => self.build((&all_of[0]).into(), depth + 1, full),
            SchemaKind::AllOf { all_of } => {
                let mut merged = Map::new();
                for member in all_of {
                    match self.build(member.into(), depth + 1, full) {
                        Value::Object(fields) => merged.extend(fields),
                        other if merged.is_empty() => return other,
                        _ => {}
                    }
                }
                Value::Object(merged)
            }
            _ => self.object_sample(schema, depth, full),
        }
    }

    fn array_sample(&self, array: &ArrayType, depth: usize, full: bool) -> Value {
        let Some(items) = &array.items else { return json!([]) };
        let item = self.build(items.into(), depth + 1, full);
        // Two items where allowed: a one-item list sent as a form field or query parameter reads
        // like a single value, so two show that the list arrives as a list.
        let mut count = array.min_items.unwrap_or(2).max(2).min(array.max_items.unwrap_or(usize::MAX));
        if array.unique_items && count > 1 {
            // Distinct items: only numbers and strings are easy to vary.
            if !(item.is_string() || item.is_number()) {
                count = array.min_items.unwrap_or(1).max(1);
            }
            return Value::Array((0..count).map(|i| vary(&item, i)).collect());
        }
        Value::Array(vec![item; count])
    }

    /// An object with its required properties (all of them when `full`).
    fn object_sample(&self, schema: SchemaRef<'a>, depth: usize, full: bool) -> Value {
        let mut props = indexmap::IndexMap::new();
        let (mut required, mut additional) = (Vec::new(), None);
        if !self.types.collect_properties(schema, "", &mut props, &mut required, &mut additional).unwrap_or(false) {
            return json!({});
        }
        let object = props
            .into_iter()
            .filter(|(name, _)| full || required.contains(name))
            .map(|(name, (prop, _))| (name.clone(), self.build(prop, depth + 1, false)))
            .collect();
        Value::Object(object)
    }

    /// A value that matches exactly one variant: the first variant whose value (with its
    /// required properties, then with all of them, and with a discriminator's tag set) no other
    /// variant accepts.
    fn one_of_sample(&self, union: &'a Schema, variants: &'a [ReferenceOr<Schema>], depth: usize) -> Value {
        let mut first = None;
        for (index, variant) in variants.iter().enumerate() {
            for full in [false, true] {
                let mut candidate = self.build(variant.into(), depth + 1, full);
                if let (Some(discriminator), Value::Object(fields)) = (&union.schema_data.discriminator, &mut candidate) {
                    if let Some(tag) = discriminator_tag(discriminator, variant) {
                        fields.insert(discriminator.property_name.clone(), Value::String(tag));
                    }
                }
                let exclusive = variants.iter().enumerate().all(|(other, schema)| other == index || !self.valid(&candidate, schema.into(), 0));
                if exclusive && self.valid(&candidate, variant.into(), 0) {
                    return candidate;
                }
                first.get_or_insert(candidate);
            }
        }
        first.unwrap_or(Value::Null)
    }

    /// Whether `value` is valid by `schema`, for the keywords an SDK's inputs meet.
    pub fn valid(&self, value: &Value, schema: SchemaRef<'a>, depth: usize) -> bool {
        let Some(schema) = self.resolve(schema) else { return true };
        if depth > 64 {
            return true;
        }
        if value.is_null() {
            return schema.schema_data.nullable || matches!(&schema.schema_kind, SchemaKind::Any(any) if any.typ.is_none());
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => value.as_str().is_some_and(|text| string_valid(text, s)),
            SchemaKind::Type(Type::Integer(i)) => integer_valid(value, i),
            SchemaKind::Type(Type::Number(n)) => value.as_f64().is_some_and(|v| number_valid(v, n)),
            SchemaKind::Type(Type::Boolean(b)) => value.as_bool().is_some_and(|v| b.enumeration.is_empty() || b.enumeration.contains(&Some(v))),
            SchemaKind::Type(Type::Array(a)) => match value.as_array() {
                Some(items) => {
                    a.min_items.is_none_or(|min| items.len() >= min)
                        && a.max_items.is_none_or(|max| items.len() <= max)
                        && a.items.as_ref().is_none_or(|item| items.iter().all(|v| self.valid(v, item.into(), depth + 1)))
                }
                None => false,
            },
            SchemaKind::Type(Type::Object(o)) => match value.as_object() {
                Some(fields) => {
                    o.min_properties.is_none_or(|min| fields.len() >= min)
                        && o.max_properties.is_none_or(|max| fields.len() <= max)
                        && self.object_valid(fields, &o.properties, &o.required, o.additional_properties.as_ref(), depth)
                }
                None => false,
            },
            SchemaKind::OneOf { one_of } => one_of.iter().filter(|s| self.valid(value, (*s).into(), depth + 1)).count() == 1,
            SchemaKind::AnyOf { any_of } => any_of.iter().any(|s| self.valid(value, s.into(), depth + 1)),
            SchemaKind::AllOf { all_of } => all_of.iter().all(|s| self.valid(value, s.into(), depth + 1)),
            SchemaKind::Not { not } => !self.valid(value, not.as_ref().into(), depth + 1),
            // The elements, then any number of `items` (the rest), or none where there is no rest.
            SchemaKind::Any(any) if is_tuple(schema) => value.as_array().is_some_and(|items| {
                let (elements, rest) = items.split_at(items.len().min(any.all_of.len()));
                elements.len() == any.all_of.len()
                    && any.all_of.iter().zip(elements).all(|(element, item)| self.valid(item, element.into(), depth + 1))
                    && match &any.items {
                        Some(schema) => rest.iter().all(|item| self.valid(item, schema.into(), depth + 1)),
                        None => rest.is_empty(),
                    }
            }),
            SchemaKind::Any(any) => {
                let object_ok = match value.as_object() {
                    Some(fields) => self.object_valid(fields, &any.properties, &any.required, any.additional_properties.as_ref(), depth),
                    None => any.properties.is_empty() && any.required.is_empty(),
                };
                object_ok
                    && any.all_of.iter().all(|s| self.valid(value, s.into(), depth + 1))
                    && (any.any_of.is_empty() || any.any_of.iter().any(|s| self.valid(value, s.into(), depth + 1)))
                    && (any.one_of.is_empty() || any.one_of.iter().filter(|s| self.valid(value, (*s).into(), depth + 1)).count() == 1)
                    && (any.enumeration.is_empty() || any.enumeration.contains(value))
            }
        }
    }

    fn object_valid(
        &self,
        fields: &Map<String, Value>,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        depth: usize,
    ) -> bool {
        required.iter().all(|name| fields.contains_key(name))
            && fields.iter().all(|(name, field)| match properties.get(name) {
                Some(prop) => self.valid(field, prop.into(), depth + 1),
                None => match additional {
                    Some(AdditionalProperties::Any(allowed)) => *allowed,
                    Some(AdditionalProperties::Schema(extra)) => self.valid(field, extra.as_ref().into(), depth + 1),
                    None => true,
                },
            })
    }
}

fn is_tuple(schema: &Schema) -> bool {
    schema.schema_data.extensions.contains_key(crate::load::TUPLE)
}

/// The tag a discriminator gives a variant: its `mapping` key, else the referenced schema's name.
fn discriminator_tag(discriminator: &openapiv3::Discriminator, variant: &ReferenceOr<Schema>) -> Option<String> {
    let ReferenceOr::Reference { reference } = variant else { return None };
    if let Some((tag, _)) = discriminator.mapping.iter().find(|(_, target)| *target == reference || reference.ends_with(&format!("/{target}"))) {
        return Some(tag.clone());
    }
    reference.rsplit('/').next().map(str::to_owned)
}

/// The `i`-th distinct variation of a value (for `uniqueItems`).
fn vary(value: &Value, i: usize) -> Value {
    match value {
        Value::String(s) => Value::String(if i == 0 { s.clone() } else { format!("{s}{i}") }),
        Value::Number(n) => n.as_i64().map(|n| json!(n + i as i64)).unwrap_or_else(|| json!(n.as_f64().unwrap_or(0.0) + i as f64)),
        other => other.clone(),
    }
}

fn format_of(s: &StringType) -> Option<&str> {
    match &s.format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Some("date-time"),
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Some("date"),
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Some("byte"),
        VariantOrUnknownOrEmpty::Unknown(format) => Some(format.as_str()),
        _ => None,
    }
}

fn string_sample(s: &StringType) -> String {
    // Not the empty string where the enum has another: it cannot be a path parameter.
    let mut values = s.enumeration.iter().flatten();
    if let Some(first) = values.clone().find(|v| !v.is_empty()).or_else(|| values.next()) {
        return first.clone();
    }
    let text = match format_of(s) {
        Some("date-time") => "2024-01-01T00:00:00Z".to_owned(),
        Some("date") => "2024-01-01".to_owned(),
        Some("time") => "00:00:00".to_owned(),
        Some("uuid") => "00000000-0000-0000-0000-000000000000".to_owned(),
        Some("email") => "user@example.com".to_owned(),
        Some("uri" | "url" | "uri-reference") => "https://example.com".to_owned(),
        Some("hostname") => "example.com".to_owned(),
        Some("ipv4") => "192.0.2.1".to_owned(),
        Some("ipv6") => "2001:db8::1".to_owned(),
        Some("byte") => "c3RyaW5n".to_owned(),
        _ => s.pattern.as_deref().and_then(pattern_sample).unwrap_or_else(|| "string".to_owned()),
    };
    fit_length(text, s.min_length, s.max_length)
}

/// Pads (with the last character) or cuts a text to a length range.
fn fit_length(mut text: String, min: Option<usize>, max: Option<usize>) -> String {
    let len = text.chars().count();
    if let Some(min) = min.filter(|min| len < *min) {
        let pad = text.chars().last().unwrap_or('a');
        text.extend(std::iter::repeat_n(pad, min - len));
    }
    if let Some(max) = max.filter(|max| text.chars().count() > *max) {
        text = text.chars().take(max).collect();
    }
    text
}

/// A short string a pattern (anchored or not) matches, built from its syntax tree: the shortest
/// one unless that is empty, then one with each optional repetition taken once. `None` for a
/// pattern the Rust regex syntax does not read (look-arounds, back-references).
fn pattern_sample(pattern: &str) -> Option<String> {
    let hir = regex_syntax::ParserBuilder::new().unicode(true).build().parse(pattern).ok()?;
    let regex = regex::Regex::new(pattern).ok()?;
    [false, true].into_iter().find_map(|grow| {
        let mut out = String::new();
        write_hir(&hir, grow, &mut out);
        (!out.is_empty() && regex.is_match(&out)).then_some(out)
    })
}

fn write_hir(hir: &Hir, grow: bool, out: &mut String) {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(&String::from_utf8_lossy(&literal.0)),
        HirKind::Class(Class::Unicode(class)) => {
            if let Some(range) = class.ranges().first() {
                // A letter or digit reads better than the range's first code point (`!` of `\S`).
                let pick = ('a'..='z').chain('0'..='9').find(|c| class.ranges().iter().any(|r| r.start() <= *c && *c <= r.end()));
                out.push(pick.unwrap_or(range.start()));
            }
        }
        HirKind::Class(Class::Bytes(class)) => {
            if let Some(range) = class.ranges().first() {
                out.push(char::from(range.start()));
            }
        }
        HirKind::Repetition(repetition) => {
            let times = if grow { repetition.min.max(1).min(repetition.max.unwrap_or(u32::MAX)) } else { repetition.min };
            for _ in 0..times {
                write_hir(&repetition.sub, grow, out);
            }
        }
        HirKind::Capture(capture) => write_hir(&capture.sub, grow, out),
        HirKind::Concat(parts) => parts.iter().for_each(|part| write_hir(part, grow, out)),
        HirKind::Alternation(options) => {
            if let Some(first) = options.first() {
                write_hir(first, grow, out);
            }
        }
    }
}

fn string_valid(text: &str, s: &StringType) -> bool {
    let len = text.chars().count();
    let enum_ok = s.enumeration.is_empty() || s.enumeration.iter().flatten().any(|v| v == text);
    let pattern_ok = s.pattern.as_deref().is_none_or(|p| regex::Regex::new(p).map(|r| r.is_match(text)).unwrap_or(true));
    let format_ok = match format_of(s) {
        Some("date-time") => is_date(text.get(..10).unwrap_or_default()) && text.len() > 10 && matches!(text.as_bytes()[10], b'T' | b't' | b' '),
        Some("date") => is_date(text),
        Some("uuid") => text.len() == 36 && text.chars().enumerate().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() }),
        Some("email") => text.contains('@'),
        _ => true,
    };
    enum_ok && pattern_ok && format_ok && s.min_length.is_none_or(|min| len >= min) && s.max_length.is_none_or(|max| len <= max)
}

fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10 && bytes[4] == b'-' && bytes[7] == b'-' && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
}

fn integer_sample(i: &IntegerType) -> Value {
    if let Some(first) = i.enumeration.iter().flatten().next() {
        return json!(first);
    }
    let low = i.minimum.map(|min| if i.exclusive_minimum { min + 1 } else { min });
    let high = i.maximum.map(|max| if i.exclusive_maximum { max - 1 } else { max });
    let mut value = match (low, high) {
        (Some(low), _) => low.max(1).min(high.unwrap_or(i64::MAX)),
        (None, Some(high)) => high.min(1),
        (None, None) => 1,
    };
    if let Some(step) = i.multiple_of.filter(|step| *step > 0) {
        value = (value + step - 1).div_euclid(step) * step;
    }
    json!(value)
}

fn integer_valid(value: &Value, i: &IntegerType) -> bool {
    let Some(v) = value.as_i64().or_else(|| value.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)) else { return false };
    (i.enumeration.is_empty() || i.enumeration.contains(&Some(v)))
        && i.minimum.is_none_or(|min| if i.exclusive_minimum { v > min } else { v >= min })
        && i.maximum.is_none_or(|max| if i.exclusive_maximum { v < max } else { v <= max })
        && i.multiple_of.is_none_or(|step| step == 0 || v % step == 0)
}

fn number_sample(n: &NumberType) -> Value {
    if let Some(first) = n.enumeration.iter().flatten().next() {
        return json!(first);
    }
    let value = match (n.minimum, n.maximum) {
        (Some(min), max) => {
            let low = if n.exclusive_minimum { min + n.multiple_of.unwrap_or(1.0).min(1.0) } else { min };
            low.max(1.0).min(max.unwrap_or(f64::MAX))
        }
        (None, Some(max)) => max.min(1.0),
        (None, None) => 1.0,
    };
    let value = match n.multiple_of.filter(|step| *step > 0.0) {
        Some(step) => (value / step).ceil() * step,
        None => value,
    };
    if value.fract() == 0.0 && value.abs() < 1e15 { json!(value as i64) } else { json!(value) }
}

fn number_valid(v: f64, n: &NumberType) -> bool {
    (n.enumeration.is_empty() || n.enumeration.contains(&Some(v)))
        && n.minimum.is_none_or(|min| if n.exclusive_minimum { v > min } else { v >= min })
        && n.maximum.is_none_or(|max| if n.exclusive_maximum { v < max } else { v <= max })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_give_a_matching_text() {
        for pattern in ["[0N1RWU4X6F8Z9ALBQC3EG5HJKM2PS7TVDY]{32}", "^[0-9]+$", "^(GB|DE)[A-Z]{2}\\d{2}$", "^\\S+@\\S+$", "a?b*c+"] {
            let text = pattern_sample(pattern).expect("a sample");
            assert!(regex::Regex::new(pattern).unwrap().is_match(&text), "{pattern} → {text}");
        }
        assert_eq!(pattern_sample("^[0-9]+$").as_deref(), Some("0"));
        assert_eq!(pattern_sample("^.*$").as_deref(), Some("a"), "not empty");
        assert_eq!(pattern_sample("(?!x)y"), None, "look-ahead is not Rust syntax");
    }

    #[test]
    fn lengths_are_met() {
        assert_eq!(fit_length("ab".into(), Some(4), None), "abbb");
        assert_eq!(fit_length("abcdef".into(), None, Some(3)), "abc");
    }
}
