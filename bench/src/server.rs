//! A minimal HTTP/1.1 loopback server (127.0.0.1 only) with fixed responses: keep-alive, a small
//! JSON object, cursor-paginated agent-data pages generated on the fly, and a server-sent-event
//! body of N events. It stops by itself after `max_requests` requests or `max_duration`.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the server answers with.
#[derive(Clone)]
pub struct Content {
    /// Body of `GET /api/v1/beta/agent-data/{id}`.
    pub small: Bytes,
    /// Body of `POST /api/v1/chat/{id}/messages/stream` (`text/event-stream`).
    pub sse: Bytes,
}

pub struct Server {
    pub addr: SocketAddr,
    handle: JoinHandle<()>,
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

pub async fn start(content: Content, max_requests: u64, max_duration: Duration) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
    let addr = listener.local_addr().unwrap();
    let requests = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + max_duration;
    let content = Arc::new(content);
    let counter = requests.clone();
    let handle = tokio::spawn(async move {
        let mut connections = Vec::new();
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() || counter.load(Ordering::Relaxed) >= max_requests {
                break;
            }
            match tokio::time::timeout(remaining, listener.accept()).await {
                Ok(Ok((stream, peer))) => {
                    if !peer.ip().is_loopback() {
                        continue;
                    }
                    let _ = stream.set_nodelay(true);
                    let content = content.clone();
                    let counter = counter.clone();
                    connections.push(tokio::spawn(async move {
                        let _ = tokio::time::timeout(remaining, serve(stream, content, counter, max_requests)).await;
                    }));
                }
                _ => break,
            }
        }
        for c in connections {
            c.abort();
        }
    });
    Server { addr, handle }
}

async fn serve(stream: TcpStream, content: Arc<Content>, counter: Arc<AtomicU64>, max_requests: u64) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::with_capacity(16 * 1024, read);
    let mut line = String::new();
    let mut body = Vec::new();
    loop {
        // Request line.
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_owned();
        let target = parts.next().unwrap_or("").to_owned();
        // Headers.
        let mut content_length = 0usize;
        loop {
            line.clear();
            if reader.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    content_length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        body.resize(content_length, 0);
        reader.read_exact(&mut body).await?;
        if counter.fetch_add(1, Ordering::Relaxed) >= max_requests {
            return Ok(());
        }
        let path = target.split('?').next().unwrap_or("");
        let (content_type, payload): (&str, Bytes) = if method == "GET" && path.starts_with("/api/v1/beta/agent-data/") {
            ("application/json", content.small.clone())
        } else if method == "POST" && path == "/api/v1/beta/agent-data/:search" {
            ("application/json", Bytes::from(search_page(&body)))
        } else if method == "POST" && path.starts_with("/api/v1/chat/") && path.ends_with("/messages/stream") {
            ("text/event-stream", content.sse.clone())
        } else {
            let msg = format!("{{\"detail\":\"no route {method} {path}\"}}");
            write_response(&mut write, "404 Not Found", "application/json", msg.as_bytes()).await?;
            continue;
        };
        write_response(&mut write, "200 OK", content_type, &payload).await?;
    }
}

async fn write_response(write: &mut tokio::net::tcp::OwnedWriteHalf, status: &str, content_type: &str, body: &[u8]) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nx-request-id: bench\r\n\r\n",
        body.len()
    );
    if body.len() <= 64 * 1024 {
        let mut all = Vec::with_capacity(head.len() + body.len());
        all.extend_from_slice(head.as_bytes());
        all.extend_from_slice(body);
        write.write_all(&all).await
    } else {
        write.write_all(head.as_bytes()).await?;
        for chunk in body.chunks(64 * 1024) {
            write.write_all(chunk).await?;
        }
        Ok(())
    }
}

/// One page of a cursor-paginated agent-data search. The request body says how many items there are
/// in all (`deployment_name: "bench-<total>"`), the page size and the cursor (an offset).
fn search_page(body: &[u8]) -> Vec<u8> {
    #[derive(serde::Deserialize)]
    struct Search {
        deployment_name: String,
        page_size: Option<u64>,
        page_token: Option<String>,
    }
    let Ok(search) = serde_json::from_slice::<Search>(body) else {
        return b"{\"items\":[]}".to_vec();
    };
    let total: u64 = search.deployment_name.strip_prefix("bench-").and_then(|t| t.parse().ok()).unwrap_or(0);
    let size = search.page_size.unwrap_or(100).clamp(1, 10_000);
    let start: u64 = search.page_token.as_deref().and_then(|t| t.parse().ok()).unwrap_or(0);
    let end = (start + size).min(total);
    let mut out = Vec::with_capacity(((end - start.min(end)) as usize) * 260 + 64);
    out.extend_from_slice(b"{\"items\":[");
    for i in start..end {
        if i > start {
            out.push(b',');
        }
        write_paging_item(&mut out, i);
    }
    out.extend_from_slice(b"]");
    if end < total {
        out.extend_from_slice(format!(",\"next_page_token\":\"{end}\"").as_bytes());
    } else {
        out.extend_from_slice(b",\"next_page_token\":null");
    }
    out.extend_from_slice(format!(",\"total_size\":{total}}}").as_bytes());
    out
}

/// An agent-data item of about 250 bytes.
pub fn write_paging_item(out: &mut Vec<u8>, i: u64) {
    use std::io::Write;
    let _ = write!(
        out,
        "{{\"data\":{{\"name\":\"item {i}\",\"score\":{}.5,\"tags\":[\"a\",\"b\"],\"done\":{}}},\"deployment_name\":\"bench\",\"id\":\"item-{i:08}\",\"collection\":\"default\",\"created_at\":\"2024-05-01T12:34:56.789Z\",\"project_id\":\"proj-1\",\"updated_at\":\"2024-05-02T08:00:00Z\"}}",
        i % 100,
        i & 1 == 0
    );
}
