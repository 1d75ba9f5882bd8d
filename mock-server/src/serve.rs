//! The transport: accepting connections and speaking HTTP/1 on them, with timers, until a
//! graceful stop.
//!
//! axum's own `serve` cannot cut a connection on purpose, and faults must reach clients as real
//! outages do: a TCP reset, a connection closed with no answer. So connections are served by
//! hyper directly, and a response carrying a [`ConnectionFault`] (from the control layer) is not
//! sent: the connection is cut instead. Everything else about a request is decided by
//! [`control::answer`](crate::control::answer).
//!
//! HTTP/1 only, as the real server (uvicorn) speaks: hyper's header timer then covers every
//! connection from its first byte, including one that sends a few bytes and stops.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::Response;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::control::{self, ConnectionFault, MockCore};

/// How long a graceful stop waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves connections until `stop` fires, then lets requests in flight finish.
pub async fn serve(listener: TcpListener, core: Arc<MockCore>, stop: oneshot::Receiver<()>) {
    let read_timeout = core.options.read_timeout;
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        // Runs while hyper waits for a request's head: the first one, and the next one on a
        // kept-alive connection (so idle connections are closed too).
        .header_read_timeout(read_timeout);
    let graceful = GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        // A second handle on the socket lets a fault rule turn the close into a reset.
        let Some((stream, socket)) = split_handle(stream) else {
            continue;
        };
        let socket = Arc::new(socket);
        let core = core.clone();
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            let core = core.clone();
            let socket = socket.clone();
            async move { answer_or_cut(core, request.map(Body::new), &socket).await }
        });
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let watched = graceful.watch(connection);
        // A graceful stop closes an idle connection (one that has sent nothing yet, or is
        // between requests) at once, and lets a request in progress finish.
        tokio::spawn(async move {
            if let Err(e) = watched.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight after the grace period; stopping anyway");
    }
}

/// The app's answer, or the cut it asks for.
async fn answer_or_cut(
    core: Arc<MockCore>,
    request: Request,
    socket: &std::net::TcpStream,
) -> Result<Response<Body>, ConnectionFault> {
    let response = control::answer(core, request).await;
    match response.extensions().get::<ConnectionFault>() {
        None => Ok(response),
        Some(&cut) => {
            if cut == ConnectionFault::Reset {
                // Linger 0 makes the kernel send RST instead of FIN when the socket closes.
                let _ = socket2::SockRef::from(socket).set_linger(Some(Duration::ZERO));
            }
            Err(cut)
        }
    }
}

fn split_handle(stream: TcpStream) -> Option<(TcpStream, std::net::TcpStream)> {
    let std_stream = stream.into_std().ok()?;
    let handle = std_stream.try_clone().ok()?;
    let stream = TcpStream::from_std(std_stream).ok()?;
    Some((stream, handle))
}
