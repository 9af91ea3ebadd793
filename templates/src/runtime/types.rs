//! Value types shared by generated models ([`Nullable`], [`Timestamp`]); [`deserialize_object`],
//! [`serialize_object`] and [`debug_object`], through which generated structs decode, encode and
//! show themselves; [`deserialize_tagged`], which discriminated unions decode with;
//! [`serialize_tuple_rest`] and [`deserialize_tuple_rest`] for arrays of fixed elements and a rest;
//! and [`peek_tag`].

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use serde::de::{DeserializeOwned, DeserializeSeed, Error as _, Expected, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value that may be explicitly `null`.
///
/// Request fields that the API lets you clear are `Option<Nullable<T>>` with
/// `#[serde(skip_serializing_if = "Option::is_none")]`, which tells the three cases apart:
///
/// | field | JSON sent | meaning |
/// |---|---|---|
/// | `None` | field absent | leave unchanged |
/// | `Some(Nullable::Null)` | `null` | clear the value |
/// | `Some(Nullable::Value(v))` | `v` | set the value |
///
/// `Nullable::Null` serializes as JSON `null` and `Nullable::Value(v)` as `v`. Deserializing a
/// `null` gives `Nullable::Null` (note that serde turns a `null` field of type
/// `Option<Nullable<T>>` into `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Nullable<T> {
    /// An explicit `null`.
    #[default]
    Null,
    /// A value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether this is [`Nullable::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if any.
    pub fn value(&self) -> Option<&T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(v) => Some(v),
        }
    }

    /// Converts into an `Option`, mapping `Null` to `None`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(v) => Some(v),
        }
    }

    /// `Some(v)` becomes `Value(v)`, `None` becomes `Null`.
    pub fn from_option(value: Option<T>) -> Self {
        match value {
            Some(v) => Nullable::Value(v),
            None => Nullable::Null,
        }
    }

    /// Borrows the value.
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(v),
        }
    }

    /// Maps the value, keeping `Null`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(f(v)),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Null => serializer.serialize_none(),
            Nullable::Value(v) => v.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Nullable::from_option)
    }
}

/// A point in time, in UTC.
///
/// Deserializes RFC 3339 (`2024-05-01T12:30:00Z`, `2024-05-01T14:30:00.123+02:00`) and also
/// timestamps without an offset (`2024-05-01T12:30:00.123456`, `2024-05-01 12:30:00`), which are
/// taken as UTC, and bare dates (`2024-05-01`, midnight UTC). Serializes as RFC 3339 in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    /// The current time.
    pub fn now() -> Self {
        Timestamp(Utc::now())
    }

    /// The underlying `chrono` date-time.
    pub fn as_datetime(&self) -> &DateTime<Utc> {
        &self.0
    }

    /// Converts into the underlying `chrono` date-time.
    pub fn into_datetime(self) -> DateTime<Utc> {
        self.0
    }

    /// Parses any of the accepted formats (see the type's documentation).
    pub fn parse(text: &str) -> Result<Self, ParseTimestampError> {
        let text = text.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Ok(Timestamp(t.with_timezone(&Utc)));
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%:z"] {
            if let Ok(t) = DateTime::parse_from_str(text, format) {
                return Ok(Timestamp(t.with_timezone(&Utc)));
            }
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
            if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
                return Ok(Timestamp(t.and_utc()));
            }
        }
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            if let Some(t) = date.and_hms_opt(0, 0, 0) {
                return Ok(Timestamp(t.and_utc()));
            }
        }
        Err(ParseTimestampError { input: text.chars().take(64).collect() })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

impl FromStr for Timestamp {
    type Err = ParseTimestampError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(value: DateTime<Utc>) -> Self {
        Timestamp(value)
    }
}

impl From<Timestamp> for DateTime<Utc> {
    fn from(value: Timestamp) -> Self {
        value.0
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// The error of parsing a [`Timestamp`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseTimestampError {
    input: String,
}

impl fmt::Display for ParseTimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid timestamp `{}`: expected RFC 3339 (like 2024-05-01T12:30:00Z)", self.input)
    }
}

impl std::error::Error for ParseTimestampError {}

/// The string value of `property` in the JSON object `json`, read without building the object:
/// every other value is skipped. For choosing how to decode JSON text by its tag; generated
/// discriminated unions do that in one pass with [`deserialize_tagged`].
///
/// Returns `Ok(None)` when `json` is not an object or `property` is absent or not a string.
#[doc(hidden)]
pub fn peek_tag(json: &str, property: &str) -> serde_json::Result<Option<String>> {
    use serde::de::{IgnoredAny, MapAccess, Visitor};

    struct TagVisitor<'p>(&'p str);

    impl<'de> Visitor<'de> for TagVisitor<'_> {
        type Value = Option<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut tag = None;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if tag.is_none() && key == self.0 {
                    tag = map.next_value::<serde_json::Value>()?.as_str().map(str::to_owned);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(tag)
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }

        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }

    let mut deserializer = serde_json::Deserializer::from_str(json);
    serde::Deserializer::deserialize_any(&mut deserializer, TagVisitor(property))
}

/// Decodes a string enum that keeps values it does not know (generated enums' `Deserialize`): a known
/// value without allocating, an unknown one as the enum's `Unknown(String)`.
#[doc(hidden)]
pub fn deserialize_open_enum<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: for<'a> From<&'a str>,
    D: Deserializer<'de>,
{
    struct EnumVisitor<T>(std::marker::PhantomData<fn() -> T>);

    impl<T: for<'a> From<&'a str>> serde::de::Visitor<'_> for EnumVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(EnumVisitor(std::marker::PhantomData))
}

/// A generated struct, decoded from a JSON object by [`deserialize_object`]: its fields' wire names,
/// and `decode`, which reads the members through an [`ObjectReader`] and builds the struct.
///
/// Generated structs implement this rather than `#[derive(Deserialize)]`, whose output (a field
/// visitor, a decoder from a JSON array, a duplicate check per field) is several times larger and was
/// most of the time it took to compile an SDK.
#[doc(hidden)]
pub trait DecodeObject: Sized {
    /// The type's name, for error messages.
    const NAME: &'static str;
    /// The wire names of the fields; [`ObjectReader::next_field`] gives their positions here.
    const FIELDS: &'static [&'static str];

    /// Reads every member of the object and builds the struct.
    fn decode<'de, A: MapAccess<'de>>(object: &mut ObjectReader<'de, A>) -> Result<Self, A::Error>;
}

/// Decodes a [`DecodeObject`] (generated structs' `Deserialize`).
#[doc(hidden)]
pub fn deserialize_object<'de, T: DecodeObject, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(std::marker::PhantomData<fn() -> T>);

    impl<'de, T: DecodeObject> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "struct {}", T::NAME)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::decode(&mut ObjectReader { map, fields: T::FIELDS, next: 0, error: None, input: std::marker::PhantomData })
        }
    }

    deserializer.deserialize_map(ObjectVisitor(std::marker::PhantomData))
}

/// A generated struct, encoded as a JSON object by [`serialize_object`] and shown by
/// [`debug_object`]: `encode` hands each field to a [`FieldWriter`], in declaration order.
///
/// Generated structs implement `Serialize` and `Debug` through this rather than derive them: the
/// derives write a separate, larger body per trait and struct, and were a third of the time it took
/// to check an SDK.
#[doc(hidden)]
pub trait EncodeObject {
    /// The type's name, as `Debug` and non-JSON serializers show it.
    const NAME: &'static str;

    /// Hands every field to `fields`.
    fn encode<W: FieldWriter>(&self, fields: &mut W);
}

/// What an [`EncodeObject`] hands its fields to.
#[doc(hidden)]
pub trait FieldWriter {
    /// A member that is always written (a required field, or a nullable one the API requires).
    fn field<T: Serialize + fmt::Debug>(&mut self, name: &'static str, value: &T);

    /// An optional member: written only when it is `Some` (`Debug` shows `None` too).
    fn optional<T: Serialize + fmt::Debug>(&mut self, name: &'static str, value: &Option<T>);
}

/// Serializes an [`EncodeObject`] as a struct of its written members (generated structs' `Serialize`).
#[doc(hidden)]
pub fn serialize_object<T: EncodeObject, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    let mut count = MemberCount(0);
    value.encode(&mut count);
    let mut writer = StructWriter { state: serializer.serialize_struct(T::NAME, count.0)?, error: None };
    value.encode(&mut writer);
    match writer.error {
        Some(error) => Err(error),
        None => writer.state.end(),
    }
}

/// Formats an [`EncodeObject`] as `Name { member: value, .. }` with every member by its wire name
/// (generated structs' `Debug`).
#[doc(hidden)]
pub fn debug_object<T: EncodeObject>(value: &T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let mut writer = DebugWriter(f.debug_struct(T::NAME));
    value.encode(&mut writer);
    writer.0.finish()
}

/// Counts the members a struct writes, which `serialize_struct` takes first.
struct MemberCount(usize);

impl FieldWriter for MemberCount {
    fn field<T: Serialize + fmt::Debug>(&mut self, _: &'static str, _: &T) {
        self.0 += 1;
    }

    fn optional<T: Serialize + fmt::Debug>(&mut self, _: &'static str, value: &Option<T>) {
        self.0 += usize::from(value.is_some());
    }
}

/// Writes members to a serializer, keeping the first error (after which nothing more is written).
struct StructWriter<S: SerializeStruct> {
    state: S,
    error: Option<S::Error>,
}

impl<S: SerializeStruct> FieldWriter for StructWriter<S> {
    fn field<T: Serialize + fmt::Debug>(&mut self, name: &'static str, value: &T) {
        if self.error.is_none() {
            self.error = self.state.serialize_field(name, value).err();
        }
    }

    fn optional<T: Serialize + fmt::Debug>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.field(name, value);
        }
    }
}

struct DebugWriter<'a, 'b>(fmt::DebugStruct<'a, 'b>);

impl FieldWriter for DebugWriter<'_, '_> {
    fn field<T: Serialize + fmt::Debug>(&mut self, name: &'static str, value: &T) {
        self.0.field(name, value);
    }

    fn optional<T: Serialize + fmt::Debug>(&mut self, name: &'static str, value: &Option<T>) {
        self.0.field(name, value);
    }
}

/// The members of a JSON object, as a [`DecodeObject`] reads them: each known member's field position,
/// then its value into the field's slot; members the type has no field for are skipped.
///
/// The reader keeps the first error rather than returning it, so a generated `decode` has one exit:
/// an early return (`?`) per member made rustc build a drop path for every field still held at each
/// of them, which was most of the memory it took to check an SDK.
#[doc(hidden)]
pub struct ObjectReader<'de, A: MapAccess<'de>> {
    map: A,
    fields: &'static [&'static str],
    /// Where the next name is looked for first: objects usually list members in the same order.
    next: usize,
    error: Option<A::Error>,
    input: std::marker::PhantomData<&'de ()>,
}

impl<'de, A: MapAccess<'de>> ObjectReader<'de, A> {
    /// The position in [`DecodeObject::FIELDS`] of the next member the type knows, whose value
    /// [`value`](Self::value), [`optional`](Self::optional) or [`skip`](Self::skip) reads next;
    /// `None` at the end of the object or after an error.
    pub fn next_field(&mut self) -> Option<usize> {
        while self.error.is_none() {
            match self.map.next_key_seed(FieldSeed { fields: self.fields, next: self.next }) {
                Ok(None) => return None,
                Ok(Some(Some(field))) => {
                    self.next = field + 1;
                    return Some(field);
                }
                Ok(Some(None)) => self.skip(),
                Err(error) => self.error = Some(error),
            }
        }
        None
    }

    /// Reads the member's value into a required field's slot.
    pub fn value<T: Deserialize<'de>>(&mut self, slot: &mut Option<T>) {
        match self.map.next_value() {
            Ok(value) => *slot = Some(value),
            Err(error) => self.error = Some(error),
        }
    }

    /// Reads the member's value into an optional field's slot, where `null` is `None`.
    pub fn optional<T: Deserialize<'de>>(&mut self, slot: &mut Option<T>) {
        match self.map.next_value() {
            Ok(value) => *slot = value,
            Err(error) => self.error = Some(error),
        }
    }

    /// Skips the member's value.
    pub fn skip(&mut self) {
        if let Err(error) = self.map.next_value::<IgnoredAny>() {
            self.error = Some(error);
        }
    }

    /// The struct built from the members read, or the error that stopped the reading.
    pub fn finish<T>(&mut self, value: T) -> Result<T, A::Error> {
        match self.error.take() {
            Some(error) => Err(error),
            None => Ok(value),
        }
    }

    /// The error that stopped the reading, else the first of the required `(member, absent)` that
    /// is absent.
    pub fn missing(&mut self, required: &[(&'static str, bool)]) -> A::Error {
        let absent = required.iter().find(|(_, absent)| *absent).map_or("", |(name, _)| name);
        self.error.take().unwrap_or_else(|| A::Error::missing_field(absent))
    }
}

/// Reads a member name as its position among `fields`, if it is one of them.
struct FieldSeed {
    fields: &'static [&'static str],
    next: usize,
}

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for FieldSeed {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E>(self, name: &str) -> Result<Option<usize>, E> {
        Ok(field_position(self.fields, self.next, name))
    }
}

/// `name`'s position in `fields`, looked for from `next` on, then before it.
fn field_position(fields: &[&str], next: usize, name: &str) -> Option<usize> {
    let (before, after) = fields.split_at(next.min(fields.len()));
    after.iter().position(|field| *field == name).map(|at| at + before.len()).or_else(|| before.iter().position(|field| *field == name))
}

/// A Rust tuple as the leading elements of a JSON array: how a generated type of an array with fixed
/// elements and then any number of items (`prefixItems` with `items`) writes and reads its elements,
/// through [`serialize_tuple_rest`] and [`deserialize_tuple_rest`]. Implemented for tuples of 1 to
/// 12 elements, as far as the standard library implements `Debug` and `PartialEq` for tuples.
#[doc(hidden)]
pub trait TupleElements: Sized {
    /// How many elements the tuple has.
    const LEN: usize;

    /// Writes the elements, in order.
    fn serialize_elements<S: SerializeSeq>(&self, seq: &mut S) -> Result<(), S::Error>;

    /// Reads the elements, in order; an array that ends before them is an error.
    fn deserialize_elements<'de, A: SeqAccess<'de>>(seq: &mut A, expected: &dyn Expected) -> Result<Self, A::Error>;
}

macro_rules! tuple_elements {
    ($len:literal: $($element:ident $index:tt),+) => {
        impl<$($element: Serialize + DeserializeOwned),+> TupleElements for ($($element,)+) {
            const LEN: usize = $len;

            fn serialize_elements<Seq: SerializeSeq>(&self, seq: &mut Seq) -> Result<(), Seq::Error> {
                $(seq.serialize_element(&self.$index)?;)+
                Ok(())
            }

            fn deserialize_elements<'de, Seq: SeqAccess<'de>>(seq: &mut Seq, expected: &dyn Expected) -> Result<Self, Seq::Error> {
                Ok(($(
                    match seq.next_element::<$element>()? {
                        Some(element) => element,
                        None => return Err(Seq::Error::invalid_length($index, expected)),
                    },
                )+))
            }
        }
    };
}

tuple_elements!(1: T0 0);
tuple_elements!(2: T0 0, T1 1);
tuple_elements!(3: T0 0, T1 1, T2 2);
tuple_elements!(4: T0 0, T1 1, T2 2, T3 3);
tuple_elements!(5: T0 0, T1 1, T2 2, T3 3, T4 4);
tuple_elements!(6: T0 0, T1 1, T2 2, T3 3, T4 4, T5 5);
tuple_elements!(7: T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6);
tuple_elements!(8: T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7);
tuple_elements!(9: T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8);
tuple_elements!(10: T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9);
tuple_elements!(11: T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10);
tuple_elements!(12: T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11);

/// Writes a tuple's elements and then the rest of its items as one flat JSON array (generated
/// types of `prefixItems` with `items`: `[a, b, r, r, ...]`).
#[doc(hidden)]
pub fn serialize_tuple_rest<S: Serializer, E: TupleElements, R: Serialize>(serializer: S, elements: &E, rest: &[R]) -> Result<S::Ok, S::Error> {
    let mut seq = serializer.serialize_seq(Some(E::LEN + rest.len()))?;
    elements.serialize_elements(&mut seq)?;
    for item in rest {
        seq.serialize_element(item)?;
    }
    seq.end()
}

/// Reads a JSON array as a tuple of its first `E::LEN` items and a list of the others, which must
/// all be `R`s (what [`serialize_tuple_rest`] writes); `name` is the type's, for errors.
#[doc(hidden)]
pub fn deserialize_tuple_rest<'de, E, R, D>(deserializer: D, name: &'static str) -> Result<(E, Vec<R>), D::Error>
where
    E: TupleElements,
    R: DeserializeOwned,
    D: Deserializer<'de>,
{
    struct TupleRestVisitor<E, R> {
        name: &'static str,
        output: std::marker::PhantomData<fn() -> (E, R)>,
    }

    impl<'de, E: TupleElements, R: DeserializeOwned> Visitor<'de> for TupleRestVisitor<E, R> {
        type Value = (E, Vec<R>);

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "an array of at least {} items ({})", E::LEN, self.name)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let elements = E::deserialize_elements(&mut seq, &self)?;
            let mut rest = Vec::new();
            while let Some(item) = seq.next_element()? {
                rest.push(item);
            }
            Ok((elements, rest))
        }
    }

    deserializer.deserialize_seq(TupleRestVisitor { name, output: std::marker::PhantomData })
}

/// A discriminated union, decoded in one pass by [`deserialize_tagged`] (implemented by generated
/// unions).
#[doc(hidden)]
pub trait TaggedUnion: Sized {
    /// The tag property (`type`).
    const TAG: &'static str;

    /// Decodes the variant `tag` selects from `object`, taking the object with or without its tag
    /// member as the variant's type needs it; an unknown tag, or none, gives the union's `Unknown`
    /// with the whole object as JSON.
    fn decode_variant<'de, O: TaggedObject<'de>>(tag: Option<&[u8]>, object: O) -> Result<Self, O::Error>;

    /// A value that is not an object, kept as JSON.
    fn unknown(value: serde_json::Value) -> Self;
}

/// The object a [`TaggedUnion`]'s variant decodes from, once its tag has been read: whole, or
/// without the tag member for a variant whose type has no field for it (it would only skip it).
#[doc(hidden)]
pub trait TaggedObject<'de> {
    /// The decoding error.
    type Error: serde::de::Error;
    /// What the object is decoded through.
    type Deserializer: Deserializer<'de, Error = Self::Error>;

    /// The whole object, tag member included.
    fn with_tag(self) -> Self::Deserializer;

    /// The object without its tag member.
    fn without_tag(self) -> Self::Deserializer;
}

/// Decodes a [`TaggedUnion`] in one pass: reads the object's members up to the tag, then decodes the
/// chosen variant from those members (replayed) and the rest of the object, without buffering the
/// object or reading it twice.
#[doc(hidden)]
pub fn deserialize_tagged<'de, T: TaggedUnion, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_any(tagged::UnionVisitor(std::marker::PhantomData))
}

/// Decodes a [`TaggedUnion`] from JSON text, with a [`TaggedJson`] of its own: to decode many, keep
/// one `TaggedJson`, whose buffer then serves every call.
#[doc(hidden)]
pub fn from_tagged_json<T: TaggedUnion + serde::de::DeserializeOwned>(json: &[u8]) -> serde_json::Result<T> {
    TaggedJson::default().decode(json)
}

/// Decodes [`TaggedUnion`]s from JSON text, fast when the object's first member is the tag with a
/// plain string value, as event streams send it: the tag is read off the text and the chosen variant
/// decodes straight from it, without its tag member when it has no field for it (the rest of the
/// object is copied after a `{` into a buffer this decoder reuses). Otherwise as
/// [`deserialize_tagged`] does.
#[doc(hidden)]
#[derive(Debug, Default, Clone)]
pub struct TaggedJson {
    scratch: Vec<u8>,
}

impl TaggedJson {
    /// A decoder with an empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Decodes `json` as `T`.
    pub fn decode<T: TaggedUnion + serde::de::DeserializeOwned>(&mut self, json: &[u8]) -> serde_json::Result<T> {
        let Some((tag, after_tag)) = leading_tag(json, T::TAG) else { return serde_json::from_slice(json) };
        let mut object = tagged::TextObject { json, after_tag, scratch: Some(&mut self.scratch), deserializer: None };
        let value = T::decode_variant(Some(tag), &mut object)?;
        if let Some(deserializer) = object.deserializer.as_mut() {
            deserializer.end()?;
        }
        Ok(value)
    }
}

/// When the first member of the JSON object `json` is `property` with a string value, that value and
/// the text after it: `,` and the next member, or the `}` closing an object of one member. `None` when
/// the text does not start that way, or the value has escapes or control characters (left to the
/// general path, which reads or rejects them).
#[inline]
fn leading_tag<'a>(json: &'a [u8], property: &str) -> Option<(&'a [u8], &'a [u8])> {
    // Compact JSON first (`{"type":"`), then with whitespace anywhere JSON allows it.
    let compact = json.strip_prefix(b"{\"").and_then(|rest| rest.strip_prefix(property.as_bytes())).and_then(|rest| rest.strip_prefix(b"\":\""));
    let rest = match compact {
        Some(rest) => rest,
        None => {
            let rest = after_space(json).strip_prefix(b"{")?;
            let rest = after_space(rest).strip_prefix(b"\"")?.strip_prefix(property.as_bytes())?.strip_prefix(b"\"")?;
            after_space(after_space(rest).strip_prefix(b":")?).strip_prefix(b"\"")?
        }
    };
    // Tags are short: a plain scan beats a vectorised search.
    let end = rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    let (tag, after) = (&rest[..end], after_space(rest[end..].strip_prefix(b"\"")?));
    match after.first()? {
        b'}' => Some((tag, after)),
        b',' if after_space(&after[1..]).first() == Some(&b'"') => Some((tag, after)),
        _ => None,
    }
}

/// `json` without the JSON whitespace it starts with.
#[inline]
fn after_space(json: &[u8]) -> &[u8] {
    let start = json.iter().position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r')).unwrap_or(json.len());
    &json[start..]
}

mod tagged {
    use std::borrow::Cow;
    use std::fmt;
    use std::marker::PhantomData;

    use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer, StrDeserializer};
    use serde::de::{DeserializeSeed, Error as _, IntoDeserializer, MapAccess, SeqAccess, Visitor};
    use serde::{Deserialize, Deserializer};
    use serde_json::de::SliceRead;
    use serde_json::Value;

    use super::{TaggedObject, TaggedUnion};

    pub struct UnionVisitor<T>(pub PhantomData<fn() -> T>);

    impl<'de, T: TaggedUnion> Visitor<'de> for UnionVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "an object with a `{}` tag", T::TAG)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            // Members before the tag are kept as they are read (usually there are none).
            let mut before = Vec::new();
            let mut tag = None;
            while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                if key != T::TAG {
                    before.push((key.into_owned(), map.next_value::<Value>()?));
                    continue;
                }
                // The tag is borrowed from the input when it has no escapes: no allocation.
                match map.next_value::<TagMember<'de>>()? {
                    TagMember::Str(value) => {
                        tag = Some(value);
                        break;
                    }
                    TagMember::Other(value) => before.push((key.into_owned(), value)),
                }
            }
            let replay = Replay { before: before.into_iter(), tag: tag.as_deref().map(|tag| (T::TAG, tag)), pending: None, rest: map };
            T::decode_variant(tag.as_deref().map(str::as_bytes), ReplayObject(replay))
        }

        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
            Ok(T::unknown(Value::deserialize(SeqAccessDeserializer::new(seq))?))
        }

        fn visit_bool<E>(self, value: bool) -> Result<T, E> {
            Ok(T::unknown(Value::Bool(value)))
        }

        fn visit_i64<E>(self, value: i64) -> Result<T, E> {
            Ok(T::unknown(Value::from(value)))
        }

        fn visit_u64<E>(self, value: u64) -> Result<T, E> {
            Ok(T::unknown(Value::from(value)))
        }

        fn visit_f64<E>(self, value: f64) -> Result<T, E> {
            Ok(T::unknown(Value::from(value)))
        }

        fn visit_str<E>(self, value: &str) -> Result<T, E> {
            Ok(T::unknown(Value::String(value.to_owned())))
        }

        fn visit_unit<E>(self) -> Result<T, E> {
            Ok(T::unknown(Value::Null))
        }
    }

    /// A member name, borrowed from the input when it can be.
    struct Key<'de>(Cow<'de, str>);

    impl<'de> Deserialize<'de> for Key<'de> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct KeyVisitor;

            impl<'de> Visitor<'de> for KeyVisitor {
                type Value = Key<'de>;

                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a member name")
                }

                fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Self::Value, E> {
                    Ok(Key(Cow::Borrowed(value)))
                }

                fn visit_str<E>(self, value: &str) -> Result<Self::Value, E> {
                    Ok(Key(Cow::Owned(value.to_owned())))
                }

                fn visit_string<E>(self, value: String) -> Result<Self::Value, E> {
                    Ok(Key(Cow::Owned(value)))
                }
            }

            deserializer.deserialize_str(KeyVisitor)
        }
    }

    /// The value of a member named like the tag: a string (the tag) or, if not, any JSON value.
    enum TagMember<'de> {
        Str(Cow<'de, str>),
        Other(Value),
    }

    impl<'de> Deserialize<'de> for TagMember<'de> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct TagMemberVisitor;

            impl<'de> Visitor<'de> for TagMemberVisitor {
                type Value = TagMember<'de>;

                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("any JSON value")
                }

                fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Self::Value, E> {
                    Ok(TagMember::Str(Cow::Borrowed(value)))
                }

                fn visit_str<E>(self, value: &str) -> Result<Self::Value, E> {
                    Ok(TagMember::Str(Cow::Owned(value.to_owned())))
                }

                fn visit_string<E>(self, value: String) -> Result<Self::Value, E> {
                    Ok(TagMember::Str(Cow::Owned(value)))
                }

                fn visit_bool<E>(self, value: bool) -> Result<Self::Value, E> {
                    Ok(TagMember::Other(Value::Bool(value)))
                }

                fn visit_i64<E>(self, value: i64) -> Result<Self::Value, E> {
                    Ok(TagMember::Other(Value::from(value)))
                }

                fn visit_u64<E>(self, value: u64) -> Result<Self::Value, E> {
                    Ok(TagMember::Other(Value::from(value)))
                }

                fn visit_f64<E>(self, value: f64) -> Result<Self::Value, E> {
                    Ok(TagMember::Other(Value::from(value)))
                }

                fn visit_unit<E>(self) -> Result<Self::Value, E> {
                    Ok(TagMember::Other(Value::Null))
                }

                fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                    Value::deserialize(SeqAccessDeserializer::new(seq)).map(TagMember::Other)
                }

                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                    Value::deserialize(MapAccessDeserializer::new(map)).map(TagMember::Other)
                }
            }

            deserializer.deserialize_any(TagMemberVisitor)
        }
    }

    /// The fast path's object: the JSON text whole, or without its leading tag member (copied into
    /// the scratch buffer after a `{`). Keeps the deserializer it hands out, to check the end of the
    /// text once the variant is decoded.
    pub struct TextObject<'j> {
        pub json: &'j [u8],
        /// The text after the tag member's value: `,` and the next member, or `}`.
        pub after_tag: &'j [u8],
        pub scratch: Option<&'j mut Vec<u8>>,
        pub deserializer: Option<serde_json::Deserializer<SliceRead<'j>>>,
    }

    impl<'a, 'j> TaggedObject<'j> for &'a mut TextObject<'j> {
        type Error = serde_json::Error;
        type Deserializer = &'a mut serde_json::Deserializer<SliceRead<'j>>;

        fn with_tag(self) -> Self::Deserializer {
            self.deserializer.insert(serde_json::Deserializer::from_slice(self.json))
        }

        fn without_tag(self) -> Self::Deserializer {
            let Some(scratch) = self.scratch.take() else { return self.with_tag() };
            scratch.clear();
            scratch.push(b'{');
            // After the comma (`after_tag` starts with `,` or `}`).
            scratch.extend_from_slice(self.after_tag.strip_prefix(b",").unwrap_or(self.after_tag));
            let text: &'j Vec<u8> = scratch;
            self.deserializer.insert(serde_json::Deserializer::from_slice(text))
        }
    }

    /// The general path's object: the members read before the tag, replayed, then the rest.
    pub struct ReplayObject<'t, A>(Replay<'t, A>);

    impl<'de, 't, A: MapAccess<'de>> TaggedObject<'de> for ReplayObject<'t, A> {
        type Error = A::Error;
        type Deserializer = MapAccessDeserializer<Replay<'t, A>>;

        fn with_tag(self) -> Self::Deserializer {
            MapAccessDeserializer::new(self.0)
        }

        fn without_tag(mut self) -> Self::Deserializer {
            self.0.tag = None;
            MapAccessDeserializer::new(self.0)
        }
    }

    /// The object as a map again: the members read before the tag, the tag, then the rest.
    pub struct Replay<'t, A> {
        before: std::vec::IntoIter<(String, Value)>,
        /// The tag member: its name and value.
        tag: Option<(&'static str, &'t str)>,
        pending: Option<Pending<'t>>,
        rest: A,
    }

    enum Pending<'t> {
        Value(Value),
        Tag(&'t str),
    }

    /// The tag's value replayed: a string, also to an `Option` field (`type: Option<Kind>`).
    struct TagValue<'t, E>(&'t str, PhantomData<E>);

    impl<'de, E: serde::de::Error> Deserializer<'de> for TagValue<'_, E> {
        type Error = E;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
            visitor.visit_str(self.0)
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
            visitor.visit_some(self)
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
            unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
        }
    }

    impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<'_, A> {
        type Error = A::Error;

        fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
            if let Some((key, value)) = self.before.next() {
                self.pending = Some(Pending::Value(value));
                return seed.deserialize(IntoDeserializer::<A::Error>::into_deserializer(key)).map(Some);
            }
            if let Some((name, tag)) = self.tag.take() {
                self.pending = Some(Pending::Tag(tag));
                return seed.deserialize(StrDeserializer::<A::Error>::new(name)).map(Some);
            }
            self.rest.next_key_seed(seed)
        }

        fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
            match self.pending.take() {
                Some(Pending::Value(value)) => seed.deserialize(value).map_err(A::Error::custom),
                Some(Pending::Tag(tag)) => seed.deserialize(TagValue(tag, PhantomData::<A::Error>)),
                None => self.rest.next_value_seed(seed),
            }
        }
    }
}
