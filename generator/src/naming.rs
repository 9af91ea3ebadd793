//! The one owner of Rust names: turns spec names into valid, idiomatic identifiers and keeps them unique
//! within a namespace. Every identifier in the IR comes from here.

use std::collections::{HashMap, HashSet};

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};

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
    // The rest of the prelude: a type named `Eq` or `From` would break derives and impls beside it.
    "Sized", "Unpin", "Drop", "Fn", "FnMut", "FnOnce", "ToOwned", "PartialEq", "PartialOrd", "Eq", "Ord", "AsRef",
    "AsMut", "Into", "From", "Iterator", "Extend", "IntoIterator", "DoubleEndedIterator", "ExactSizeIterator",
    "ToString", "TryFrom", "TryInto", "FromIterator", "Hash", "Cow", "RawValue", "Stream",
    // Runtime items the resource modules import.
    "Request", "RequestParts", "Operation", "PagedOperation", "PageScheme", "QueryStyle", "Waiter", "JobUpdates",
    "JobKind", "Bytes",
];

/// A set of names already used in one Rust namespace.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: HashSet<String>,
    /// Names a name lock keeps for what they named last time: only [`Namespace::claim_exact`] takes
    /// them, so a newcomer passes them by as if they were taken.
    held: HashSet<String>,
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
        Namespace { taken: reserved.iter().map(|s| s.to_string()).collect(), ..Namespace::default() }
    }

    /// Taken, or held for its recorded owner.
    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name) || self.held.contains(name)
    }

    /// Keeps `name` for its recorded owner (unless it is taken already).
    pub fn hold(&mut self, name: &str) {
        if !self.taken.contains(name) {
            self.held.insert(name.to_string());
        }
    }

    /// Gives every held name back: their owners are gone or named otherwise.
    pub fn release_held(&mut self) {
        self.held.clear();
    }

    /// Claims exactly `name`, held or not; false when it is taken.
    pub fn claim_exact(&mut self, name: &str) -> bool {
        self.held.remove(name);
        self.taken.insert(name.to_string())
    }

    /// Claims `base`, or `base2`, `base3`, ... when it is taken or held (separated by `_` for
    /// snake_case names).
    pub fn claim(&mut self, base: &str) -> String {
        if !self.held.contains(base) && self.taken.insert(base.to_string()) {
            return base.to_string();
        }
        let separator = if base.contains('_') || base.chars().next().is_some_and(|c| c.is_lowercase()) { "_" } else { "" };
        let next = self.next_suffix.entry(base.to_string()).or_insert(2);
        loop {
            let candidate = format!("{base}{separator}{next}");
            *next += 1;
            if !self.held.contains(&candidate) && self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// `UpperCamelCase` type name for a spec name (schema name, title, or parent + field).
pub fn type_name(raw: &str) -> String {
    let name = type_word(raw);
    if RESERVED_TYPES.contains(&name.as_str()) {
        format!("{name}Model")
    } else {
        name
    }
}

/// `UpperCamelCase` form of a spec name, as part of a type name: it may still be a reserved name
/// (`Value`), which [`stands_alone`] rejects for a type of its own.
pub fn type_word(raw: &str) -> String {
    let name = clean(raw).to_upper_camel_case();
    if name.is_empty() {
        "Unnamed".to_string()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("T{name}")
    } else {
        name
    }
}

/// Words too vague to name a type on their own (`Type`, `Value`): an inline schema found under such a
/// name is qualified by its owner instead (`FilterValue`).
const GENERIC_TYPE_NAMES: &[&str] = &[
    "Type", "Kind", "Value", "Values", "Data", "Item", "Items", "Object", "Body", "Request", "Response", "Entry",
    "Info", "Details", "Metadata", "Config", "Options", "Settings", "Properties", "Params", "Parameters", "Content",
    "Result", "Results", "List", "Map", "Unnamed", "Model", "Schema", "Payload", "Attributes", "Fields", "Status", "State",
];

/// Whether `name` is a name the generated code uses itself (`Option`, `Result`, ...).
pub fn is_reserved_type(name: &str) -> bool {
    RESERVED_TYPES.contains(&name)
}

/// Whether a type name is fine on its own: not a generic word and not a name the generated code uses.
pub fn stands_alone(name: &str) -> bool {
    !GENERIC_TYPE_NAMES.contains(&name) && !RESERVED_TYPES.contains(&name)
}

/// The singular of an `UpperCamelCase` name's last word (`CustomFilters` → `CustomFilter`), or `None`
/// when it does not look plural.
pub fn singular(name: &str) -> Option<String> {
    let last_word_start = name.rfind(|c: char| c.is_ascii_uppercase()).unwrap_or(0);
    let (head, word) = name.split_at(last_word_start);
    let lower = word.to_ascii_lowercase();
    let stem = if let Some(stem) = lower.strip_suffix("ies").filter(|s| s.len() > 1) {
        format!("{stem}y")
    } else if lower.ends_with("sses") || lower.ends_with("xes") || lower.ends_with("ches") || lower.ends_with("shes") {
        lower[..lower.len() - 2].to_string()
    } else if lower.ends_with('s') && !["ss", "us", "is", "as", "os"].iter().any(|end| lower.ends_with(end)) && lower.len() > 3 {
        lower[..lower.len() - 1].to_string()
    } else {
        return None;
    };
    let mut chars = stem.chars();
    let first: String = chars.next().map(|c| c.to_ascii_uppercase()).into_iter().collect();
    Some(format!("{head}{first}{}", chars.as_str()))
}

/// `owner` followed by `suffix`, without repeating the words they share (`SplitJob` + `JobStatus` →
/// `SplitJobStatus`). The suffix always keeps at least one word of its own.
pub fn join_type_names(owner: &str, suffix: &str) -> String {
    let owner_words = camel_words(owner);
    let suffix_words = camel_words(suffix);
    let overlap = (1..suffix_words.len())
        .rev()
        .find(|&k| k <= owner_words.len() && owner_words[owner_words.len() - k..] == suffix_words[..k])
        .unwrap_or(0);
    format!("{owner}{}", suffix_words[overlap..].concat())
}

/// Splits an `UpperCamelCase` name at its capitals (`SplitJob2` → `Split`, `Job2`).
fn camel_words(name: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            words.push(&name[start..i]);
            start = i;
        }
    }
    if start < name.len() {
        words.push(&name[start..]);
    }
    words
}

/// A Cargo package name whose library name is a Rust identifier: ASCII letters, digits and `-`, not
/// starting with a digit (`1Forge API` → `api-1-forge-api`; names that are fine stay as they are).
pub fn package_name(raw: &str) -> String {
    let name = clean(raw).to_kebab_case();
    let name = if name.is_empty() { "api-sdk".to_string() } else { name };
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("api-{name}")
    } else if name == raw.to_ascii_lowercase().replace('_', "-") {
        raw.to_string()
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
    fn package_names() {
        assert_eq!(package_name("llama-cloud"), "llama-cloud");
        assert_eq!(package_name("my_sdk"), "my_sdk");
        assert_eq!(package_name("1forge-sdk"), "api-1forge-sdk");
        assert_eq!(package_name("Café API"), "caf-api");
        assert_eq!(package_name("日本"), "api-sdk");
    }

    #[test]
    fn singulars() {
        assert_eq!(singular("CustomFilters").as_deref(), Some("CustomFilter"));
        assert_eq!(singular("Entries").as_deref(), Some("Entry"));
        assert_eq!(singular("Matches").as_deref(), Some("Match"));
        assert_eq!(singular("Status"), None);
        assert_eq!(singular("Data"), None);
        assert_eq!(singular("Analysis"), None);
    }

    #[test]
    fn joined_names_share_words_once() {
        assert_eq!(join_type_names("SplitJob", "JobStatus"), "SplitJobStatus");
        assert_eq!(join_type_names("Filter", "Operator"), "FilterOperator");
        assert_eq!(join_type_names("Filter", "Filter"), "FilterFilter");
        assert_eq!(join_type_names("ChatEvent", "EventType"), "ChatEventType");
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

    #[test]
    fn held_names_go_only_to_their_owner() {
        let mut ns = Namespace::new();
        ns.hold("Mode");
        assert!(ns.is_taken("Mode"));
        assert_eq!(ns.claim("Mode"), "Mode2");
        assert!(ns.claim_exact("Mode"));
        assert!(!ns.claim_exact("Mode"));
        ns.hold("Status");
        ns.release_held();
        assert_eq!(ns.claim("Status"), "Status");
    }
}
