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

/// Reads `body` whole if it is at most `max` bytes. A body whose length is known in advance
/// (Content-Length, which hyper has already checked) and too large is not buffered at all, only
/// drained.
pub async fn read_limited(
    mut body: Body,
    max: usize,
    read_timeout: Duration,
) -> Result<Bytes, BodyError> {
    let declared = body.size_hint().exact();
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
    use std::collections::VecDeque;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use hyper::body::{Frame, SizeHint};

    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

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
        let read = read_limited(Pieces::body(&[600, 400], Some(1000), false), 1000, SECOND).await;
        assert_eq!(read.map(|b| b.len()), Ok(1000));
    }

    #[tokio::test]
    async fn one_byte_over_is_too_large_with_or_without_a_declared_length() {
        for announced in [Some(1001), None] {
            let body = Pieces::body(&[600, 401], announced, false);
            let read = read_limited(body, 1000, SECOND).await;
            assert_eq!(read, Err(BodyError::TooLarge), "{announced:?}");
        }
    }

    #[tokio::test]
    async fn an_absurd_declared_length_is_refused_without_reading() {
        // Nothing ever arrives: reading would stall, so a 413 proves nothing was read.
        let body = Pieces::body(&[], Some(DRAIN_LIMIT + 1), true);
        let read = read_limited(body, 1000, SECOND).await;
        assert_eq!(read, Err(BodyError::TooLarge));
    }

    #[tokio::test]
    async fn a_body_that_stops_coming_stalls() {
        let body = Pieces::body(&[10], None, true);
        let read = read_limited(body, 1000, Duration::from_millis(50)).await;
        assert_eq!(read, Err(BodyError::Stalled));
    }
}
