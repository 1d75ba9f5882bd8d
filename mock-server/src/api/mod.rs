//! The HTTP API, one module per Argilla API generation.
//!
//! `v0` is `/api/…`, `v1` is `/api/v1/…`, as served by Argilla 1.14. A later server profile
//! (e.g. Argilla 2.x) gets its own module beside these.

mod fallback;
mod v0;
mod v1;

use axum::extract::DefaultBodyLimit;
use axum::response::IntoResponse;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::SizeAbove;
use tower_http::compression::CompressionLayer;

use crate::error::ApiError;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::state::AppState;

/// Responses of at least this many bytes are compressed when the client asks (as the real
/// server's middleware does).
const COMPRESS_FROM_BYTES: u16 = 512;

/// The whole API as a router, with the real server's middleware: CORS, compression, a body
/// limit, and request tracing.
pub fn router(state: AppState, max_body_bytes: usize) -> Router {
    Router::new()
        .nest("/api/v1", v1::router())
        .nest("/api", v0::router())
        .fallback(fallback::unknown_path)
        .method_not_allowed_fallback(fallback::method_not_allowed)
        .layer(DefaultBodyLimit::max(max_body_bytes))
        // A bug must cost one request a 500 in Argilla's envelope, never the connection.
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal(anyhow::anyhow!("the mock hit an internal error")).into_response()
        }))
        .layer(
            CompressionLayer::new()
                .gzip(true)
                .br(true)
                .compress_when(SizeAbove::new(COMPRESS_FROM_BYTES)),
        )
        .layer(axum::middleware::from_fn(
            fallback::vary_only_when_compressed,
        ))
        // Outside the compression layer: it must see the rewritten Accept-Encoding.
        .layer(axum::middleware::from_fn(
            fallback::accept_encoding_as_the_real_server,
        ))
        .layer(axum::middleware::from_fn(fallback::cors))
        .layer(
            // One INFO line per request (method, path, status, latency); headers are not logged,
            // so keys and tokens never reach the log.
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}
