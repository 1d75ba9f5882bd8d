//! In-process costs of the hot paths: the API-key lookup every request makes, and turning a
//! user into its v0 JSON.
//!
//! `cargo bench -p argilla-mock --bench paths`

use argilla_mock::MockServer;
use criterion::{criterion_group, criterion_main, Criterion};

fn paths(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime.block_on(MockServer::start());
    let db = server.database().clone();

    c.bench_function("API-key lookup (hit)", |b| {
        b.to_async(&runtime)
            .iter(|| async { db.user_by_api_key("argilla.apikey").await.expect("lookup") });
    });
    c.bench_function("API-key lookup (miss)", |b| {
        b.to_async(&runtime)
            .iter(|| async { db.user_by_api_key("not-a-key").await.expect("lookup") });
    });

    let user = runtime
        .block_on(db.user_by_api_key("admin.apikey"))
        .expect("lookup")
        .expect("the default admin");
    c.bench_function("serialise one user as v0 JSON", |b| {
        b.iter(|| {
            let v0 = user.to_v0(vec!["argilla".into(), "team".into()]);
            serde_json::to_vec(&v0).expect("json")
        });
    });
}

criterion_group!(benches, paths);
criterion_main!(benches);
