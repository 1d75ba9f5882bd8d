//! The adapter for the Rust reference client: PROTOCOL.md on stdin/stdout.
//!
//! `argilla-contract-rust-adapter [--break MODE]`, MODE one of `Break::NAMES`.

use argilla_contract::client::{Break, Client, ClientError, NewUser};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let broken = match args.iter().position(|a| a == "--break") {
        None => Break::Nothing,
        Some(i) => match args.get(i + 1).and_then(|m| Break::parse(m)) {
            Some(mode) => mode,
            None => {
                eprintln!(
                    "usage: argilla-contract-rust-adapter [--break {}]",
                    Break::NAMES.join("|")
                );
                std::process::exit(2);
            }
        },
    };
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut stdout = tokio::io::stdout();
    while let Ok(Some(line)) = lines.next_line().await {
        let Ok(message) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let reply = match message["cmd"].as_str() {
            Some("start") => json!({
                "implementation": {"name": "argilla-contract reference client", "language": "rust",
                                    "version": env!("CARGO_PKG_VERSION")},
                "features": ["user.me", "user.list", "user.from_name", "user.from_id", "user.create",
                             "user.delete", "user.workspaces", "user.construct"],
            }),
            Some("run") => run(&message, broken).await,
            _ => continue,
        };
        let out = reply.to_string() + "\n";
        if stdout.write_all(out.as_bytes()).await.is_err() || stdout.flush().await.is_err() {
            break;
        }
    }
}

async fn run(message: &Value, broken: Break) -> Value {
    let seq = message["seq"].clone();
    let text = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_owned();
    let client = Client::new(
        &text(message, "base_url"),
        &text(message, "api_key"),
        broken,
    );
    let args = &message["args"];
    let result: Result<Value, ClientError> = match message["op"].as_str().unwrap_or_default() {
        "user.me" => client.me().await.map(|u| json!(u)),
        "user.list" => client.list().await.map(|u| json!(u)),
        "user.from_name" => client
            .from_name(&text(args, "name"))
            .await
            .map(|u| json!(u)),
        "user.from_id" => client.from_id(&text(args, "id")).await.map(|u| json!(u)),
        "user.create" => {
            let new = NewUser {
                username: text(args, "username"),
                password: text(args, "password"),
                first_name: args["first_name"].as_str().map(str::to_owned),
                last_name: args["last_name"].as_str().map(str::to_owned),
                role: args["role"].as_str().map(str::to_owned),
                workspaces: args["workspaces"].as_array().map(|w| {
                    w.iter()
                        .filter_map(|n| n.as_str().map(str::to_owned))
                        .collect()
                }),
            };
            client.create(&new).await.map(|u| json!(u))
        }
        "user.delete" => client
            .delete(&text(args, "username"))
            .await
            .map(|()| Value::Null),
        "user.workspaces" => client.workspaces().await.map(|w| json!(w)),
        // Users only come from the server: there is no constructor to call.
        "user.construct" => Err(ClientError::Usage(
            "users are obtained with me/list/from_name/from_id/create".into(),
        )),
        other => {
            return json!({"seq": seq, "skipped": format!("operation {other:?} is not supported")})
        }
    };
    match result {
        Ok(value) => json!({"seq": seq, "ok": value}),
        Err(_) if broken == Break::SwallowErrors => json!({"seq": seq, "ok": null}),
        Err(e) => {
            json!({"seq": seq, "error": {"kind": e.kind(), "native": format!("{e:?}").split('(').next().unwrap_or("ClientError"), "message": e.to_string()}})
        }
    }
}
