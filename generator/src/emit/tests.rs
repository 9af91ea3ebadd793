//! Generated tests of the generated SDK: every documented example decodes into its response type and
//! re-encodes to the same JSON (`tests/examples.rs`), and every operation succeeds against a mock server
//! of the spec (`tests/mock_server.rs`, feature `mock-server-tests`).

use proc_macro2::TokenStream;
use quote::quote;

use super::{before_each_item, cfg_features, ident, lit, type_tokens, Emitted, Source, TypeIndex};
use crate::error::Error;
use crate::ir::{Api, Input, Location, Operation, Resource, ResponseKind, TypeRef};
use crate::naming::{snake_name, Namespace};

pub fn emit(api: &Api, index: &TypeIndex, files: &mut Emitted) -> Result<(), Error> {
    let mut operations = Vec::new();
    collect(&api.root, &mut Vec::new(), &mut operations);
    let crate_ident = ident(&api.crate_name.replace('-', "_"));
    let client = ident(&api.client_name);

    let mut example_tests = Vec::new();
    let mut server_tests = Vec::new();
    // `a_b.c` and `a.b_c` join to the same name; a keyword (`move`) gets its `_` back.
    let mut test_names = Namespace::new();
    for (accessors, feature, op) in &operations {
        let test_name = ident(&test_names.claim(&snake_name(&test_name(accessors, op))));
        // A test compiles with the feature of its operation.
        let gate = cfg_features(feature.as_slice());
        let example = op.example.as_ref().map(|e| lit(&serde_json::to_string_pretty(e).unwrap_or_default()));
        let decoded_type = match &op.response {
            ResponseKind::Json(ty) => Some(type_tokens(ty)),
            ResponseKind::Paginated { page, .. } => Some(type_tokens(page)),
            _ => None,
        };
        if let (Some(example), Some(ty)) = (&example, &decoded_type) {
            let operation = lit(&operation_label(op));
            example_tests.push(quote! {
                #gate
                #[test]
                fn #test_name() {
                    support::assert_example_round_trips::<#ty>(#example, #operation);
                }
            });
        }
        server_tests.push(before_each_item(server_test(&test_name, accessors, op, example.as_ref(), index), &gate));
    }

    // A test credential for every scheme, so any operation can be called: a mock checks that
    // credentials are there, not what they are. OAuth2 schemes get a token, not the flow.
    let credentials = api.security.schemes.iter().filter(|scheme| scheme.setter != "api_key").map(|scheme| {
        let setter = ident(&scheme.setter);
        if scheme.kind == crate::ir::AuthKind::Basic {
            quote!(.#setter("test-user", "test-password"))
        } else {
            quote!(.#setter("test-key"))
        }
    });
    let support = quote! {
        //! Helpers shared by the generated tests.
        #![allow(dead_code)]

        use serde::de::DeserializeOwned;
        use serde::Serialize;
        use serde_json::Value;

        use #crate_ident::{#client, Error};

        /// A client for the mock server at `MOCK_SERVER_URL` (e.g. Prism serving the spec).
        pub fn client() -> #client {
            let url = std::env::var("MOCK_SERVER_URL").expect("MOCK_SERVER_URL must point at a mock server of the spec (see `make test`)");
            #client::builder().base_url(url).api_key("test-key") #(#credentials)* .max_retries(0).build().expect("client builds")
        }

        /// The value of a request the mock server must accept; a failure names the operation and
        /// shows the whole response body.
        pub fn accepted<T>(result: Result<T, Error>, operation: &str) -> T {
            match result {
                Ok(value) => value,
                Err(error) => {
                    let body = match &error {
                        Error::Decode { body, .. } => body.as_str(),
                        other => other.api_error().map_or("", |e| e.body.as_str()),
                    };
                    panic!("the mock server accepts `{operation}`: {error}\nresponse body: {body}")
                }
            }
        }

        /// Asserts the value encodes to the documented example (ignoring nulls, number spelling and
        /// timestamp spelling, which JSON allows to differ).
        pub fn assert_matches_example<T: Serialize>(value: &T, example: &str, operation: &str) {
            let expected: Value = serde_json::from_str(example).expect("example is JSON");
            let actual = serde_json::to_value(value).expect("value encodes");
            assert_eq!(normalize(actual), normalize(expected), "`{operation}`: decoded value differs from the documented example");
        }

        /// Decodes the example into `T`, then asserts it re-encodes to the same JSON: no field lost.
        pub fn assert_example_round_trips<T: DeserializeOwned + Serialize>(example: &str, operation: &str) {
            let decoded: T = serde_json::from_str(example).unwrap_or_else(|e| panic!("`{operation}`: the documented example does not decode: {e}"));
            assert_matches_example(&decoded, example, operation);
        }

        fn normalize(value: Value) -> Value {
            match value {
                Value::Object(map) => Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, normalize(v))).collect()),
                Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
                Value::Number(n) => n.as_f64().and_then(serde_json::Number::from_f64).map(Value::Number).unwrap_or(Value::Number(n)),
                Value::String(s) => match chrono::DateTime::parse_from_rfc3339(&s) {
                    Ok(t) => Value::String(t.with_timezone(&chrono::Utc).to_rfc3339()),
                    Err(_) => Value::String(s),
                },
                other => other,
            }
        }
    };
    files.insert("tests/support/mod.rs".into(), Source::Rust(support));

    let examples = quote! {
        //! Every documented response example decodes into its response type and encodes back unchanged.
        #[allow(unused_imports)]
        use std::collections::BTreeMap;
        #[allow(unused_imports)]
        use serde_json::{Map, Value};
        #[allow(unused_imports)]
        use #crate_ident::types::*;
        mod support;
        #(#example_tests)*
    };
    files.insert("tests/examples.rs".into(), Source::Rust(examples));

    let needs_stream = operations.iter().any(|(_, _, op)| matches!(op.response, ResponseKind::EventStream(_)));
    let stream_import = needs_stream.then(|| quote!(#[allow(unused_imports)] use futures_util::StreamExt;));
    let mock = quote! {
        //! Every operation, called through the SDK against a mock server of the spec (`MOCK_SERVER_URL`),
        //! which rejects requests that break the spec and answers with the documented examples.
        #stream_import
        #[allow(unused_imports)]
        use std::collections::BTreeMap;
        #[allow(unused_imports)]
        use serde_json::{Map, Value};
        #[allow(unused_imports)]
        use #crate_ident::types::*;
        #[allow(unused_imports)]
        use #crate_ident::{Timestamp, Upload};
        mod support;
        #(#server_tests)*
    };
    files.insert("tests/mock_server.rs".into(), Source::Rust(mock));
    Ok(())
}

/// Every operation with the accessors that lead to it and its feature.
fn collect<'a>(resource: &'a Resource, accessors: &mut Vec<String>, out: &mut Vec<(Vec<String>, Option<String>, &'a Operation)>) {
    for op in &resource.operations {
        out.push((accessors.clone(), resource.feature.clone(), op));
    }
    for child in &resource.children {
        accessors.push(child.accessor.clone());
        collect(child, accessors, out);
        accessors.pop();
    }
}

/// `GET /pets/{id}`: how test messages name an operation.
fn operation_label(op: &Operation) -> String {
    format!("{} {}", op.http_method.as_str(), op.path)
}

fn test_name(accessors: &[String], op: &Operation) -> String {
    let mut parts: Vec<&str> = accessors.iter().map(|s| s.trim_end_matches('_')).collect();
    parts.push(op.method_name.trim_end_matches('_'));
    parts.join("_")
}

/// An expression for an input's argument (or setter's value), built from its sample value.
fn sample_argument(input: &Input, index: &TypeIndex) -> TokenStream {
    if input.location == Location::FormFile {
        return quote!(Upload::from_bytes(b"file contents".to_vec(), "upload.txt"));
    }
    // A number or boolean argument is written as a literal (its parameter's type is exact).
    let literal = match (&input.ty, &input.sample) {
        (TypeRef::Integer, serde_json::Value::Number(n)) => n.as_i64().map(proc_macro2::Literal::i64_unsuffixed),
        (TypeRef::UnsignedInteger, serde_json::Value::Number(n)) => n.as_u64().map(proc_macro2::Literal::u64_unsuffixed),
        (TypeRef::Float, serde_json::Value::Number(n)) => n.as_f64().filter(|f| f.is_finite()).map(proc_macro2::Literal::f64_unsuffixed),
        (TypeRef::Boolean, serde_json::Value::Bool(b)) => return quote!(#b),
        _ => None,
    };
    if let Some(literal) = literal {
        return quote!(#literal);
    }
    match (&input.ty, index.resolve(&input.ty)) {
        (_, TypeRef::Binary) => {
            let text = lit(&sample_text(&input.sample));
            quote!(#text.as_bytes().to_vec())
        }
        (_, TypeRef::String) => {
            let text = lit(&sample_text(&input.sample));
            quote!(#text)
        }
        (TypeRef::List(item), _) if **item == TypeRef::String => {
            let items: Vec<String> = match &input.sample {
                serde_json::Value::Array(items) => items.iter().map(sample_text).collect(),
                _ => vec!["string".into()],
            };
            let items = items.iter().map(|s| lit(s));
            quote!([#(#items),*])
        }
        (ty, _) => {
            let ty = type_tokens(ty);
            let json = lit(&input.sample.to_string());
            quote!(serde_json::from_str::<#ty>(#json).expect("sample input decodes"))
        }
    }
}

/// A sample as text: a string as itself, any other JSON as its JSON text.
fn sample_text(sample: &serde_json::Value) -> String {
    match sample {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn server_test(test_name: &proc_macro2::Ident, accessors: &[String], op: &Operation, example: Option<&proc_macro2::Literal>, index: &TypeIndex) -> TokenStream {
    let chain = accessors.iter().map(|a| {
        let a = ident(a);
        quote!(.#a())
    });
    let method = ident(&op.method_name);
    let args = op.inputs.iter().filter(|i| i.required).map(|i| sample_argument(i, index));
    // A body the spec requires is not sent empty: when none of its fields is required, the test
    // sets them all.
    let in_body = |i: &&Input| matches!(i.location, Location::Body | Location::Form | Location::FormFile);
    let fill_body = op.body_required && !op.inputs.iter().filter(in_body).any(|i| i.required);
    let setters = op.inputs.iter().filter(in_body).filter(|i| fill_body && !i.required).map(|i| {
        let setter = ident(&i.rust_name);
        let value = sample_argument(i, index);
        quote!(.#setter(#value))
    });
    let call = quote!(client #(#chain)* .#method(#(#args),*) #(#setters)*);
    // The message names the operation, so a failure (and `make works`) points at the spec.
    let operation = lit(&operation_label(op));
    let check = match (&op.response, example) {
        (ResponseKind::Json(_), Some(example)) => quote! {
            let value = support::accepted(#call.send().await, #operation);
            support::assert_matches_example(&value, #example, #operation);
        },
        (ResponseKind::Paginated { .. }, Some(example)) => quote! {
            let page = support::accepted(#call.send().await, #operation);
            support::assert_matches_example(&*page, #example, #operation);
        },
        (ResponseKind::EventStream(_), _) => quote! {
            let mut events = support::accepted(#call.send().await, #operation);
            while let Some(event) = events.next().await {
                event.expect("every event decodes");
            }
        },
        _ => quote! {
            support::accepted(#call.send().await, #operation);
        },
    };
    quote! {
        #[tokio::test]
        async fn #test_name() {
            let client = support::client();
            #check
        }
    }
}
