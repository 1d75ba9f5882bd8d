//! Control-plane costs: resetting to the default fixtures (target ≤ 0.5 ms) and opening a new
//! namespace (target ≤ 1 ms), measured in process without HTTP.
//!
//! `cargo bench -p argilla-mock --bench control`

use argilla_mock::MockServer;
use criterion::{criterion_group, criterion_main, Criterion};

fn control(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime.block_on(MockServer::start());

    c.bench_function("reset to the default fixtures", |b| {
        b.to_async(&runtime)
            .iter(|| async { server.reset().await.expect("reset") });
    });

    // Each iteration opens a namespace (timed) and closes it again (not timed), so the
    // measurement never runs into the namespace limit or a growing heap.
    c.bench_function("open a new namespace", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            let server = &server;
            async move {
                let mut total = std::time::Duration::ZERO;
                for i in 0..iters {
                    let name = format!("bench-{i}");
                    let started = std::time::Instant::now();
                    server.open_namespace(&name).await.expect("namespace");
                    total += started.elapsed();
                    server.close_namespace(&name).await;
                }
                total
            }
        });
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = control
}
criterion_main!(benches);
