// Copied by openapi-sdkgen from templates/src/runtime/multipart.rs. Edit the template, not this file.

//! `multipart/form-data` request bodies: [`MultipartForm`] and the files in them, [`Upload`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::io::AsyncRead;

use crate::runtime::error::{Error, Result};

type Reader = Box<dyn AsyncRead + Send + Unpin + 'static>;

/// A file to upload: from memory, from a path on disk, or from any async reader.
///
/// The file name and content type sent with the file default to the path's file name and a
/// guess from its extension (`application/octet-stream` when unknown); override them with
/// [`Upload::file_name`] and [`Upload::content_type`].
///
/// Retries: uploads from bytes are re-sent as they are, uploads from a path re-open the file on
/// every attempt, but an upload from a reader can only be sent once, so a request that contains
/// one is never retried.
#[derive(Clone)]
pub struct Upload {
    source: Source,
    file_name: Option<String>,
    content_type: Option<String>,
}

#[derive(Clone)]
enum Source {
    Bytes(Bytes),
    Path { path: PathBuf, len: u64 },
    Reader(Arc<Mutex<Option<Reader>>>),
}

impl Upload {
    /// An upload of bytes held in memory.
    pub fn from_bytes(bytes: impl Into<Bytes>, file_name: impl Into<String>) -> Self {
        Upload { source: Source::Bytes(bytes.into()), file_name: Some(file_name.into()), content_type: None }
    }

    /// An upload of a file on disk, streamed from disk when the request is sent (never read
    /// into memory as a whole). Fails with [`Error::Io`], naming the path, when the file cannot be
    /// read.
    pub async fn from_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let metadata = tokio::fs::metadata(&path).await.map_err(|err| file_error(&path, err))?;
        if !metadata.is_file() {
            return Err(Error::Io(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("cannot upload `{}`: it is not a file", path.display()),
            )));
        }
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        Ok(Upload { source: Source::Path { path, len: metadata.len() }, file_name, content_type: None })
    }

    /// An upload read from an async reader when the request is sent. It can be sent only once:
    /// a request carrying it is not retried.
    pub fn from_reader(reader: impl AsyncRead + Send + Unpin + 'static, file_name: impl Into<String>) -> Self {
        Upload {
            source: Source::Reader(Arc::new(Mutex::new(Some(Box::new(reader))))),
            file_name: Some(file_name.into()),
            content_type: None,
        }
    }

    /// Sets the file name sent with the file.
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the content type sent with the file.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name that will be sent, if any.
    pub fn name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The content type that will be sent: the one set, else a guess from the file name's
    /// extension, else `application/octet-stream`.
    pub fn mime_type(&self) -> &str {
        match &self.content_type {
            Some(ct) => ct,
            None => self.file_name.as_deref().map_or("application/octet-stream", guess_content_type),
        }
    }

    /// Whether this upload can be sent again (false for readers).
    pub fn is_replayable(&self) -> bool {
        !matches!(self.source, Source::Reader(_))
    }

    async fn to_part(&self) -> Result<reqwest::multipart::Part> {
        let part = match &self.source {
            Source::Bytes(bytes) => {
                reqwest::multipart::Part::stream_with_length(reqwest::Body::from(bytes.clone()), bytes.len() as u64)
            }
            Source::Path { path, len } => {
                let file = tokio::fs::File::open(path).await.map_err(|err| file_error(path, err))?;
                let stream = tokio_util::io::ReaderStream::new(file);
                reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(stream), *len)
            }
            Source::Reader(slot) => {
                let reader = slot.lock().ok().and_then(|mut guard| guard.take()).ok_or_else(|| {
                    Error::InvalidRequest("an Upload from a reader can be sent only once".to_owned())
                })?;
                let stream = tokio_util::io::ReaderStream::new(reader);
                reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(stream))
            }
        };
        let part = match &self.file_name {
            Some(name) => part.file_name(name.clone()),
            None => part,
        };
        part.mime_str(self.mime_type())
            .map_err(|_| Error::InvalidRequest(format!("invalid upload content type `{}`", self.mime_type())))
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Upload");
        match &self.source {
            Source::Bytes(b) => d.field("bytes", &b.len()),
            Source::Path { path, .. } => d.field("path", path),
            Source::Reader(_) => d.field("reader", &".."),
        };
        d.field("file_name", &self.file_name).field("content_type", &self.mime_type()).finish()
    }
}

/// A `multipart/form-data` request body: text fields and files, sent in the order added.
#[derive(Clone, Debug, Default)]
pub struct MultipartForm {
    parts: Vec<(String, FormPart)>,
}

#[derive(Clone, Debug)]
enum FormPart {
    Text(String),
    File(Upload),
}

impl MultipartForm {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl fmt::Display) -> Self {
        self.parts.push((name.into(), FormPart::Text(value.to_string())));
        self
    }

    /// Adds a text field when `value` is `Some`.
    pub fn text_opt<T: fmt::Display>(self, name: impl Into<String>, value: Option<T>) -> Self {
        match value {
            Some(value) => self.text(name, value),
            None => self,
        }
    }

    /// Adds a text field holding `value` serialized as JSON (for object or array fields).
    pub fn json<T: serde::Serialize + ?Sized>(self, name: impl Into<String>, value: &T) -> Result<Self> {
        let text = serde_json::to_string(value).map_err(Error::serialize)?;
        Ok(self.text(name, text))
    }

    /// Adds a file.
    pub fn file(mut self, name: impl Into<String>, upload: Upload) -> Self {
        self.parts.push((name.into(), FormPart::File(upload)));
        self
    }

    /// Removes every part named `name`.
    pub(crate) fn remove(&mut self, name: &str) {
        self.parts.retain(|(n, _)| n != name);
    }

    /// Adds a text field in place.
    pub(crate) fn push_text(&mut self, name: &str, value: String) {
        self.parts.push((name.to_owned(), FormPart::Text(value)));
    }

    /// Adds a file in place.
    pub(crate) fn push_file(&mut self, name: &str, upload: Upload) {
        self.parts.push((name.to_owned(), FormPart::File(upload)));
    }

    /// Whether the form can be sent again, so a failed request can be retried (false when it
    /// holds an upload from a reader).
    pub fn is_replayable(&self) -> bool {
        self.parts.iter().all(|(_, part)| match part {
            FormPart::Text(_) => true,
            FormPart::File(upload) => upload.is_replayable(),
        })
    }

    /// Builds the reqwest form for one attempt (files from paths are opened here).
    pub(crate) async fn to_reqwest(&self) -> Result<reqwest::multipart::Form> {
        let mut form = reqwest::multipart::Form::new();
        for (name, part) in &self.parts {
            form = match part {
                FormPart::Text(value) => form.text(name.clone(), value.clone()),
                FormPart::File(upload) => form.part(name.clone(), upload.to_part().await?),
            };
        }
        Ok(form)
    }
}

/// An I/O error about the file at `path` that names it, keeping the error's kind.
fn file_error(path: &Path, err: std::io::Error) -> Error {
    Error::Io(std::io::Error::new(err.kind(), format!("cannot read `{}`: {err}", path.display())))
}

/// Guesses a content type from a file name's extension.
#[doc(hidden)]
pub fn guess_content_type(file_name: &str) -> &'static str {
    let ext = match file_name.rsplit_once('.') {
        Some((_, ext)) => ext.to_ascii_lowercase(),
        None => return "application/octet-stream",
    };
    match ext.as_str() {
        "pdf" => "application/pdf",
        "json" => "application/json",
        "jsonl" | "ndjson" => "application/x-ndjson",
        "txt" | "text" | "log" => "text/plain",
        "md" | "markdown" => "text/markdown",
        "csv" => "text/csv",
        "tsv" => "text/tab-separated-values",
        "html" | "htm" => "text/html",
        "xml" => "application/xml",
        "yaml" | "yml" => "application/yaml",
        "rtf" => "application/rtf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "bmp" => "image/bmp",
        "tif" | "tiff" => "image/tiff",
        "heic" => "image/heic",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "m4a" => "audio/mp4",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mov" => "video/quicktime",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "epub" => "application/epub+zip",
        _ => "application/octet-stream",
    }
}
