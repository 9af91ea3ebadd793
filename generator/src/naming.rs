//! The one owner of Rust names: turns spec names into valid, idiomatic identifiers and keeps them unique
//! within a namespace. Every identifier in the IR comes from here.

use std::collections::{HashMap, HashSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (strict, reserved, and 2024's `gen`): as field or method names they get a `_` suffix.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become",
    "box", "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Type names the generated modules use themselves (prelude, serde, runtime imports): a spec type with
/// one of these names gets a `Model` suffix instead of shadowing it.
const RESERVED_TYPES: &[&str] = &[
    "Self", "Option", "Some", "None", "Result", "Ok", "Err", "String", "Vec", "Box", "BTreeMap", "Value", "Map",
    "Client", "ClientBuilder", "ClientDefaults", "Error", "Response", "Page", "PageResponse", "ItemStream",
    "EventStream", "Upload", "Nullable", "Timestamp", "RequestOptions", "ApiRequest", "MultipartForm", "Method",
    "Serialize", "Deserialize", "Serializer", "Deserializer", "Duration", "IntoFuture", "BoxFuture", "Future",
    "Pin", "Infallible", "FromStr", "Display", "Formatter", "Debug", "Default", "Clone", "Copy", "Send", "Sync",
];

/// A set of names already used in one Rust namespace.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: HashSet<String>,
    /// For each base name claimed more than once, the next suffix to try: claiming the k-th copy of
    /// a name stays O(1) instead of probing `base2..basek` again.
    next_suffix: HashMap<String, usize>,
}

impl Namespace {
    pub fn new() -> Self {
        Self::default()
    }

    /// A namespace where `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace { taken: reserved.iter().map(|s| s.to_string()).collect(), next_suffix: HashMap::new() }
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Claims `base`, or `base2`, `base3`, ... when it is taken (separated by `_` for snake_case names).
    pub fn claim(&mut self, base: &str) -> String {
        if self.taken.insert(base.to_string()) {
            return base.to_string();
        }
        let separator = if base.contains('_') || base.chars().next().is_some_and(|c| c.is_lowercase()) { "_" } else { "" };
        let next = self.next_suffix.entry(base.to_string()).or_insert(2);
        loop {
            let candidate = format!("{base}{separator}{next}");
            *next += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// `UpperCamelCase` type name for a spec name (schema name, title, or parent + field).
pub fn type_name(raw: &str) -> String {
    let name = clean(raw).to_upper_camel_case();
    let name = if name.is_empty() {
        "Unnamed".to_string()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("T{name}")
    } else {
        name
    };
    if RESERVED_TYPES.contains(&name.as_str()) {
        format!("{name}Model")
    } else {
        name
    }
}

/// `UpperCamelCase` enum variant name for a wire value.
pub fn variant_name(raw: &str) -> String {
    let name = clean(raw).to_upper_camel_case();
    if name.is_empty() {
        // Values like "" or "+" or "-": name them by their characters.
        let spelled: String = raw.chars().map(symbol_word).collect::<Vec<_>>().join("_").to_upper_camel_case();
        return if spelled.is_empty() { "Empty".to_string() } else { spelled };
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{name}")
    } else if name == "Self" {
        "SelfValue".to_string()
    } else {
        name
    }
}

/// `snake_case` name for a field, parameter or method; keywords get a `_` suffix.
pub fn snake_name(raw: &str) -> String {
    let name = clean(raw).to_snake_case();
    let name = if name.is_empty() {
        let spelled: Vec<&str> = raw.chars().map(symbol_word).filter(|w| !w.is_empty()).collect();
        if spelled.is_empty() {
            "value".to_string()
        } else {
            spelled.join("_")
        }
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{name}")
    } else {
        name
    };
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// Keeps ASCII letters and digits, turning every other run of characters into a word break, so heck
/// sees `foo.bar-baz qux` as four words. Camel-case boundaries are left for heck to find.
fn clean(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim().to_string()
}

fn symbol_word(c: char) -> &'static str {
    match c {
        '+' => "plus",
        '-' => "minus",
        '*' => "star",
        '/' => "slash",
        '.' => "dot",
        '=' => "eq",
        '<' => "lt",
        '>' => "gt",
        '!' => "not",
        '@' => "at",
        '#' => "hash",
        '$' => "dollar",
        '%' => "percent",
        '&' => "and",
        '|' => "or",
        '~' => "tilde",
        '?' => "question",
        ':' => "colon",
        ' ' => "space",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names() {
        assert_eq!(type_name("chat_event"), "ChatEvent");
        assert_eq!(type_name("Result"), "ResultModel");
        assert_eq!(type_name("2fa-config"), "T2faConfig");
        assert_eq!(type_name("a.b/c"), "ABC");
        assert_eq!(type_name(""), "Unnamed");
    }

    #[test]
    fn snake_names() {
        assert_eq!(snake_name("type"), "type_");
        assert_eq!(snake_name("pageToken"), "page_token");
        assert_eq!(snake_name("temporal-namespace"), "temporal_namespace");
        assert_eq!(snake_name("1st"), "n1st");
        assert_eq!(snake_name("$"), "dollar");
        assert_eq!(snake_name("self"), "self_");
    }

    #[test]
    fn variant_names() {
        assert_eq!(variant_name("PARSE_RAW_FILE"), "ParseRawFile");
        assert_eq!(variant_name("parse_v2"), "ParseV2");
        assert_eq!(variant_name("+1"), "V1");
        assert_eq!(variant_name("-"), "Minus");
        assert_eq!(variant_name(""), "Empty");
    }

    #[test]
    fn namespace_suffixes() {
        let mut ns = Namespace::with_reserved(&["send"]);
        assert_eq!(ns.claim("send"), "send_2");
        assert_eq!(ns.claim("Foo"), "Foo");
        assert_eq!(ns.claim("Foo"), "Foo2");
        assert_eq!(ns.claim("page_size"), "page_size");
        assert_eq!(ns.claim("page_size"), "page_size_2");
    }
}
