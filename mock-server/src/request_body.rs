//! Reading a request body with a size limit and a stall timeout.
//!
//! A body over the limit is refused with 413, but the rest of it is still read and thrown away
//! (up to [`DRAIN_LIMIT`]): a server that answers and closes while the client is still sending
//! makes most clients (hyper, httpx) report a broken pipe instead of the 413.

use std::time::Duration;

use axum::body::{Body, Bytes};
use http_body_util::BodyExt;
use hyper::body::Body as _;

/// How much of an oversized body is read and discarded before the connection is given up.
pub const DRAIN_LIMIT: u64 = 256 * 1024 * 1024;

/// How much of a body is accepted, and how long it may take to arrive.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    pub max_bytes: usize,
    /// The longest wait for the next piece.
    pub piece_timeout: Duration,
    /// The longest the whole body may take (a byte every few seconds must not hold a
    /// connection for ever).
    pub total_timeout: Duration,
}

impl BodyLimits {
    /// The limits for a server whose read timeout is `read_timeout`: each piece within it, the
    /// whole body within four times it.
    pub fn new(max_bytes: usize, read_timeout: Duration) -> BodyLimits {
        BodyLimits {
            max_bytes,
            piece_timeout: read_timeout,
            total_timeout: read_timeout.saturating_mul(4),
        }
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    #[error("the body is larger than the limit")]
    TooLarge,
    #[error("the body could not be read (the client broke it off or garbled it)")]
    Broken,
    #[error("no more of the body arrived within the read timeout, or not all of it in time")]
    Stalled,
}

/// Reads `body` whole if it is at most `limits.max_bytes` bytes. A body whose length is known
/// in advance (Content-Length, which hyper has already checked) and too large is not buffered
/// at all, only drained.
pub async fn read_limited(body: Body, limits: &BodyLimits) -> Result<Bytes, BodyError> {
    // Most requests (every GET) have no body: no timers to set for them.
    if body.is_end_stream() {
        return Ok(Bytes::new());
    }
    tokio::time::timeout(limits.total_timeout, read_pieces(body, limits))
        .await
        .unwrap_or(Err(BodyError::Stalled))
}

async fn read_pieces(mut body: Body, limits: &BodyLimits) -> Result<Bytes, BodyError> {
    let max = limits.max_bytes;
    let declared = body.size_hint().exact();
    let mut too_large = declared.is_some_and(|n| n > max as u64);
    if declared.is_some_and(|n| n > DRAIN_LIMIT) {
        return Err(BodyError::TooLarge);
    }
    let mut kept = Vec::new();
    let mut seen: u64 = 0;
    loop {
        let frame = match tokio::time::timeout(limits.piece_timeout, body.frame()).await {
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
    use std::collections::VecDeque;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use hyper::body::{Frame, SizeHint};

    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    fn limits(max_bytes: usize, piece: Duration) -> BodyLimits {
        BodyLimits {
            max_bytes,
            piece_timeout: piece,
            total_timeout: piece * 4,
        }
    }

    /// A body sent in pieces, with or without its length announced; once the pieces run out it
    /// either ends or goes quiet for good.
    struct Pieces {
        pieces: VecDeque<Bytes>,
        announced: Option<u64>,
        then_silence: bool,
    }

    impl Pieces {
        fn body(pieces: &[usize], announced: Option<u64>, then_silence: bool) -> Body {
            Body::new(Pieces {
                pieces: pieces.iter().map(|n| Bytes::from(vec![b'a'; *n])).collect(),
                announced,
                then_silence,
            })
        }
    }

    impl hyper::body::Body for Pieces {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
            match self.pieces.pop_front() {
                Some(piece) => Poll::Ready(Some(Ok(Frame::data(piece)))),
                None if self.then_silence => Poll::Pending,
                None => Poll::Ready(None),
            }
        }

        fn size_hint(&self) -> SizeHint {
            self.announced.map(SizeHint::with_exact).unwrap_or_default()
        }
    }

    #[tokio::test]
    async fn a_body_within_the_limit_is_read_whole() {
        let read = read_limited(
            Pieces::body(&[600, 400], Some(1000), false),
            &limits(1000, SECOND),
        )
        .await;
        assert_eq!(read.map(|b| b.len()), Ok(1000));
    }

    #[tokio::test]
    async fn one_byte_over_is_too_large_with_or_without_a_declared_length() {
        for announced in [Some(1001), None] {
            let body = Pieces::body(&[600, 401], announced, false);
            let read = read_limited(body, &limits(1000, SECOND)).await;
            assert_eq!(read, Err(BodyError::TooLarge), "{announced:?}");
        }
    }

    #[tokio::test]
    async fn an_absurd_declared_length_is_refused_without_reading() {
        // Nothing ever arrives: reading would stall, so a 413 proves nothing was read.
        let body = Pieces::body(&[], Some(DRAIN_LIMIT + 1), true);
        let read = read_limited(body, &limits(1000, SECOND)).await;
        assert_eq!(read, Err(BodyError::TooLarge));
    }

    /// A body that sends a piece every `every`, `count` times.
    struct Trickle {
        every: Duration,
        left: usize,
        sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    }

    impl hyper::body::Body for Trickle {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
            if self.left == 0 {
                return Poll::Ready(None);
            }
            let every = self.every;
            let sleep = self
                .sleep
                .get_or_insert_with(|| Box::pin(tokio::time::sleep(every)));
            match sleep.as_mut().poll(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(()) => {
                    self.sleep = None;
                    self.left -= 1;
                    Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(b"a")))))
                }
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_that_trickles_in_past_the_overall_deadline_stalls() {
        // Each piece arrives well within the piece timeout, but all of them take 4x longer
        // than the whole-body deadline.
        let body = Body::new(Trickle {
            every: Duration::from_millis(20),
            left: 100,
            sleep: None,
        });
        let limits = BodyLimits {
            max_bytes: 1000,
            piece_timeout: Duration::from_millis(200),
            total_timeout: Duration::from_millis(500),
        };
        // Time is virtual here (paused, advanced by the runtime): exact and never flaky.
        let started = tokio::time::Instant::now();
        assert_eq!(read_limited(body, &limits).await, Err(BodyError::Stalled));
        assert_eq!(started.elapsed(), limits.total_timeout);
    }

    #[tokio::test]
    async fn a_body_that_stops_coming_stalls() {
        let body = Pieces::body(&[10], None, true);
        let read = read_limited(body, &limits(1000, Duration::from_millis(50))).await;
        assert_eq!(read, Err(BodyError::Stalled));
    }
}
