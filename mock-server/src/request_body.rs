//! Reading a request body with a size limit and a stall timeout.
//!
//! A body over the limit is refused with 413, but the rest of it is still read and thrown away
//! (up to [`DRAIN_LIMIT`]): a server that answers and closes while the client is still sending
//! makes most clients (hyper, httpx) report a broken pipe instead of the 413.

use std::time::Duration;

use axum::body::{Body, Bytes};
use http_body_util::BodyExt;

/// How much of an oversized body is read and discarded before the connection is given up.
pub const DRAIN_LIMIT: u64 = 64 * 1024 * 1024;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    #[error("the body is larger than the limit")]
    TooLarge,
    #[error("the body could not be read (the client broke it off or garbled it)")]
    Broken,
    #[error("no more of the body arrived within the read timeout")]
    Stalled,
}

/// Reads `body` whole if it is at most `max` bytes. `declared` is its Content-Length, if any:
/// a body declared too large is not buffered at all, only drained.
pub async fn read_limited(
    mut body: Body,
    declared: Option<u64>,
    max: usize,
    read_timeout: Duration,
) -> Result<Bytes, BodyError> {
    let mut too_large = declared.is_some_and(|n| n > max as u64);
    if declared.is_some_and(|n| n > DRAIN_LIMIT) {
        return Err(BodyError::TooLarge);
    }
    let mut kept = Vec::new();
    let mut seen: u64 = 0;
    loop {
        let frame = match tokio::time::timeout(read_timeout, body.frame()).await {
            Err(_) => return Err(BodyError::Stalled),
            Ok(None) => break,
            Ok(Some(Err(_))) => return Err(BodyError::Broken),
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        seen += data.len() as u64;
        if seen > max as u64 && !too_large {
            too_large = true;
            kept = Vec::new();
        }
        if too_large {
            if seen > DRAIN_LIMIT {
                break;
            }
        } else {
            kept.extend_from_slice(&data);
        }
    }
    if too_large {
        Err(BodyError::TooLarge)
    } else {
        Ok(Bytes::from(kept))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    #[tokio::test]
    async fn a_body_within_the_limit_is_read_whole() {
        let body = Body::from(vec![b'a'; 1000]);
        let read = read_limited(body, Some(1000), 1000, SECOND).await;
        assert_eq!(read.map(|b| b.len()), Ok(1000));
    }

    #[tokio::test]
    async fn one_byte_over_is_too_large_with_or_without_a_declared_length() {
        for declared in [Some(1001), None] {
            let body = Body::from(vec![b'a'; 1001]);
            let read = read_limited(body, declared, 1000, SECOND).await;
            assert_eq!(read, Err(BodyError::TooLarge), "{declared:?}");
        }
    }

    #[tokio::test]
    async fn an_absurd_declared_length_is_refused_without_reading() {
        let read = read_limited(Body::empty(), Some(DRAIN_LIMIT + 1), 1000, SECOND).await;
        assert_eq!(read, Err(BodyError::TooLarge));
    }

    /// A body whose next piece never comes.
    struct NeverArrives;

    impl hyper::body::Body for NeverArrives {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, std::io::Error>>> {
            std::task::Poll::Pending
        }
    }

    #[tokio::test]
    async fn a_body_that_stops_coming_stalls() {
        let body = Body::new(NeverArrives);
        let read = read_limited(body, None, 1000, Duration::from_millis(50)).await;
        assert_eq!(read, Err(BodyError::Stalled));
    }
}
