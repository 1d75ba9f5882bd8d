//! `argilla-contract --client "<command>"`: run the contract cases against a client.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use argilla_contract::runner::{self, RunOptions, Server, Status};
use argilla_contract::{catalogue, report};
use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "argilla-contract",
    version,
    about = "Contract tests for Argilla users-API clients"
)]
struct Args {
    /// The adapter command (run with `sh -c`), speaking PROTOCOL.md on stdin/stdout.
    #[arg(long)]
    client: String,
    /// `embedded` (an in-process argilla-mock) or the base URL of a running server.
    #[arg(long, default_value = "embedded")]
    server: String,
    /// Cases expected to fail, one id per line (`#` comments); each must fail.
    #[arg(long)]
    known_failing: Option<PathBuf>,
    /// Run only the cases whose id or behaviour contains this text.
    #[arg(long)]
    filter: Option<String>,
    /// Write a JUnit XML report here.
    #[arg(long)]
    junit: Option<PathBuf>,
    /// Write an NDJSON report (one line per case) here.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Print the HTTP requests the server saw for each failing case.
    #[arg(long)]
    trace: bool,
    /// Seconds to wait for each adapter reply.
    #[arg(long, default_value_t = 30)]
    timeout_secs: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("argilla-contract: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

async fn run(args: Args) -> anyhow::Result<bool> {
    let known_failing: HashSet<String> = match &args.known_failing {
        None => HashSet::new(),
        Some(path) => std::fs::read_to_string(path)?
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect(),
    };
    let options = RunOptions {
        client: args.client.clone(),
        server: Server::from_arg(&args.server),
        known_failing,
        filter: args.filter.clone(),
        timeout: Duration::from_secs(args.timeout_secs),
    };
    let results = runner::run(&options).await?;
    for r in &results {
        println!("{}", report::case_line(r));
        if args.trace && r.status == Status::Failed {
            for exchange in &r.exchanges {
                println!("    {exchange}");
            }
        }
    }
    print!("{}", report::coverage(&catalogue::behaviors(), &results));
    if let Some(path) = &args.junit {
        std::fs::write(path, report::junit(&results, &args.client))?;
    }
    if let Some(path) = &args.report {
        std::fs::write(path, report::ndjson(&results))?;
    }
    println!("{}", report::summary_line(&results));
    Ok(results.iter().all(|r| r.status != Status::Failed))
}
