//! Multipart uploads: the parts the server receives (names, file names, content types, bytes),
//! uploads from bytes, paths and readers, and retries.

use std::io::Write;

use sdk_runtime::runtime::{ApiRequest, Error, Method, MultipartForm, Upload};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{client, received};

#[derive(Debug, PartialEq)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack[from..].windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

fn param(disposition: &str, key: &str) -> Option<String> {
    let marker = format!("{key}=\"");
    let start = disposition.find(&marker)? + marker.len();
    let end = disposition[start..].find('"')? + start;
    Some(disposition[start..end].to_owned())
}

/// A small `multipart/form-data` parser, enough to check what was sent.
fn parse_multipart(request: &wiremock::Request) -> Vec<Part> {
    let content_type = request.headers.get("content-type").expect("content-type").to_str().unwrap();
    assert!(content_type.starts_with("multipart/form-data"), "{content_type}");
    let boundary = content_type.split("boundary=").nth(1).expect("boundary").trim_matches('"');
    let delimiter = format!("--{boundary}").into_bytes();
    let body = &request.body;
    let mut parts = Vec::new();
    let mut pos = find(body, &delimiter, 0).expect("first delimiter") + delimiter.len();
    loop {
        if body[pos..].starts_with(b"--") {
            break;
        }
        assert!(body[pos..].starts_with(b"\r\n"));
        let headers_start = pos + 2;
        let headers_end = find(body, b"\r\n\r\n", headers_start).expect("end of part headers");
        let headers = std::str::from_utf8(&body[headers_start..headers_end]).unwrap();
        let content_start = headers_end + 4;
        let mut next_delimiter = b"\r\n".to_vec();
        next_delimiter.extend_from_slice(&delimiter);
        let content_end = find(body, &next_delimiter, content_start).expect("next delimiter");
        let mut part = Part { name: String::new(), file_name: None, content_type: None, body: body[content_start..content_end].to_vec() };
        for line in headers.split("\r\n") {
            let (name, value) = line.split_once(':').unwrap();
            match name.to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    part.name = param(value, "name").unwrap();
                    part.file_name = param(value, "filename");
                }
                "content-type" => part.content_type = Some(value.trim().to_owned()),
                _ => {}
            }
        }
        parts.push(part);
        pos = content_end + next_delimiter.len();
    }
    parts
}

fn binary() -> Vec<u8> {
    (0..=255u8).cycle().take(70_000).collect()
}

async fn ok_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "f1"}))).mount(&server).await;
    server
}

async fn fail_once_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(500)).up_to_n_times(1).with_priority(1).mount(&server).await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "f1"})))
        .with_priority(2)
        .mount(&server)
        .await;
    server
}

fn upload_request(form: MultipartForm) -> ApiRequest {
    let mut request = ApiRequest::new(Method::POST, "/files");
    request.multipart(form);
    request
}

#[tokio::test]
async fn form_fields_and_files_from_bytes_are_sent() {
    let server = ok_server().await;
    let form = MultipartForm::new()
        .text("external_file_id", "ext-1")
        .text_opt("absent", None::<&str>)
        .text_opt("count", Some(3))
        .json("metadata", &json!({"k": "v"}))
        .unwrap()
        .file("upload_file", Upload::from_bytes(binary(), "data.bin"))
        .file("doc", Upload::from_bytes(&b"%PDF-1.7"[..], "report.PDF"))
        .file("custom", Upload::from_bytes("hello", "x.pdf").file_name("renamed.txt").content_type("text/x-custom"));
    let response = client(&server).send_json::<serde_json::Value>(upload_request(form)).await.unwrap();
    assert_eq!(response.data, json!({"id": "f1"}));

    let requests = received(&server).await;
    let parts = parse_multipart(&requests[0]);
    assert_eq!(parts.len(), 6);
    assert_eq!(parts[0], Part { name: "external_file_id".into(), file_name: None, content_type: None, body: b"ext-1".to_vec() });
    assert_eq!((parts[1].name.as_str(), parts[1].body.as_slice()), ("count", &b"3"[..]));
    assert_eq!((parts[2].name.as_str(), parts[2].body.as_slice()), ("metadata", &br#"{"k":"v"}"#[..]));
    assert_eq!(
        parts[3],
        Part {
            name: "upload_file".into(),
            file_name: Some("data.bin".into()),
            content_type: Some("application/octet-stream".into()),
            body: binary(),
        }
    );
    assert_eq!(parts[4].file_name.as_deref(), Some("report.PDF"));
    assert_eq!(parts[4].content_type.as_deref(), Some("application/pdf"));
    assert_eq!(parts[4].body, b"%PDF-1.7");
    assert_eq!(parts[5].file_name.as_deref(), Some("renamed.txt"));
    assert_eq!(parts[5].content_type.as_deref(), Some("text/x-custom"));
}

#[tokio::test]
async fn upload_from_path_streams_the_file_and_is_resent_on_retry() {
    let server = fail_once_server().await;
    let dir = tempfile::tempdir().unwrap();
    let file_path = dir.path().join("quarterly report.csv");
    std::fs::File::create(&file_path).unwrap().write_all(&binary()).unwrap();
    let upload = Upload::from_path(&file_path).await.unwrap();
    assert_eq!(upload.name(), Some("quarterly report.csv"));
    assert_eq!(upload.mime_type(), "text/csv");
    let form = MultipartForm::new().text("directory_id", "dir-1").file("upload_file", upload);
    client(&server).send_empty(upload_request(form)).await.unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    for request in &requests {
        let parts = parse_multipart(request);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].body, b"dir-1");
        assert_eq!(parts[1].name, "upload_file");
        assert_eq!(parts[1].file_name.as_deref(), Some("quarterly report.csv"));
        assert_eq!(parts[1].content_type.as_deref(), Some("text/csv"));
        assert_eq!(parts[1].body, binary());
    }
}

#[tokio::test]
async fn upload_from_bytes_is_resent_intact_on_retry() {
    let server = fail_once_server().await;
    let form = MultipartForm::new().file("upload_file", Upload::from_bytes(binary(), "a.png"));
    client(&server).send_empty(upload_request(form)).await.unwrap();
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    let first = parse_multipart(&requests[0]);
    assert_eq!(first, parse_multipart(&requests[1]));
    assert_eq!(first[0].content_type.as_deref(), Some("image/png"));
    assert_eq!(first[0].body, binary());
}

#[tokio::test]
async fn missing_file_is_an_io_error() {
    let err = Upload::from_path("/definitely/not/here.pdf").await.unwrap_err();
    assert!(matches!(&err, Error::Io(e) if e.kind() == std::io::ErrorKind::NotFound), "{err:?}");
    assert!(err.to_string().contains("cannot read `/definitely/not/here.pdf`"), "the message names the path: {err}");
    let dir = tempfile::tempdir().unwrap();
    let err = Upload::from_path(dir.path()).await.unwrap_err();
    assert!(err.to_string().contains("it is not a file") && err.to_string().contains(&dir.path().display().to_string()), "{err}");

    // A file deleted after the Upload was made fails at send time, before anything is sent.
    let server = ok_server().await;
    let dir = tempfile::tempdir().unwrap();
    let file_path = dir.path().join("gone.txt");
    std::fs::write(&file_path, b"x").unwrap();
    let upload = Upload::from_path(&file_path).await.unwrap();
    std::fs::remove_file(&file_path).unwrap();
    let err = client(&server).send_empty(upload_request(MultipartForm::new().file("f", upload))).await.unwrap_err();
    assert!(matches!(err, Error::Io(_)), "{err:?}");
    assert!(err.to_string().contains(&format!("`{}`", file_path.display())), "{err}");
    assert_eq!(received(&server).await.len(), 0);
}

#[tokio::test]
async fn upload_from_reader_is_sent_once_and_never_retried() {
    let server = ok_server().await;
    let reader = std::io::Cursor::new(binary());
    let form = MultipartForm::new().file("upload_file", Upload::from_reader(reader, "stream.bin"));
    client(&server).send_empty(upload_request(form)).await.unwrap();
    let parts = parse_multipart(&received(&server).await[0]);
    assert_eq!(parts[0].file_name.as_deref(), Some("stream.bin"));
    assert_eq!(parts[0].body, binary());

    let server = fail_once_server().await;
    let reader = std::io::Cursor::new(b"once".to_vec());
    let form = MultipartForm::new().file("upload_file", Upload::from_reader(reader, "once.txt"));
    assert!(!form.is_replayable());
    let err = client(&server).send_empty(upload_request(form)).await.unwrap_err();
    assert!(matches!(err, Error::InternalServer(_)), "{err:?}");
    assert_eq!(received(&server).await.len(), 1);
}
