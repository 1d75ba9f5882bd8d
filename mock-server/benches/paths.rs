//! In-process cost of the hot path every request takes: the API-key lookup.
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
}

criterion_group!(benches, paths);
criterion_main!(benches);
