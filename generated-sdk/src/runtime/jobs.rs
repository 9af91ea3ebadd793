// Copied by openapi-sdkgen from templates/src/runtime/jobs.rs. Edit the template, not this file.

//! Long-running jobs: [`Waiter`] polls a job until it ends, [`JobUpdates`] streams every state it
//! passes through, and [`WaitError`] says how a wait ended when the job did not succeed.
//!
//! Generated code describes each kind of job once, as a [`JobKind`]: how to read the status (and
//! progress) from the response of the operation that reads the job, and which statuses end it; and
//! the job's type implements [`Job`], which gives its status typed and its own error text.
//!
//! A wait gives up after [`DEFAULT_MAX_WAIT`] (one hour) unless told otherwise: a job that never
//! ends (stuck server-side, or a status this SDK version does not know) must not hang a program
//! silently. The job itself goes on; [`WaitError::TimedOut`] carries the last state seen, and a new
//! wait picks it up again.
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
use crate::runtime::error::{Error, JobError, JobOutcome};
use crate::runtime::request::{ApiRequest, RequestOptions};
use crate::runtime::retry::{server_delay, RetryPolicy};
use crate::runtime::BoxFuture;

/// The default delay before the first poll after a change (and after creating a job).
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// The default cap of the delay between polls.
pub const DEFAULT_MAX_POLL_INTERVAL: Duration = Duration::from_secs(10);
/// The default time limit of a wait: one hour from its first poll.
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(60 * 60);

/// A job the SDK can wait for: implemented by the generated type of each job (the response of an
/// operation that reads one).
pub trait Job: DeserializeOwned + Clone + Send + 'static {
    /// The type of the job's status: its status enum, or `String`.
    type Status: Clone + fmt::Debug + fmt::Display + Send + Sync + 'static;

    /// The job's status, if the response has one.
    fn status(&self) -> Option<&Self::Status>;

    /// The job's own account of what went wrong, if its type has one and it is set.
    fn error_text(&self) -> Option<String> {
        None
    }
}

/// Where a job is, as its status says.
#[doc(hidden)]
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
#[doc(hidden)]
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
///
/// `Display` names the job and says what happened, with the job's own error text where it has
/// one. `?` converts it into the SDK's [`Error`] (as [`Error::Job`], or the request's own error).
#[non_exhaustive]
#[derive(Debug)]
pub enum WaitError<J: Job> {
    /// The job finished without success; `job` is its final state.
    #[non_exhaustive]
    Failed {
        /// The job's id, as the wait was given it or read it from the creating response.
        job_id: Option<String>,
        /// The final status.
        status: J::Status,
        /// The job as last read.
        job: Box<J>,
    },
    /// The job was cancelled; `job` is its final state.
    #[non_exhaustive]
    Cancelled {
        /// The job's id.
        job_id: Option<String>,
        /// The final status.
        status: J::Status,
        /// The job as last read.
        job: Box<J>,
    },
    /// The job had not finished when the wait's `max_wait` elapsed. The job goes on.
    #[non_exhaustive]
    TimedOut {
        /// The job's id, if known by then.
        job_id: Option<String>,
        /// The `max_wait` that elapsed.
        after: Duration,
        /// The last state read, if any poll answered in time.
        last: Option<Box<J>>,
    },
    /// Creating or reading the job failed (after the client's retries).
    Request(Error),
}

impl<J: Job> WaitError<J> {
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

    /// The id of the job waited for, when known.
    pub fn job_id(&self) -> Option<&str> {
        match self {
            WaitError::Failed { job_id, .. } | WaitError::Cancelled { job_id, .. } | WaitError::TimedOut { job_id, .. } => {
                job_id.as_deref()
            }
            WaitError::Request(_) => None,
        }
    }

    /// The job's last status: the final one of a failed or cancelled job, the last one seen
    /// before a timeout.
    pub fn status(&self) -> Option<&J::Status> {
        match self {
            WaitError::Failed { status, .. } | WaitError::Cancelled { status, .. } => Some(status),
            WaitError::TimedOut { last, .. } => last.as_deref().and_then(J::status),
            WaitError::Request(_) => None,
        }
    }

    /// The job's own error text (from the field the spec names), if it has one.
    pub fn error_text(&self) -> Option<String> {
        self.job().and_then(J::error_text)
    }
}

impl<J: Job> fmt::Display for WaitError<J> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let WaitError::Request(error) = self {
            return write!(f, "waiting for the job failed: {error}");
        }
        match self.job_id() {
            Some(id) => write!(f, "job `{id}` ")?,
            None => f.write_str("the job ")?,
        }
        match self {
            WaitError::Failed { status, .. } => write!(f, "failed with status `{status}`")?,
            WaitError::Cancelled { status, .. } => write!(f, "was cancelled (status `{status}`)")?,
            WaitError::TimedOut { after, .. } => {
                write!(f, "had not finished after {after:?}")?;
                if let Some(status) = self.status() {
                    write!(f, " (last status `{status}`)")?;
                }
            }
            WaitError::Request(_) => {}
        }
        if let Some(text) = self.error_text() {
            write!(f, ": {}", text.trim())?;
        }
        Ok(())
    }
}

impl<J: Job + fmt::Debug> std::error::Error for WaitError<J> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Request(error) => Some(error),
            _ => None,
        }
    }
}

impl<J: Job> From<Error> for WaitError<J> {
    fn from(error: Error) -> Self {
        WaitError::Request(error)
    }
}

/// A wait's error as the SDK's one error type, so `?` works in functions returning
/// [`Result`](crate::runtime::Result): a failed request stays that request's error, and a job
/// that failed, was cancelled or timed out becomes [`Error::Job`] with the same message.
impl<J: Job> From<WaitError<J>> for Error {
    fn from(error: WaitError<J>) -> Self {
        let outcome = match error {
            WaitError::Request(inner) => return inner,
            WaitError::Failed { .. } => JobOutcome::Failed,
            WaitError::Cancelled { .. } => JobOutcome::Cancelled,
            WaitError::TimedOut { after, .. } => JobOutcome::TimedOut { after },
        };
        let message = error.to_string();
        Error::Job(Box::new(JobError {
            outcome,
            job_id: error.job_id().map(str::to_owned),
            status: error.status().map(ToString::to_string),
            error_text: error.error_text(),
            message,
        }))
    }
}

/// Waits for a job to finish: await it for the job's final state, or call
/// [`updates`](Self::updates) for a stream of every state on the way.
///
/// Await resolves to the job once its status is a success; a failed or cancelled job, an elapsed
/// [`max_wait`](Self::max_wait) (one hour unless set) or a failed request is a [`WaitError`]. The
/// per-request options (`timeout`, `max_retries`, `extra_header`, `extra_query`) apply to every poll.
#[must_use = "a wait does nothing until it is awaited or streamed"]
pub struct Waiter<J: Job> {
    poller: Poller<J>,
    options: RequestOptions,
    timing: Timing,
}

/// When to poll and when to give up.
#[derive(Debug, Clone, Copy)]
struct Timing {
    poll_interval: Duration,
    max_poll_interval: Duration,
    max_wait: Option<Duration>,
}

impl Default for Timing {
    fn default() -> Self {
        Timing { poll_interval: DEFAULT_POLL_INTERVAL, max_poll_interval: DEFAULT_MAX_POLL_INTERVAL, max_wait: Some(DEFAULT_MAX_WAIT) }
    }
}

/// What the wait does before it reads the job.
enum Start {
    /// Nothing: poll with this request (its options left in the wait's).
    Poll(Box<ApiRequest>),
    /// Create the job: the future sends the creating request and returns the request that reads
    /// it, with the new job's id.
    Create(BoxFuture<Result<(ApiRequest, String), Error>>),
}

impl<J: Job> fmt::Debug for Waiter<J> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter")
            .field("poller", &self.poller)
            .field("options", &self.options)
            .field("timing", &self.timing)
            .finish()
    }
}

/// The setters a wait and a stream of updates share.
macro_rules! wait_settings {
    () => {
        /// Sets the delay between polls while the job changes (default 1 s); while it does not,
        /// the delay doubles up to [`max_poll_interval`](Self::max_poll_interval).
        pub fn poll_interval(mut self, interval: Duration) -> Self {
            self.timing.poll_interval = interval;
            self
        }

        /// Sets the cap of the delay between polls (default 10 s).
        pub fn max_poll_interval(mut self, interval: Duration) -> Self {
            self.timing.max_poll_interval = interval;
            self
        }

        /// Gives up with [`WaitError::TimedOut`] once this much time has passed since the first
        /// poll (default [`DEFAULT_MAX_WAIT`], one hour). The job itself goes on.
        pub fn max_wait(mut self, max_wait: Duration) -> Self {
            self.timing.max_wait = Some(max_wait);
            self
        }

        /// Waits without a time limit, for as long as the job runs (dropping the future or stream
        /// still stops the polling at once).
        pub fn no_max_wait(mut self) -> Self {
            self.timing.max_wait = None;
            self
        }

        crate::runtime::request_options!();
    };
}

impl<J: Job> Waiter<J> {
    /// A wait that reads the job `job_id` with `request` (its options become the wait's).
    #[doc(hidden)]
    pub fn new(client: Client, kind: JobKind<J>, mut request: ApiRequest, job_id: Option<String>) -> Self {
        let options = std::mem::take(&mut request.options);
        Self::with_start(client, kind, options, Start::Poll(Box::new(request)), job_id)
    }

    /// A wait that first runs `create`, which creates the job and returns the request that reads
    /// it and the job's id; `options` apply to every poll. The first poll comes one poll interval
    /// after the creation.
    #[doc(hidden)]
    pub fn after<F>(client: Client, kind: JobKind<J>, options: RequestOptions, create: F) -> Self
    where
        F: Future<Output = Result<(ApiRequest, String), Error>> + Send + 'static,
    {
        Self::with_start(client, kind, options, Start::Create(Box::pin(create)), None)
    }

    /// A wait that ends with `error` as soon as it is awaited (for a request that cannot be built).
    #[doc(hidden)]
    pub fn failed(client: Client, kind: JobKind<J>, error: Error) -> Self {
        Self::after(client, kind, RequestOptions::default(), std::future::ready(Err(error)))
    }

    fn with_start(client: Client, kind: JobKind<J>, options: RequestOptions, start: Start, job_id: Option<String>) -> Self {
        let poller = Poller { client, kind, start, job_id, started: None, delay: None, unchanged: 0, seen: None, last: None };
        Waiter { poller, options, timing: Timing::default() }
    }

    wait_settings!();

    /// Every distinct state of the job (status or progress changed) as a stream, which ends after
    /// the final state: `Ok` for a success, a [`WaitError`] otherwise. The wait's settings carry
    /// over, and the stream has the same setters.
    pub fn updates(self) -> JobUpdates<J> {
        JobUpdates { state: Updates::Idle(Box::new(self.poller)), options: self.options, timing: self.timing }
    }

    /// Polls until the job ends; the same as awaiting the wait.
    pub async fn send(self) -> Result<J, WaitError<J>> {
        let Waiter { mut poller, options, timing } = self;
        loop {
            if let Step::Done(result) = poller.step(&options, timing).await {
                return result;
            }
        }
    }
}

impl<J: Job> IntoFuture for Waiter<J> {
    type Output = Result<J, WaitError<J>>;
    type IntoFuture = BoxFuture<Result<J, WaitError<J>>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// The states of a job as it changes, ending with its final state: `Ok` for a success, a
/// [`WaitError`] otherwise (see [`Waiter::updates`]).
///
/// It takes the same settings as a [`Waiter`]: poll interval, time limit (one hour unless set)
/// and per-request options. Settings changed between items apply from the next poll; the time
/// limit counts from the first poll.
#[must_use = "streams do nothing unless polled"]
pub struct JobUpdates<J: Job> {
    state: Updates<J>,
    options: RequestOptions,
    timing: Timing,
}

enum Updates<J: Job> {
    /// Between polls: the next item is yet to be asked for.
    Idle(Box<Poller<J>>),
    /// A step is under way; it hands the poller back with what it found.
    Polling(BoxFuture<(Box<Poller<J>>, Step<J>)>),
    /// The final state was yielded.
    Done,
}

impl<J: Job> JobUpdates<J> {
    wait_settings!();
}

impl<J: Job> fmt::Debug for JobUpdates<J> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            Updates::Idle(_) => "idle",
            Updates::Polling(_) => "polling",
            Updates::Done => "done",
        };
        f.debug_struct("JobUpdates").field("state", &state).field("options", &self.options).field("timing", &self.timing).finish()
    }
}

impl<J: Job> Stream for JobUpdates<J> {
    type Item = Result<J, WaitError<J>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            match std::mem::replace(&mut this.state, Updates::Done) {
                Updates::Idle(mut poller) => {
                    let (options, timing) = (this.options.clone(), this.timing);
                    this.state = Updates::Polling(Box::pin(async move {
                        let step = poller.step(&options, timing).await;
                        (poller, step)
                    }));
                }
                Updates::Polling(mut step) => match step.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = Updates::Polling(step);
                        return Poll::Pending;
                    }
                    Poll::Ready((poller, Step::Changed(job))) => {
                        this.state = Updates::Idle(poller);
                        return Poll::Ready(Some(Ok(job)));
                    }
                    Poll::Ready((_, Step::Done(result))) => return Poll::Ready(Some(result)),
                },
                Updates::Done => return Poll::Ready(None),
            }
        }
    }
}

/// What one step of a wait produced.
enum Step<J: Job> {
    /// The job is running, in a state not seen before.
    Changed(J),
    /// The wait is over.
    Done(Result<J, WaitError<J>>),
}

/// The polling loop behind [`Waiter`] and [`JobUpdates`].
struct Poller<J: Job> {
    client: Client,
    kind: JobKind<J>,
    start: Start,
    job_id: Option<String>,
    /// Set at the first step: the time limit counts from when the wait is first polled.
    started: Option<Instant>,
    /// The delay before the next poll (none before the first poll of an existing job).
    delay: Option<Duration>,
    /// Polls in a row that showed nothing new.
    unchanged: u32,
    /// Status and progress (as bits) of the last state reported.
    seen: Option<(Option<String>, Option<u64>)>,
    last: Option<J>,
}

impl<J: Job> fmt::Debug for Poller<J> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let start = match &self.start {
            Start::Poll(request) => format!("poll {} {}", request.method, request.path),
            Start::Create(_) => "create, then poll".to_owned(),
        };
        f.debug_struct("Poller").field("start", &start).field("job_id", &self.job_id).field("kind", &self.kind).finish_non_exhaustive()
    }
}

impl<J: Job> Poller<J> {
    async fn step(&mut self, options: &RequestOptions, timing: Timing) -> Step<J> {
        let started = *self.started.get_or_insert_with(Instant::now);
        let outcome = match timing.max_wait {
            Some(after) => tokio::time::timeout_at(started + after, self.poll_until_news(options, timing)).await.ok(),
            None => Some(self.poll_until_news(options, timing).await),
        };
        outcome.unwrap_or_else(|| {
            Step::Done(Err(WaitError::TimedOut {
                job_id: self.job_id.clone(),
                after: timing.max_wait.unwrap_or_default(),
                last: self.last.take().map(Box::new),
            }))
        })
    }

    /// Polls until the job is in a state not reported yet, or the wait is over.
    async fn poll_until_news(&mut self, options: &RequestOptions, timing: Timing) -> Step<J> {
        let backoff = RetryPolicy { max_retries: 0, base_delay: timing.poll_interval, max_delay: timing.max_poll_interval };
        let template = match &mut self.start {
            Start::Poll(request) => ApiRequest::clone(request),
            Start::Create(create) => {
                let (request, id) = match create.await {
                    Ok(created) => created,
                    Err(error) => return Step::Done(Err(WaitError::Request(error))),
                };
                self.start = Start::Poll(Box::new(request.clone()));
                self.job_id = Some(id);
                self.delay = Some(backoff.base_delay);
                request
            }
        };
        loop {
            if let Some(delay) = self.delay.take() {
                tokio::time::sleep(delay).await;
            }
            let mut request = template.clone();
            request.options = options.clone();
            let response = match self.client.send_json::<J>(request).await {
                Ok(response) => response,
                Err(error) => return Step::Done(Err(WaitError::Request(error))),
            };
            let job = response.data;
            let kind = self.kind;
            match (kind.state(&job), job.status()) {
                (JobState::Succeeded, _) => return Step::Done(Ok(job)),
                (JobState::Failed, Some(status)) => {
                    let (job_id, status) = (self.job_id.clone(), status.clone());
                    return Step::Done(Err(WaitError::Failed { job_id, status, job: Box::new(job) }));
                }
                (JobState::Cancelled, Some(status)) => {
                    let (job_id, status) = (self.job_id.clone(), status.clone());
                    return Step::Done(Err(WaitError::Cancelled { job_id, status, job: Box::new(job) }));
                }
                _ => {}
            }
            let seen = ((kind.status)(&job).map(str::to_owned), (kind.progress)(&job).map(f64::to_bits));
            let changed = self.seen.as_ref() != Some(&seen);
            self.unchanged = if changed { 0 } else { self.unchanged.saturating_add(1) };
            self.delay = Some(server_delay(&response.headers, SystemTime::now()).unwrap_or_else(|| backoff.backoff(self.unchanged)));
            self.last = Some(job.clone());
            if changed {
                self.seen = Some(seen);
                return Step::Changed(job);
            }
        }
    }
}
