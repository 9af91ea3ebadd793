//! Long-running jobs through the generated API: `wait`, `watch` and `and_wait` against a mock server
//! whose job moves on with each poll.

use std::cell::Cell;
use std::collections::HashMap;
use std::future::IntoFuture;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::TryStreamExt;
use llama_cloud::types::{BatchJobStatus, JobStatus, SplitJobStatus};
use llama_cloud::{Error, LlamaCloud, WaitError};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::{client, received};

const FAST: Duration = Duration::from_millis(1);

/// Answers with the next response of a list each time, then repeats the last one.
struct Sequence {
    responses: Vec<ResponseTemplate>,
    next: AtomicUsize,
}

impl Sequence {
    fn of(responses: Vec<ResponseTemplate>) -> Self {
        Sequence { responses, next: AtomicUsize::new(0) }
    }

    fn json(bodies: Vec<Value>) -> Self {
        Self::of(bodies.into_iter().map(|body| ResponseTemplate::new(200).set_body_json(body)).collect())
    }
}

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let index = self.next.fetch_add(1, Ordering::SeqCst).min(self.responses.len() - 1);
        self.responses[index].clone()
    }
}

fn batch_progress(status: &str, percent: f64) -> Value {
    json!({
        "job": {"id": "bjb-1", "job_type": "parse", "project_id": "prj-1", "status": status, "total_items": 4},
        "progress_percentage": percent
    })
}

fn split_job(id: &str, status: &str) -> Value {
    json!({
        "id": id, "categories": [{"name": "invoice"}], "document_input": {"type": "file_id", "value": "file-1"},
        "project_id": "prj-1", "status": status, "user_id": "usr-1",
        "error_message": if status == "failed" { json!("the file is not a PDF") } else { Value::Null }
    })
}

async fn serve_batch(bodies: Vec<Value>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/api/v1/beta/batch-processing/bjb-1")).respond_with(Sequence::json(bodies)).mount(&server).await;
    server
}

fn batch_run() -> Vec<Value> {
    vec![
        batch_progress("pending", 0.0),
        batch_progress("running", 10.0),
        batch_progress("running", 50.0),
        batch_progress("running", 50.0),
        batch_progress("completed", 100.0),
    ]
}

#[tokio::test]
async fn wait_polls_until_the_job_completes_and_returns_its_final_state() {
    let server = serve_batch(batch_run()).await;
    let done = client(&server).beta().batch().wait("bjb-1").poll_interval(FAST).max_poll_interval(FAST * 4).await.expect("completed");
    assert_eq!(done.job.status, BatchJobStatus::Completed);
    assert_eq!(done.progress_percentage, 100.0);
    assert_eq!(received(&server).await.len(), 5, "one poll per state the server had, then none");
}

#[tokio::test]
async fn watch_yields_each_distinct_state_once_and_ends_with_the_final_one() {
    let server = serve_batch(batch_run()).await;
    let updates: Vec<_> = client(&server).beta().batch().watch("bjb-1").try_collect().await.expect("completed");
    let states: Vec<(String, f64)> = updates.iter().map(|p| (p.job.status.to_string(), p.progress_percentage)).collect();
    let expected = [("pending", 0.0), ("running", 10.0), ("running", 50.0), ("completed", 100.0)];
    assert_eq!(states, expected.map(|(s, p)| (s.to_string(), p)));
    assert_eq!(received(&server).await.len(), 5, "the repeated state was polled but not reported");
}

#[tokio::test]
async fn failed_and_cancelled_jobs_are_typed_errors_carrying_the_final_job() {
    let server = MockServer::start().await;
    let failing = Sequence::json(vec![split_job("spl-1", "pending"), split_job("spl-1", "failed")]);
    Mock::given(path("/api/v1/beta/split/jobs/spl-1")).respond_with(failing).mount(&server).await;
    Mock::given(path("/api/v1/beta/split/jobs/spl-2")).respond_with(Sequence::json(vec![split_job("spl-2", "cancelled")])).mount(&server).await;
    let split = client(&server).beta().split();

    match split.wait("spl-1").poll_interval(FAST).await {
        Err(error @ WaitError::Failed { .. }) => {
            // The message names the job and gives its own error text.
            assert_eq!(error.to_string(), "job `spl-1` failed with status `failed`: the file is not a PDF");
            assert_eq!((error.job_id(), error.error_text().as_deref()), (Some("spl-1"), Some("the file is not a PDF")));
            let WaitError::Failed { status, job, job_id, .. } = error else { unreachable!() };
            // The status is the job's own status type.
            assert_eq!(status, SplitJobStatus::Failed);
            assert_eq!(job_id.as_deref(), Some("spl-1"));
            assert_eq!(job.error_message.as_deref(), Some("the file is not a PDF"));
        }
        other => panic!("expected a failed job, got {other:?}"),
    }
    match split.wait("spl-2").await {
        Err(error @ WaitError::Cancelled { .. }) => {
            assert_eq!(error.to_string(), "job `spl-2` was cancelled (status `cancelled`)");
            assert_eq!(error.status(), Some(&SplitJobStatus::Cancelled));
            assert_eq!(error.into_job().map(|job| job.id), Some("spl-2".to_owned()));
        }
        other => panic!("expected a cancelled job, got {other:?}"),
    }
    // The failure also ends the stream of updates, after the states before it.
    let mut updates = split.watch("spl-1");
    assert!(updates.try_next().await.is_err(), "the sequence is past `pending`: the first update is the failure");
    assert!(updates.try_next().await.expect("ended").is_none());
}

#[tokio::test]
async fn every_success_status_ends_the_wait_well() {
    let server = MockServer::start().await;
    let job = json!({
        "id": "sjb-1", "config": {}, "created_at": "now", "project_id": "prj-1", "status": "PARTIAL_SUCCESS",
        "updated_at": "now", "user_id": "usr-1", "errors": ["sheet 2 is empty"]
    });
    Mock::given(path("/api/v1/beta/sheets/jobs/sjb-1")).respond_with(ResponseTemplate::new(200).set_body_json(job)).mount(&server).await;
    let job = client(&server).beta().sheets().wait("sjb-1").await.expect("partial success is a success");
    assert_eq!(job.status, JobStatus::PartialSuccess);
}

#[tokio::test]
async fn a_list_of_error_texts_joins_into_the_message() {
    let server = MockServer::start().await;
    let job = json!({
        "id": "sjb-2", "config": {}, "created_at": "now", "project_id": "prj-1", "status": "ERROR",
        "updated_at": "now", "user_id": "usr-1", "errors": ["sheet 2 is empty", "sheet 3 is locked"]
    });
    Mock::given(path("/api/v1/beta/sheets/jobs/sjb-2")).respond_with(ResponseTemplate::new(200).set_body_json(job)).mount(&server).await;
    let error = client(&server).beta().sheets().wait("sjb-2").await.expect_err("ERROR is a failure");
    assert_eq!(error.to_string(), "job `sjb-2` failed with status `ERROR`: sheet 2 is empty; sheet 3 is locked");
    assert_eq!(error.status(), Some(&JobStatus::Error));
}

#[tokio::test]
async fn a_status_the_sdk_does_not_know_counts_as_running() {
    let server = MockServer::start().await;
    let bodies = vec![split_job("spl-1", "queued_for_gpu"), split_job("spl-1", "completed")];
    Mock::given(path("/api/v1/beta/split/jobs/spl-1")).respond_with(Sequence::json(bodies)).mount(&server).await;
    let updates: Vec<_> = client(&server).beta().split().watch("spl-1").try_collect().await.expect("completed");
    let statuses: Vec<String> = updates.iter().map(|job| job.status.to_string()).collect();
    assert_eq!(statuses, ["queued_for_gpu", "completed"]);
}

#[tokio::test]
async fn max_wait_gives_the_timeout_error_with_the_last_state_seen() {
    let server = serve_batch(vec![batch_progress("pending", 0.0), batch_progress("running", 30.0)]).await;
    let limit = Duration::from_millis(80);
    let result = client(&server).beta().batch().wait("bjb-1").poll_interval(Duration::from_millis(5)).max_wait(limit).await;
    match result {
        Err(error @ WaitError::TimedOut { .. }) => {
            assert_eq!(error.to_string(), "job `bjb-1` had not finished after 80ms (last status `running`)");
            let WaitError::TimedOut { after, last, .. } = error else { unreachable!() };
            assert_eq!(after, limit);
            let last = last.expect("polls answered before the limit");
            assert_eq!((last.job.status, last.progress_percentage), (BatchJobStatus::Running, 30.0));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn watch_takes_the_same_settings_as_wait() {
    let server = serve_batch(vec![batch_progress("pending", 0.0), batch_progress("running", 30.0)]).await;
    let limit = Duration::from_millis(80);
    let mut updates = client(&server)
        .beta()
        .batch()
        .watch("bjb-1")
        .poll_interval(Duration::from_millis(5))
        .max_poll_interval(Duration::from_millis(10))
        .max_wait(limit)
        .extra_header("x-trace", "w-1");
    let mut seen = Vec::new();
    let error = loop {
        match updates.try_next().await {
            Ok(Some(progress)) => seen.push(progress.progress_percentage),
            Ok(None) => panic!("the job never ends: the stream must end with the time limit"),
            Err(error) => break error,
        }
    };
    assert_eq!(seen, [0.0, 30.0]);
    assert!(matches!(error, WaitError::TimedOut { after, .. } if after == limit), "{error:?}");
    assert!(updates.try_next().await.expect("ended").is_none());
    let requests = received(&server).await;
    assert!(requests.len() > 2 && requests.iter().all(|r| r.headers["x-trace"] == "w-1"), "every poll carries the option");
}

#[tokio::test]
async fn waits_are_bounded_by_default_and_can_be_unbounded() {
    let client = LlamaCloud::builder().api_key("sk").base_url("http://127.0.0.1:9").build().expect("client");
    assert_eq!(llama_cloud::runtime::DEFAULT_MAX_WAIT, Duration::from_secs(3600));
    let batch = client.beta().batch();
    let shows = |debug: String, max_wait: &str| assert!(debug.contains(&format!("max_wait: {max_wait}")), "{debug}");
    shows(format!("{:?}", batch.wait("bjb-1")), "Some(3600s)");
    shows(format!("{:?}", batch.watch("bjb-1")), "Some(3600s)");
    shows(format!("{:?}", batch.get("bjb-1").wait()), "Some(3600s)");
    shows(format!("{:?}", batch.wait("bjb-1").no_max_wait()), "None");
    shows(format!("{:?}", batch.watch("bjb-1").max_wait(Duration::from_secs(5))), "Some(5s)");
    shows(format!("{:?}", batch.wait("bjb-1").max_wait(Duration::from_secs(5)).updates()), "Some(5s)");
}

/// What a user writes: a function returning the SDK's `Result` that waits with `?`.
async fn split_and_wait(client: &LlamaCloud, id: &str) -> llama_cloud::Result<llama_cloud::types::SplitJob> {
    let job = client.beta().split().wait(id).poll_interval(FAST).await?;
    Ok(job)
}

#[tokio::test]
async fn question_mark_turns_a_wait_error_into_the_sdk_error() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/beta/split/jobs/spl-1")).respond_with(Sequence::json(vec![split_job("spl-1", "failed")])).mount(&server).await;
    Mock::given(path("/api/v1/beta/split/jobs/spl-2")).respond_with(ResponseTemplate::new(404).set_body_json(json!({"detail": "no such job"}))).mount(&server).await;
    let client = client(&server);

    match split_and_wait(&client, "spl-1").await {
        Err(Error::Job(job)) => {
            assert_eq!(job.outcome, llama_cloud::runtime::JobOutcome::Failed);
            assert_eq!((job.job_id.as_deref(), job.status.as_deref()), (Some("spl-1"), Some("failed")));
            assert_eq!(job.error_text.as_deref(), Some("the file is not a PDF"));
            let error = Error::Job(job);
            assert_eq!(error.to_string(), "job `spl-1` failed with status `failed`: the file is not a PDF");
        }
        other => panic!("expected a job error, got {other:?}"),
    }
    // A request that failed stays that request's error.
    let error = split_and_wait(&client, "spl-2").await.expect_err("404");
    assert!(matches!(error, Error::NotFound(_)), "{error:?}");
}

#[tokio::test]
async fn transient_server_errors_while_polling_are_retried_not_fatal() {
    let server = MockServer::start().await;
    let answers = vec![
        ResponseTemplate::new(200).set_body_json(batch_progress("running", 20.0)),
        ResponseTemplate::new(503).set_body_json(json!({"detail": "try again"})),
        ResponseTemplate::new(200).set_body_json(batch_progress("completed", 100.0)),
    ];
    Mock::given(path("/api/v1/beta/batch-processing/bjb-1")).respond_with(Sequence::of(answers)).mount(&server).await;
    let client = LlamaCloud::builder().api_key("sk").base_url(server.uri()).max_retries(2).retry_base_delay(FAST).build().expect("client");
    let done = client.beta().batch().wait("bjb-1").poll_interval(FAST).await.expect("the 503 was retried");
    assert_eq!(done.job.status, BatchJobStatus::Completed);
    let retries: Vec<String> = received(&server).await.iter().map(|r| r.headers["x-retry-count"].to_str().unwrap_or("").to_owned()).collect();
    assert_eq!(retries, ["0", "0", "1"], "the poll after the 503 is a retry of the same request");

    // Without retries, the same 503 ends the wait with the request's error.
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/beta/batch-processing/bjb-1")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    match super::client(&server).beta().batch().wait("bjb-1").await {
        Err(WaitError::Request(Error::InternalServer(api))) => assert_eq!(api.status.as_u16(), 503),
        other => panic!("expected the server error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_retry_after_header_on_a_poll_answer_sets_the_next_poll() {
    let server = MockServer::start().await;
    let answers = vec![
        ResponseTemplate::new(200).set_body_json(batch_progress("running", 5.0)).insert_header("retry-after-ms", "5"),
        ResponseTemplate::new(200).set_body_json(batch_progress("completed", 100.0)),
    ];
    Mock::given(path("/api/v1/beta/batch-processing/bjb-1")).respond_with(Sequence::of(answers)).mount(&server).await;
    // A one-hour poll interval: only the server's 5 ms lets this finish within the test's limit.
    let wait = client(&server).beta().batch().wait("bjb-1").poll_interval(Duration::from_secs(3600)).max_poll_interval(Duration::from_secs(3600));
    let done = tokio::time::timeout(Duration::from_secs(10), wait).await.expect("polled again after 5 ms").expect("completed");
    assert_eq!(done.job.status, BatchJobStatus::Completed);
}

/// Answers like [`Sequence`] and notes when each request arrived.
struct Timed {
    sequence: Sequence,
    arrivals: Arc<Mutex<Vec<std::time::Instant>>>,
}

impl Respond for Timed {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.arrivals.lock().expect("arrivals").push(std::time::Instant::now());
        self.sequence.respond(request)
    }
}

#[tokio::test]
async fn polls_back_off_while_the_job_stands_still_and_speed_up_when_it_moves() {
    let server = MockServer::start().await;
    let mut bodies = vec![batch_progress("running", 1.0); 5];
    bodies.extend(vec![batch_progress("running", 2.0); 3]);
    bodies.push(batch_progress("completed", 100.0));
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let timed = Timed { sequence: Sequence::json(bodies), arrivals: arrivals.clone() };
    Mock::given(path("/api/v1/beta/batch-processing/bjb-1")).respond_with(timed).mount(&server).await;
    let base = Duration::from_millis(20);
    client(&server).beta().batch().wait("bjb-1").poll_interval(base).max_poll_interval(base * 8).await.expect("completed");

    let arrivals = arrivals.lock().expect("arrivals").clone();
    let gaps: Vec<Duration> = arrivals.windows(2).map(|w| w[1] - w[0]).collect();
    // New state: the poll interval; then doubling while nothing changes, up to the cap (8×); the
    // next change resets it.
    let expected = [1, 2, 4, 8, 8, 1, 2, 4].map(|factor| base * factor);
    assert_eq!(gaps.len(), expected.len(), "one poll per answer");
    for (i, (gap, at_least)) in gaps.iter().zip(expected).enumerate() {
        assert!(*gap >= at_least - Duration::from_millis(1), "gap {i}: {gap:?} < {at_least:?} ({gaps:?})");
    }
    assert!(gaps[4] < base * 16, "the delay stops doubling at max_poll_interval: {gaps:?}");
    assert!(gaps[5] < gaps[4], "the progress change reset the backoff: {gaps:?}");
}

#[tokio::test]
async fn dropping_the_wait_stops_polling() {
    let server = serve_batch(vec![batch_progress("running", 1.0)]).await;
    let wait = client(&server).beta().batch().wait("bjb-1").poll_interval(Duration::from_millis(5)).max_poll_interval(Duration::from_millis(5));
    assert!(tokio::time::timeout(Duration::from_millis(60), wait).await.is_err(), "the job never ends");
    let polls = received(&server).await.len();
    assert!(polls >= 2, "it was polling ({polls} polls)");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(received(&server).await.len(), polls, "no request after the wait was dropped");
}

#[tokio::test]
async fn and_wait_creates_the_job_then_polls_it_with_the_same_scope_and_options() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/beta/split/jobs"))
        .respond_with(ResponseTemplate::new(200).set_body_json(split_job("spl-9", "pending")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/beta/split/jobs/spl-9"))
        .and(query_param("project_id", "prj-1"))
        .and(header("x-trace", "t-1"))
        .respond_with(Sequence::json(vec![split_job("spl-9", "processing"), split_job("spl-9", "completed")]))
        .expect(2)
        .mount(&server)
        .await;
    let input = llama_cloud::types::SplitDocumentInput::new("file_id", "file-1");
    let job = client(&server)
        .beta()
        .split()
        .create(input)
        .project_id("prj-1")
        .extra_header("x-trace", "t-1")
        .and_wait()
        .poll_interval(FAST)
        .await
        .expect("created and completed");
    assert_eq!((job.id.as_str(), job.status), ("spl-9", SplitJobStatus::Completed));
    let methods: Vec<String> = received(&server).await.iter().map(|r| r.method.to_string()).collect();
    assert_eq!(methods, ["POST", "GET", "GET"]);

    // The job's id comes from the creating response, so errors name it.
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_json(split_job("spl-7", "pending"))).mount(&server).await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(split_job("spl-7", "cancelled"))).mount(&server).await;
    let input = llama_cloud::types::SplitDocumentInput::new("file_id", "file-1");
    let error = client(&server).beta().split().create(input).and_wait().poll_interval(FAST).await.expect_err("cancelled");
    assert_eq!(error.to_string(), "job `spl-7` was cancelled (status `cancelled`)");

    // A failed creation is the wait's request error; nothing is polled.
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(422).set_body_json(json!({"detail": "bad input"}))).mount(&server).await;
    let input = llama_cloud::types::SplitDocumentInput::new("file_id", "file-1");
    let result = client(&server).beta().split().create(input).and_wait().await;
    assert!(matches!(result, Err(WaitError::Request(Error::UnprocessableEntity(_)))), "{result:?}");
    assert_eq!(received(&server).await.len(), 1);
}

/// A loopback HTTP/1.1 server for split jobs, on its own runtime and thread, so the client's runtime
/// holds only the client's tasks. Each job is `pending` at its first poll and `completed` after.
struct JobServer {
    url: String,
    requests: Arc<AtomicUsize>,
    connections: Arc<AtomicUsize>,
}

impl JobServer {
    fn start() -> JobServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("non-blocking");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let requests = Arc::new(AtomicUsize::new(0));
        let connections = Arc::new(AtomicUsize::new(0));
        let (counted_requests, counted_connections) = (requests.clone(), connections.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("server runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let polls: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
                while let Ok((socket, _)) = listener.accept().await {
                    counted_connections.fetch_add(1, Ordering::SeqCst);
                    tokio::spawn(serve_connection(socket, polls.clone(), counted_requests.clone()));
                }
            });
        });
        JobServer { url, requests, connections }
    }
}

async fn serve_connection(mut socket: tokio::net::TcpStream, polls: Arc<Mutex<HashMap<String, u32>>>, requests: Arc<AtomicUsize>) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
        buffer.drain(..end);
        let target = head.split_whitespace().nth(1).unwrap_or_default();
        let id = target.split('?').next().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_owned();
        let poll = {
            let mut polls = polls.lock().expect("poll counts");
            let count = polls.entry(id.clone()).or_insert(0);
            *count += 1;
            *count
        };
        let body = split_job(&id, if poll >= 2 { "completed" } else { "pending" }).to_string();
        let response = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len());
        requests.fetch_add(1, Ordering::SeqCst);
        if socket.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// Lets this process hold a socket per job on both ends.
fn raise_open_file_limit(wanted: u64) {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed to them.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < wanted {
            limit.rlim_cur = wanted.min(limit.rlim_max);
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

#[test]
fn a_thousand_waits_at_once_share_one_connection_pool_and_spawn_no_task() {
    const JOBS: usize = 1000;
    raise_open_file_limit(4 * JOBS as u64 + 256);
    let server = JobServer::start();
    // One thread runs every wait: whatever tasks are alive on it belong to the client.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("client runtime");
    let max_alive_tasks = Cell::new(0);
    let results = runtime.block_on(async {
        let client = LlamaCloud::builder().api_key("sk").base_url(&server.url).max_retries(0).build().expect("client");
        let split = client.beta().split();
        let waits = (0..JOBS).map(|i| split.wait(format!("spl-{i}")).poll_interval(Duration::from_millis(20)).into_future());
        let all = futures::future::join_all(waits);
        let metrics = tokio::runtime::Handle::current().metrics();
        let sample = async {
            loop {
                max_alive_tasks.set(max_alive_tasks.get().max(metrics.num_alive_tasks()));
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        };
        tokio::select! {
            results = all => results,
            () = sample => unreachable!("the sampler never ends"),
        }
    });
    for (i, result) in results.into_iter().enumerate() {
        let job = result.unwrap_or_else(|e| panic!("job {i}: {e}"));
        assert_eq!((job.id, job.status), (format!("spl-{i}"), SplitJobStatus::Completed));
    }
    let requests = server.requests.load(Ordering::SeqCst);
    let connections = server.connections.load(Ordering::SeqCst);
    assert_eq!(requests, 2 * JOBS, "two polls per job");
    // One pool: a connection freed by one job's poll carries another job's next poll.
    assert!(connections < requests, "connections are pooled and reused: {connections} for {requests} requests");
    // The HTTP client runs about one task per connection (plus connects racing for the pool); a task
    // per wait would add another thousand at the peak, when every wait is in flight.
    let alive = max_alive_tasks.get();
    eprintln!("{JOBS} waits: {requests} requests over {connections} connections, at most {alive} tasks alive");
    assert!(alive < connections + JOBS / 2, "{alive} tasks alive at once for {connections} connections: the waits spawned tasks");
}
