//! The `argilla-mock` binary: parse the configuration, start the server, print the two
//! variables the Argilla SDK reads, and run until Ctrl-C or SIGTERM.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use argilla_mock::logging::{flush_this_thread, BatchedStderr, Clock};
use argilla_mock::{spawn, Config};
use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let config = Config::parse();
    // Worker threads write their log lines when they run out of work (see `logging`).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .on_thread_park(flush_this_thread)
        .on_thread_stop(flush_this_thread)
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(serve(config)),
        Err(e) => {
            eprintln!("argilla-mock: error: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(BatchedStderr)
        .with_timer(Clock)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("argilla_mock=info")),
        )
        .init();
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("argilla-mock: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> anyhow::Result<()> {
    // Listen for signals before announcing readiness: a supervisor may signal at once.
    let stop = shutdown_signal()?;
    let server = spawn(&config).await?;
    // A reader that took the first line and closed the pipe must not stop the server.
    if let Err(e) = announce(&server.url(), server.api_key().unwrap_or("")) {
        tracing::warn!(error = %e, "could not print the SDK variables to stdout");
    }
    stop.await;
    tracing::info!("shutting down");
    server.stop().await
}

fn announce(url: &str, api_key: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "ARGILLA_API_URL={url}")?;
    writeln!(out, "ARGILLA_API_KEY={api_key}")?;
    out.flush()
}

/// A future that completes on Ctrl-C or SIGTERM, with both handlers installed now.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    Ok(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
    })
}
