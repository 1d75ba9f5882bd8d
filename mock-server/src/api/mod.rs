//! The HTTP API, one module per Argilla API generation.
//!
//! `v0` is `/api/…`, `v1` is `/api/v1/…`, as served by Argilla 1.14. A later server profile
//! (e.g. Argilla 2.x) gets its own module beside these.

mod fallback;
mod routes;
mod v0;
mod v1;

pub use fallback::cors_for_answer;
pub use routes::RouteTable;

use axum::extract::DefaultBodyLimit;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::SizeAbove;
use tower_http::compression::CompressionLayer;

use crate::error::ApiError;
use crate::state::AppState;

/// Responses of at least this many bytes are compressed when the client asks (as the real
/// server's middleware does).
const COMPRESS_FROM_BYTES: u16 = 512;

/// The OpenAPI document of [`routes`], served at `/openapi.json` and where the real server
/// serves its own, `/api/docs/spec.json`.
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

/// Every Argilla endpoint the mock serves, v0 then v1.
pub fn routes() -> RouteTable {
    v0::routes().merge(v1::routes())
}

/// The whole API as a router, with the real server's middleware: CORS, compression, and the
/// real server's answers for unknown paths and methods. Bodies arrive already read and bounded
/// by the control layer (`control::ControlLayer`); requests are traced around it.
pub fn router(state: AppState) -> Router {
    routes()
        .into_router()
        .route("/openapi.json", get(openapi))
        .route("/api/docs/spec.json", get(openapi))
        .fallback(fallback::unknown_path)
        .method_not_allowed_fallback(fallback::method_not_allowed)
        // The control layer has enforced the configured limit; axum's own 2 MB default must
        // not apply a second, different one.
        .layer(DefaultBodyLimit::disable())
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
        .layer(from_fn(fallback::vary_only_when_compressed))
        // Outside the compression layer: it must see the rewritten Accept-Encoding.
        .layer(from_fn(fallback::accept_encoding_as_the_real_server))
        .layer(from_fn(fallback::cors))
        .layer(from_fn(fallback::head_is_not_routed))
        .with_state(state)
}

async fn openapi() -> Response {
    ([(CONTENT_TYPE, "application/json")], OPENAPI_JSON).into_response()
}
