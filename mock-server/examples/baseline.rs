//! The performance baseline: a bare axum server answering `GET /api/me` with a fixed user JSON,
//! no authentication, no database. `scripts/bench.sh` runs it beside argilla-mock, so the
//! mock's throughput is reported as a share of what this machine can do for this shape of work.
//!
//! `cargo run --release --example baseline -- [PORT]` (0 picks a free port; prints the URL).

use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use axum::Router;

const USER: &str = r#"{"id":"00000000-0000-4000-8000-000000000001","first_name":"","full_name":"","username":"argilla","role":"owner","workspaces":["argilla","team"],"api_key":"argilla.apikey","inserted_at":"2024-01-01T00:00:00","updated_at":"2024-01-01T00:00:00"}"#;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let app = Router::new().route(
        "/api/me",
        get(|| async { ([(CONTENT_TYPE, "application/json")], USER) }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("ARGILLA_API_URL=http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}
