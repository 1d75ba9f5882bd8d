//! The HTTP API, one module per Argilla API generation: [`argilla1`] (`/api/…` and the few
//! `/api/v1/…` routes of Argilla 1.14) and [`argilla2`] (`/api/v1/…` of argilla-server 2.8).
//! The profile (`crate::profile`) picks which are routed. Beside them, what both use: path
//! ids, not-found answers, the login check, rendered bodies.

pub(crate) mod argilla1;
pub(crate) mod argilla2;
mod bodies;
mod fallback;
mod login;
mod middleware;
mod not_found;
mod path_ids;
pub(crate) mod process;
mod routes;

pub use middleware::RealServer;

pub use fallback::cors_for_answer;
pub use routes::RouteTable;

use std::sync::OnceLock;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::Value;

use crate::profile::{Answerer, Generations, ARGILLA1_DEFAULT, ARGILLA2_DEFAULT};
use crate::state::AppState;

/// Argilla 1.x's answers of at least this many bytes are compressed when the client asks (as
/// the real server's middleware does); argilla-server 2.8 compresses every non-empty answer.
const COMPRESS_FROM_BYTES: u16 = 512;

/// The OpenAPI document of exactly the routes a profile serves ([`routes`]): for both
/// generations, the 1.x document without its `/api/v1/…` paths (2.8 answers those) joined with
/// the 2.x one. Schemathesis (`scripts/fuzz.sh`) and `tests/api/openapi.rs` read it.
pub fn openapi_document(generations: Generations) -> &'static str {
    static BOTH: OnceLock<String> = OnceLock::new();
    match generations {
        Generations::Argilla1 => argilla1::OPENAPI_JSON,
        Generations::Argilla2 => argilla2::OPENAPI_JSON,
        Generations::Both => BOTH.get_or_init(join_documents),
    }
}

fn join_documents() -> String {
    let parse =
        |text: &str| -> Value { serde_json::from_str(text).expect("an embedded document is JSON") };
    let (mut joined, v2) = (parse(argilla1::OPENAPI_JSON), parse(argilla2::OPENAPI_JSON));
    joined["info"]["title"] = "Argilla users and workspaces API, 1.x and 2.x (argilla-mock)".into();
    joined["info"]["description"] = format!(
        "Both generations from one database: `/api/…` as Argilla {ARGILLA1_DEFAULT}, `/api/v1/…` as \
         argilla-server {ARGILLA2_DEFAULT}. {}",
        v2["info"]["description"].as_str().unwrap_or_default()
    )
    .into();
    let paths = joined["paths"].as_object_mut().expect("paths");
    paths.retain(|path, _| !path.starts_with(crate::profile::ARGILLA2_MOUNT));
    paths.extend(v2["paths"].as_object().expect("paths").clone());
    for part in ["schemas", "responses"] {
        let into = joined["components"][part]
            .as_object_mut()
            .expect("components");
        into.extend(
            v2["components"][part]
                .as_object()
                .expect("components")
                .clone(),
        );
    }
    joined.to_string()
}

/// Every Argilla endpoint a profile serves.
pub fn routes(generations: Generations) -> RouteTable {
    match generations {
        Generations::Argilla1 => argilla1::routes().merge(argilla1::v1_routes()),
        Generations::Argilla2 => argilla2::routes(),
        // The few `/api/v1/…` routes of 1.14 are 2.8's too: there 2.8 answers.
        Generations::Both => argilla1::routes().merge(argilla2::routes()),
    }
}

/// The whole API with the real server's middleware: CORS, compression, and the real server's
/// answers for unknown paths and methods. Bodies arrive already read and bounded by the
/// control layer (`control::Control`), which logs and records each request around it.
pub fn real_server(state: AppState) -> RealServer {
    let routes = routes(state.profile.generations)
        .into_router()
        .merge(openapi_routes(state.profile.generations))
        .fallback(unrouted)
        .method_not_allowed_fallback(unrouted)
        .with_state(state.clone());
    // Around the routing, not inside each route: a preflight answered there would get the
    // route's `allow` header from axum, which the real servers do not send.
    RealServer::new(state.profile.clone(), routes)
}

/// A request no route takes (unknown path, or a method the path does not serve), answered as
/// the generation that owns the path would.
async fn unrouted(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    match state.profile.answerer(uri.path()) {
        Answerer::Argilla2Api => argilla2::fallback::unmatched(&uri, &headers),
        Answerer::Argilla1 => fallback::unknown_path(method).await.into_response(),
        Answerer::Argilla2WebUi => argilla2::fallback::web_ui(&method),
    }
}

/// `/openapi.json`: the profile's whole document; and each generation's own where its real
/// server serves it (under 2.x alone, `/api/docs/spec.json` is the web UI's, as on 2.8).
fn openapi_routes(generations: Generations) -> Router<AppState> {
    // The documents are made on the first request for one: joining the two generations'
    // (parsing ~300 KB of JSON) would otherwise add milliseconds to every start.
    let serve = |document: fn(Generations) -> &'static str| {
        get(move || async move {
            ([(CONTENT_TYPE, "application/json")], document(generations)).into_response()
        })
    };
    let mut router = Router::new().route("/openapi.json", serve(openapi_document));
    if generations != Generations::Argilla1 {
        router = router.route("/api/v1/openapi.json", serve(|_| argilla2::OPENAPI_JSON));
    }
    if generations != Generations::Argilla2 {
        router = router.route("/api/docs/spec.json", serve(openapi_document));
    }
    router
}
