// Copied by openapi-sdkgen from templates/src/runtime/retry.rs. Edit the template, not this file.

//! When to retry a request and how long to wait before the next attempt.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// The default number of retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The default base delay of the exponential backoff.
pub const DEFAULT_BASE_DELAY: Duration = Duration::from_millis(500);
/// The default cap of the exponential backoff.
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(8);
/// The longest `retry-after-ms`/`retry-after` delay honoured; longer ones fall back to backoff.
pub const MAX_SERVER_DELAY: Duration = Duration::from_secs(60);

/// Retry settings: how many times and how long to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (`0` disables retries).
    pub max_retries: u32,
    /// Delay before the first retry; doubled for each further retry.
    pub base_delay: Duration,
    /// Cap of the backoff delay.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_retries: DEFAULT_MAX_RETRIES, base_delay: DEFAULT_BASE_DELAY, max_delay: DEFAULT_MAX_DELAY }
    }
}

impl RetryPolicy {
    /// The delay before retry number `retry` (0 for the first retry): the server's
    /// `retry-after-ms` or `retry-after` when between 0 and 60 s, otherwise
    /// `min(base × 2^retry, max)` reduced by a random jitter of up to 25 %.
    pub fn delay(&self, retry: u32, headers: Option<&HeaderMap>) -> Duration {
        if let Some(delay) = headers.and_then(|h| server_delay(h, SystemTime::now())) {
            return delay;
        }
        self.backoff(retry).mul_f64(1.0 - 0.25 * random_unit())
    }

    /// The backoff delay before retry number `retry`, without jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(31));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// Whether a response with this status and headers should be retried: `x-should-retry: true` or
/// `false` wins; otherwise 408, 409, 429 and 5xx are retried.
#[doc(hidden)]
pub fn should_retry(status: StatusCode, headers: &HeaderMap) -> bool {
    match headers.get("x-should-retry").and_then(|v| v.to_str().ok()).map(str::trim) {
        Some(v) if v.eq_ignore_ascii_case("true") => return true,
        Some(v) if v.eq_ignore_ascii_case("false") => return false,
        _ => {}
    }
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

/// The delay the server asked for: `retry-after-ms` (milliseconds), else `retry-after` (seconds
/// or an HTTP date, relative to `now`); only when it is more than 0 and at most 60 s.
#[doc(hidden)]
pub fn server_delay(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let in_range = |d: Duration| (!d.is_zero() && d <= MAX_SERVER_DELAY).then_some(d);
    if let Some(ms) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        if let Some(d) = seconds(ms / 1000.0).and_then(in_range) {
            return Some(d);
        }
    }
    let value = header("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return seconds(secs).and_then(in_range);
    }
    let date = httpdate::parse_http_date(value).ok()?;
    date.duration_since(now).ok().and_then(in_range)
}

fn seconds(secs: f64) -> Option<Duration> {
    (secs.is_finite() && secs > 0.0 && secs <= MAX_SERVER_DELAY.as_secs_f64()).then(|| Duration::from_secs_f64(secs))
}

/// A random number in `[0, 1)`, from the standard library's randomly seeded hasher.
fn random_unit() -> f64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}
