//! `Nullable` and `Timestamp` serde behaviour, decoding discriminated unions, and arrays of a tuple and a rest.

use std::collections::HashSet;

use sdk_runtime::runtime::chrono::{DateTime, Utc};
use sdk_runtime::runtime::{Nullable, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
struct UpdateThing {
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Nullable<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<Nullable<u32>>,
}

#[test]
fn nullable_tells_absent_null_and_value_apart() {
    let absent = UpdateThing::default();
    assert_eq!(serde_json::to_value(&absent).unwrap(), json!({}));
    let null = UpdateThing { description: Some(Nullable::Null), limit: None };
    assert_eq!(serde_json::to_value(&null).unwrap(), json!({"description": null}));
    let value = UpdateThing { description: Some("new".to_owned().into()), limit: Some(Nullable::Value(3)) };
    assert_eq!(serde_json::to_value(&value).unwrap(), json!({"description": "new", "limit": 3}));

    // Deserializing a bare Nullable.
    assert_eq!(serde_json::from_value::<Nullable<u32>>(json!(null)).unwrap(), Nullable::Null);
    assert_eq!(serde_json::from_value::<Nullable<u32>>(json!(7)).unwrap(), Nullable::Value(7));
    assert!(serde_json::from_value::<Nullable<u32>>(json!("x")).is_err());
    let round: UpdateThing = serde_json::from_value(json!({"description": "d", "limit": 2})).unwrap();
    assert_eq!(round, UpdateThing { description: Some(Nullable::Value("d".into())), limit: Some(Nullable::Value(2)) });
}

#[test]
fn nullable_helpers() {
    let n: Nullable<u8> = 5.into();
    assert_eq!(n.value(), Some(&5));
    assert_eq!(n.map(|v| v * 2), Nullable::Value(10));
    assert!(Nullable::<u8>::Null.is_null());
    assert_eq!(Nullable::<u8>::default(), Nullable::Null);
    assert_eq!(Nullable::from_option(None::<u8>), Nullable::Null);
    assert_eq!(Nullable::from_option(Some(1)).into_option(), Some(1));
    assert_eq!(Nullable::Value(String::from("a")).as_ref(), Nullable::Value(&String::from("a")));
}

#[test]
fn timestamp_accepts_rfc3339_and_offsetless_forms() {
    let cases = [
        ("2024-05-01T12:30:00Z", "2024-05-01T12:30:00Z"),
        ("2024-05-01T14:30:00+02:00", "2024-05-01T12:30:00Z"),
        ("2024-05-01T12:30:00.123456Z", "2024-05-01T12:30:00.123456Z"),
        ("2024-05-01T12:30:00.5-01:00", "2024-05-01T13:30:00.500Z"),
        ("2024-05-01T12:30:00", "2024-05-01T12:30:00Z"),
        ("2024-05-01T12:30:00.123456", "2024-05-01T12:30:00.123456Z"),
        ("2024-05-01 12:30:00", "2024-05-01T12:30:00Z"),
        ("2024-05-01T12:30:00+0000", "2024-05-01T12:30:00Z"),
        ("2024-05-01", "2024-05-01T00:00:00Z"),
    ];
    for (input, expected) in cases {
        let t: Timestamp = serde_json::from_value(json!(input)).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(t.to_string(), expected, "{input}");
        assert_eq!(serde_json::to_value(t).unwrap(), json!(expected));
        // Round trip through the serialized form.
        let again: Timestamp = serde_json::from_value(serde_json::to_value(t).unwrap()).unwrap();
        assert_eq!(again, t);
        assert_eq!(input.parse::<Timestamp>().unwrap(), t);
    }
    for bad in ["", "yesterday", "2024-13-01T00:00:00Z", "12:30"] {
        assert!(bad.parse::<Timestamp>().is_err(), "{bad}");
        assert!(serde_json::from_value::<Timestamp>(json!(bad)).is_err(), "{bad}");
    }
    let err = "nope".parse::<Timestamp>().unwrap_err();
    assert!(err.to_string().contains("nope"));
    assert!(serde_json::from_value::<Timestamp>(json!(12)).is_err());
}

#[test]
fn timestamp_traits() {
    let a: Timestamp = "2024-01-01T00:00:00Z".parse().unwrap();
    let b: Timestamp = "2024-01-02T00:00:00Z".parse().unwrap();
    assert!(a < b);
    assert_eq!(a.max(b), b);
    let set: HashSet<Timestamp> = [a, b, a].into_iter().collect();
    assert_eq!(set.len(), 2);
    let chrono_value: DateTime<Utc> = a.into();
    assert_eq!(Timestamp::from(chrono_value), a);
    assert_eq!(a.into_datetime(), chrono_value);
    assert_eq!(a.as_datetime().timestamp(), 1_704_067_200);
    assert!(format!("{a:?}").contains("2024"));
}


#[test]
fn peek_tag_reads_only_the_tag() {
    use sdk_runtime::runtime::peek_tag;
    let json = r#"{"content":{"nested":[1,{"type":"inner"}]},"type":"text_delta","extra":null}"#;
    assert_eq!(peek_tag(json, "type").expect("valid JSON").as_deref(), Some("text_delta"));
    assert_eq!(peek_tag(json, "kind").expect("valid JSON"), None);
    assert_eq!(peek_tag(r#"{"type":7}"#, "type").expect("valid JSON"), None, "a non-string tag selects nothing");
    assert_eq!(peek_tag(r#"["type"]"#, "type").expect("valid JSON"), None);
    assert_eq!(peek_tag(r#""text""#, "type").expect("valid JSON"), None);
    assert!(peek_tag(r#"{"type":"#, "type").is_err(), "broken JSON is an error");
}

/// A discriminated union as the generator writes one: `Circle` and `Point` leave the tag to the union
/// (and decode without it), `Square` keeps it as a field.
pub mod shapes {
    use sdk_runtime::runtime::{deserialize_tagged, TaggedObject, TaggedUnion};
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    #[derive(Debug, PartialEq, Deserialize)]
    pub struct Circle {
        pub r: f64,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    pub struct Point {
        #[serde(default)]
        pub label: Option<String>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    pub struct Square {
        #[serde(rename = "type")]
        pub kind: String,
        pub side: f64,
    }

    #[derive(Debug, PartialEq)]
    pub enum Shape {
        Circle(Circle),
        Point(Point),
        Square(Square),
        Unknown(Value),
    }

    impl TaggedUnion for Shape {
        const TAG: &'static str = "type";
        fn decode_variant<'de, O: TaggedObject<'de>>(tag: Option<&[u8]>, object: O) -> Result<Self, O::Error> {
            Ok(match tag {
                Some(b"circle") => Self::Circle(Deserialize::deserialize(object.without_tag())?),
                Some(b"point") => Self::Point(Deserialize::deserialize(object.without_tag())?),
                Some(b"square" | b"box") => Self::Square(Deserialize::deserialize(object.with_tag())?),
                _ => Self::Unknown(Value::deserialize(object.with_tag())?),
            })
        }
        fn unknown(value: Value) -> Self {
            Self::Unknown(value)
        }
    }

    impl<'de> Deserialize<'de> for Shape {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize_tagged(deserializer)
        }
    }
}

#[test]
fn tagged_json_decodes_the_same_with_the_tag_first_or_anywhere() {
    use sdk_runtime::runtime::{from_tagged_json, TaggedJson};
    use shapes::*;

    let circle = || Shape::Circle(Circle { r: 1.5 });
    let cases: &[(&str, Shape)] = &[
        // The tag first, compact and spaced out: read off the text, the variant decoded from the
        // rest of the object.
        (r#"{"type":"circle","r":1.5}"#, circle()),
        (" {\n  \"type\" :\t\"circle\" , \"r\": 1.5 }\n", circle()),
        // The tag alone.
        (r#"{"type":"point"}"#, Shape::Point(Point { label: None })),
        ("{ \"type\":\"point\" }", Shape::Point(Point { label: None })),
        (r#"{"type":"point","label":"{\"type\":\"circle\"}"}"#, Shape::Point(Point { label: Some(r#"{"type":"circle"}"#.into()) })),
        // The tag later, escaped, or twice: the general path, with the same result.
        (r#"{"r":1.5,"type":"circle"}"#, circle()),
        (r#"{"type":"circl\u0065","r":1.5}"#, circle()),
        (r#"{"type":"circle","r":1.5,"type":"square"}"#, circle()),
        // A variant that keeps its tag reads it, whichever tag selected it.
        (r#"{"type":"box","side":2.0}"#, Shape::Square(Square { kind: "box".into(), side: 2.0 })),
        // Unknown or missing tags keep the whole object.
        (r#"{"type":"hexagon","n":6}"#, Shape::Unknown(json!({"type": "hexagon", "n": 6}))),
        (r#"{"type":7,"n":6}"#, Shape::Unknown(json!({"type": 7, "n": 6}))),
        (r#"{"n":6}"#, Shape::Unknown(json!({"n": 6}))),
        ("[1]", Shape::Unknown(json!([1]))),
    ];
    // One decoder for every case: its buffer holds the previous case's text.
    let mut decoder = TaggedJson::new();
    for (text, expected) in cases {
        assert_eq!(&from_tagged_json::<Shape>(text.as_bytes()).unwrap_or_else(|e| panic!("{text}: {e}")), expected, "{text}");
        assert_eq!(&decoder.decode::<Shape>(text.as_bytes()).unwrap_or_else(|e| panic!("{text}: {e}")), expected, "{text}");
        assert_eq!(&serde_json::from_str::<Shape>(text).expect("the general path decodes"), expected, "{text}");
    }
    let broken = [
        r#"{"type":"circle","r":"wide"}"#,
        r#"{"type":"circle","r":1.5} trailing"#,
        r#"{"type":"circle""#,
        "{\"type\":\"circ\u{1}le\",\"r\":1}",
        // Broken just after the tag, where the fast path picks up the rest of the object.
        r#"{"type":"point",}"#,
        r#"{"type":"point",,"label":"a"}"#,
        r#"{"type":"point" "label":"a"}"#,
        r#"{"type":"point"}}"#,
        r#"{"type":"circle"}"#,
    ];
    for broken in broken {
        assert!(from_tagged_json::<Shape>(broken.as_bytes()).is_err(), "{broken:?}");
        assert!(decoder.decode::<Shape>(broken.as_bytes()).is_err(), "{broken:?}");
        assert!(serde_json::from_str::<Shape>(broken).is_err(), "{broken:?}");
    }
}

#[test]
fn open_enums_decode_known_and_unknown_values_from_any_string_form() {
    use sdk_runtime::runtime::deserialize_open_enum;

    #[derive(Debug, PartialEq)]
    enum Status {
        Done,
        Unknown(String),
    }
    impl From<&str> for Status {
        fn from(value: &str) -> Self {
            match value {
                "done" => Self::Done,
                other => Self::Unknown(other.to_string()),
            }
        }
    }
    let decode = |text: &str| deserialize_open_enum::<Status, _>(&mut serde_json::Deserializer::from_str(text));
    assert_eq!(decode(r#""done""#).unwrap(), Status::Done);
    // Escaped text is unescaped first (serde hands over a transient, not a borrowed, string).
    assert_eq!(decode(r#""d\u006fne""#).unwrap(), Status::Done);
    assert_eq!(decode(r#""paused""#).unwrap(), Status::Unknown("paused".into()));
    // From a `Value` (an owned string) too.
    assert_eq!(deserialize_open_enum::<Status, _>(json!("done")).unwrap(), Status::Done);
    let error = decode("7").expect_err("a number is not a status");
    assert!(error.to_string().contains("expected a string"), "{error}");
}

#[test]
fn a_tuple_and_its_rest_are_one_flat_array() {
    use sdk_runtime::runtime::{deserialize_tuple_rest, serialize_tuple_rest};
    let written = serialize_tuple_rest(serde_json::value::Serializer, &(1, "a".to_owned()), &[true, false]).expect("writes");
    assert_eq!(written, json!([1, "a", true, false]));
    let (elements, rest): ((i64, String), Vec<bool>) = deserialize_tuple_rest(json!([1, "a", true, false]), "Pair").expect("reads");
    assert_eq!((elements, rest), ((1, "a".to_owned()), vec![true, false]));
    let (_, rest): ((i64,), Vec<bool>) = deserialize_tuple_rest(json!([1]), "One").expect("no rest");
    assert!(rest.is_empty());
    let short = deserialize_tuple_rest::<(i64, String), bool, _>(json!([1]), "Pair").expect_err("an element is missing");
    assert_eq!(short.to_string(), "invalid length 1, expected an array of at least 2 items (Pair)");
    assert!(deserialize_tuple_rest::<(i64,), bool, _>(json!([1, 2]), "One").is_err(), "a rest item of another type");
}
