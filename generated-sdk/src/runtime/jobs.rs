// Copied by openapi-sdkgen from templates/src/runtime/jobs.rs. Edit the template, not this file.

//! Long-running jobs: [`Waiter`] polls a job until it ends, [`JobUpdates`] streams every state it
//! passes through, and [`WaitError`] says how a wait ended when the job did not succeed.
//!
//! Generated code describes each kind of job once, as a [`JobKind`]: how to read the status (and
//! progress) from the response of the operation that reads the job, and which statuses end it.
//!
//! Polling is made of ordinary requests: each poll has the client's retries for transient failures
//! (a 503 during a wait is retried, not the end of the wait) and the per-request options of the
//! wait. Between polls the wait sleeps for the retry policy's exponential backoff, starting at the
//! poll interval while the job changes and doubling while it does not, capped at the maximum
//! poll interval; a `Retry-After` on a poll response wins. Nothing is spawned: the caller's future
//! drives the polling, and dropping it stops the polling at once.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use futures_core::Stream;
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use crate::runtime::client::Client;
use crate::runtime::error::Error;
use crate::runtime::request::{ApiRequest, RequestOptions};
use crate::runtime::retry::{server_delay, RetryPolicy};
use crate::runtime::BoxFuture;

/// The default delay before the first poll after a change (and after creating a job).
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// The default cap of the delay between polls.
pub const DEFAULT_MAX_POLL_INTERVAL: Duration = Duration::from_secs(10);

/// Where a job is, as its status says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    /// Not finished (also for statuses the SDK does not know).
    Running,
    /// Finished successfully.
    Succeeded,
    /// Finished without success.
    Failed,
    /// Cancelled before it finished.
    Cancelled,
}

/// How to read one kind of job: generated from the spec's `x-sdk-wait` declaration.
pub struct JobKind<J> {
    /// The job's status as sent on the wire, if the response has one.
    pub status: fn(&J) -> Option<&str>,
    /// The job's progress figure, if the kind has one and the response carries it.
    pub progress: fn(&J) -> Option<f64>,
    /// Statuses of a job that finished successfully.
    pub succeeded: &'static [&'static str],
    /// Statuses of a job that finished without success.
    pub failed: &'static [&'static str],
    /// Statuses of a cancelled job.
    pub cancelled: &'static [&'static str],
}

impl<J> Clone for JobKind<J> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<J> Copy for JobKind<J> {}

impl<J> fmt::Debug for JobKind<J> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobKind")
            .field("succeeded", &self.succeeded)
            .field("failed", &self.failed)
            .field("cancelled", &self.cancelled)
            .finish_non_exhaustive()
    }
}

impl<J> JobKind<J> {
    /// Where `job` is: a status outside the terminal lists (or none) means it is still running.
    pub fn state(&self, job: &J) -> JobState {
        match (self.status)(job) {
            Some(status) if self.succeeded.contains(&status) => JobState::Succeeded,
            Some(status) if self.failed.contains(&status) => JobState::Failed,
            Some(status) if self.cancelled.contains(&status) => JobState::Cancelled,
            _ => JobState::Running,
        }
    }
}

/// How a wait for a job ended when it did not end with the job's success.
#[non_exhaustive]
#[derive(Debug)]
pub enum WaitError<J> {
    /// The job finished without success; `job` is its final state.
    Failed {
        /// The final status, as sent on the wire.
        status: String,
        /// The job as last read.
        job: Box<J>,
    },
    /// The job was cancelled; `job` is its final state.
    Cancelled {
        /// The final status, as sent on the wire.
        status: String,
        /// The job as last read.
        job: Box<J>,
    },
    /// The job had not finished when the wait's `max_wait` elapsed.
    TimedOut {
        /// The `max_wait` that elapsed.
        after: Duration,
        /// The last state read, if any poll answered in time.
        last: Option<Box<J>>,
    },
    /// Creating or reading the job failed (after the client's retries).
    Request(Error),
}

impl<J> WaitError<J> {
    /// The job's last state read: the final one of a failed or cancelled job, the last one seen
    /// before a timeout.
    pub fn job(&self) -> Option<&J> {
        match self {
            WaitError::Failed { job, .. } | WaitError::Cancelled { job, .. } => Some(job),
            WaitError::TimedOut { last, .. } => last.as_deref(),
            WaitError::Request(_) => None,
        }
    }

    /// Consumes the error, returning the job's last state read (see [`job`](Self::job)).
    pub fn into_job(self) -> Option<J> {
        match self {
            WaitError::Failed { job, .. } | WaitError::Cancelled { job, .. } => Some(*job),
            WaitError::TimedOut { last, .. } => last.map(|job| *job),
            WaitError::Request(_) => None,
        }
    }
}

impl<J> fmt::Display for WaitError<J> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Failed { status, .. } => write!(f, "the job failed with status `{status}`"),
            WaitError::Cancelled { status, .. } => write!(f, "the job was cancelled (status `{status}`)"),
            WaitError::TimedOut { after, .. } => write!(f, "the job had not finished after {after:?}"),
            WaitError::Request(error) => write!(f, "waiting for the job failed: {error}"),
        }
    }
}

impl<J: fmt::Debug> std::error::Error for WaitError<J> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Request(error) => Some(error),
            _ => None,
        }
    }
}

impl<J> From<Error> for WaitError<J> {
    fn from(error: Error) -> Self {
        WaitError::Request(error)
    }
}

/// Waits for a job to finish: await it for the job's final state, or call
/// [`updates`](Self::updates) for a stream of every state on the way.
///
/// Await resolves to the job once its status is a success; a failed or cancelled job, an elapsed
/// [`max_wait`](Self::max_wait) or a failed request is a [`WaitError`]. The per-request options
/// (`timeout`, `max_retries`, `extra_header`, `extra_query`) apply to every poll.
#[must_use = "a wait does nothing until it is awaited or streamed"]
pub struct Waiter<J> {
    client: Client,
    kind: JobKind<J>,
    start: Start,
    options: RequestOptions,
    poll_interval: Duration,
    max_poll_interval: Duration,
    max_wait: Option<Duration>,
}

/// What the wait does before it reads the job.
enum Start {
    /// Nothing: poll with this request (its options left in the wait's).
    Poll(Box<ApiRequest>),
    /// Create the job: the future sends the creating request and returns the request that reads it.
    Create(BoxFuture<Result<ApiRequest, Error>>),
}

impl<J> fmt::Debug for Waiter<J> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let start = match &self.start {
            Start::Poll(request) => format!("poll {} {}", request.method, request.path),
            Start::Create(_) => "create, then poll".to_owned(),
        };
        f.debug_struct("Waiter")
            .field("start", &start)
            .field("kind", &self.kind)
            .field("options", &self.options)
            .field("poll_interval", &self.poll_interval)
            .field("max_poll_interval", &self.max_poll_interval)
            .field("max_wait", &self.max_wait)
            .finish()
    }
}

impl<J> Waiter<J>
where
    J: DeserializeOwned + Clone + Send + 'static,
{
    /// A wait that reads the job with `request` (its options become the wait's).
    pub fn new(client: Client, kind: JobKind<J>, mut request: ApiRequest) -> Self {
        let options = std::mem::take(&mut request.options);
        Self::with_start(client, kind, options, Start::Poll(Box::new(request)))
    }

    /// A wait that first runs `create`, which creates the job and returns the request that reads
    /// it; `options` apply to every poll. The first poll comes one poll interval after the creation.
    pub fn after<F>(client: Client, kind: JobKind<J>, options: RequestOptions, create: F) -> Self
    where
        F: Future<Output = Result<ApiRequest, Error>> + Send + 'static,
    {
        Self::with_start(client, kind, options, Start::Create(Box::pin(create)))
    }

    /// A wait that ends with `error` as soon as it is awaited (for a request that cannot be built).
    pub fn failed(client: Client, kind: JobKind<J>, error: Error) -> Self {
        Self::after(client, kind, RequestOptions::default(), std::future::ready(Err(error)))
    }

    fn with_start(client: Client, kind: JobKind<J>, options: RequestOptions, start: Start) -> Self {
        Waiter {
            client,
            kind,
            start,
            options,
            poll_interval: DEFAULT_POLL_INTERVAL,
            max_poll_interval: DEFAULT_MAX_POLL_INTERVAL,
            max_wait: None,
        }
    }

    /// Sets the delay between polls while the job changes (default 1 s); while it does not, the
    /// delay doubles up to [`max_poll_interval`](Self::max_poll_interval).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// Sets the cap of the delay between polls (default 10 s).
    pub fn max_poll_interval(mut self, interval: Duration) -> Self {
        self.max_poll_interval = interval;
        self
    }

    /// Gives up with [`WaitError::TimedOut`] once this much time has passed since the wait started
    /// (default: no limit; dropping the future also stops the wait).
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = Some(max_wait);
        self
    }

    crate::runtime::request_options!();

    /// Every distinct state of the job (status or progress changed) as a stream, which ends after
    /// the final state: `Ok` for a success, a [`WaitError`] otherwise.
    pub fn updates(self) -> JobUpdates<J> {
        let poller = Poller::new(self);
        let stream = futures_util::stream::unfold(Some(poller), |poller| async move {
            let mut poller = poller?;
            match poller.step().await {
                Step::Changed(job) => Some((Ok(job), Some(poller))),
                Step::Done(result) => Some((result, None)),
            }
        });
        JobUpdates { inner: Box::pin(stream) }
    }

    /// Polls until the job ends; the same as awaiting the wait.
    pub async fn send(self) -> Result<J, WaitError<J>> {
        let mut poller = Poller::new(self);
        loop {
            if let Step::Done(result) = poller.step().await {
                return result;
            }
        }
    }
}

impl<J> IntoFuture for Waiter<J>
where
    J: DeserializeOwned + Clone + Send + 'static,
{
    type Output = Result<J, WaitError<J>>;
    type IntoFuture = BoxFuture<Result<J, WaitError<J>>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// The states of a job as it changes: see [`Waiter::updates`].
#[must_use = "streams do nothing unless polled"]
pub struct JobUpdates<J> {
    inner: Pin<Box<dyn Stream<Item = Result<J, WaitError<J>>> + Send>>,
}

impl<J> fmt::Debug for JobUpdates<J> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobUpdates").finish_non_exhaustive()
    }
}

impl<J> Stream for JobUpdates<J> {
    type Item = Result<J, WaitError<J>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

/// What one step of a wait produced.
enum Step<J> {
    /// The job is running, in a state not seen before.
    Changed(J),
    /// The wait is over.
    Done(Result<J, WaitError<J>>),
}

/// The polling loop behind [`Waiter`] and [`JobUpdates`].
struct Poller<J> {
    waiter: Waiter<J>,
    /// Backoff between polls: from the poll interval to the maximum poll interval.
    backoff: RetryPolicy,
    /// Set at the first step, so the time limit counts from when the wait is first polled.
    deadline: Option<Option<Instant>>,
    /// The delay before the next poll (none before the first poll of an existing job).
    delay: Option<Duration>,
    /// Polls in a row that showed nothing new.
    unchanged: u32,
    /// Status and progress (as bits) of the last state reported.
    seen: Option<(Option<String>, Option<u64>)>,
    last: Option<J>,
}

impl<J> Poller<J>
where
    J: DeserializeOwned + Clone + Send + 'static,
{
    fn new(waiter: Waiter<J>) -> Self {
        let backoff = RetryPolicy { max_retries: 0, base_delay: waiter.poll_interval, max_delay: waiter.max_poll_interval };
        Poller { waiter, backoff, deadline: None, delay: None, unchanged: 0, seen: None, last: None }
    }

    async fn step(&mut self) -> Step<J> {
        let max_wait = self.waiter.max_wait;
        let deadline = *self.deadline.get_or_insert_with(|| max_wait.map(|after| Instant::now() + after));
        let outcome = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, self.poll_until_news()).await.ok(),
            None => Some(self.poll_until_news().await),
        };
        outcome.unwrap_or_else(|| {
            Step::Done(Err(WaitError::TimedOut { after: max_wait.unwrap_or_default(), last: self.last.take().map(Box::new) }))
        })
    }

    /// Polls until the job is in a state not reported yet, or the wait is over.
    async fn poll_until_news(&mut self) -> Step<J> {
        let template = match &mut self.waiter.start {
            Start::Poll(request) => ApiRequest::clone(request),
            Start::Create(create) => {
                let request = match create.await {
                    Ok(request) => request,
                    Err(error) => return Step::Done(Err(WaitError::Request(error))),
                };
                self.waiter.start = Start::Poll(Box::new(request.clone()));
                self.delay = Some(self.backoff.base_delay);
                request
            }
        };
        loop {
            if let Some(delay) = self.delay.take() {
                tokio::time::sleep(delay).await;
            }
            let mut request = template.clone();
            request.options = self.waiter.options.clone();
            let response = match self.waiter.client.send_json::<J>(request).await {
                Ok(response) => response,
                Err(error) => return Step::Done(Err(WaitError::Request(error))),
            };
            let job = response.data;
            let kind = self.waiter.kind;
            let status = (kind.status)(&job).map(str::to_owned);
            match kind.state(&job) {
                JobState::Succeeded => return Step::Done(Ok(job)),
                JobState::Failed => {
                    return Step::Done(Err(WaitError::Failed { status: status.unwrap_or_default(), job: Box::new(job) }))
                }
                JobState::Cancelled => {
                    return Step::Done(Err(WaitError::Cancelled { status: status.unwrap_or_default(), job: Box::new(job) }))
                }
                JobState::Running => {}
            }
            let state = (status, (kind.progress)(&job).map(f64::to_bits));
            let changed = self.seen.as_ref() != Some(&state);
            self.unchanged = if changed { 0 } else { self.unchanged.saturating_add(1) };
            self.delay =
                Some(server_delay(&response.headers, SystemTime::now()).unwrap_or_else(|| self.backoff.backoff(self.unchanged)));
            self.last = Some(job.clone());
            if changed {
                self.seen = Some(state);
                return Step::Changed(job);
            }
        }
    }
}
