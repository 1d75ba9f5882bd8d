//! The adapter for the Rust reference client: PROTOCOL.md on stdin/stdout.
//!
//! `argilla-contract-rust-adapter [--api 2.x] [--break MODE]`, MODE one of `Break::NAMES`.
//! By default it is a 1.x client (the 1.x `User` operations only); `--api 2.x` makes it speak
//! `/api/v1` like the 2.x SDK, with the 2.x operations too.

use argilla_contract::client::{Break, Client, ClientError, NewUser, UserChanges};
use argilla_contract::protocol::{
    Api, Failure, Hello, Implementation, Op, Outcome, Reply, Request, RunRequest,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
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
    let api = match args.iter().position(|a| a == "--api") {
        None => Api::Argilla1,
        Some(i) => match args.get(i + 1).map(String::as_str) {
            Some("1.x") => Api::Argilla1,
            Some("2.x") => Api::Argilla2,
            _ => {
                eprintln!("usage: argilla-contract-rust-adapter [--api 1.x|2.x]");
                std::process::exit(2);
            }
        },
    };
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut stdout = tokio::io::stdout();
    while let Ok(Some(line)) = lines.next_line().await {
        let out = match serde_json::from_str::<Request>(&line) {
            Ok(Request::Start { .. }) => to_line(&hello(api)),
            Ok(Request::Run(request)) => to_line(&run(request, broken, api).await),
            Err(e) => match serde_json::from_str::<Numbered>(&line) {
                // A `run` this client does not understand (e.g. an operation of a later protocol).
                Ok(Numbered { seq }) => to_line(&Reply {
                    seq,
                    outcome: Outcome::Skipped(format!("request not understood: {e}")),
                }),
                Err(_) => continue,
            },
        };
        if stdout.write_all(out.as_bytes()).await.is_err() || stdout.flush().await.is_err() {
            break;
        }
    }
}

/// Any line with a sequence number, to answer even a request that cannot be decoded.
#[derive(Deserialize)]
struct Numbered {
    seq: u64,
}

fn to_line(message: &impl Serialize) -> String {
    serde_json::to_string(message).unwrap_or_default() + "\n"
}

/// The operations of each generation: the 1.x `User`, or the 2.x SDK's (which has no refused
/// constructor: `rg.User(...)` is how users are made there).
fn features(api: Api) -> Vec<Op> {
    match api {
        Api::Argilla1 => Op::USER_1X.to_vec(),
        Api::Argilla2 => Op::ALL
            .into_iter()
            .filter(|op| *op != Op::Construct)
            .collect(),
    }
}

fn hello(api: Api) -> Hello {
    Hello {
        implementation: Implementation {
            name: "argilla-contract reference client".into(),
            language: "rust".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        features: features(api),
        api,
    }
}

#[derive(Deserialize)]
struct Name {
    name: String,
}

#[derive(Deserialize)]
struct Id {
    id: String,
}

#[derive(Deserialize)]
struct Username {
    username: String,
}

#[derive(Deserialize)]
struct Update {
    username: String,
    changes: UserChanges,
}

#[derive(Deserialize)]
struct Member {
    workspace: String,
    username: String,
}

#[derive(Deserialize)]
struct InWorkspace {
    workspace: String,
}

/// The operation's arguments, or a usage error naming what is missing.
fn args<T: DeserializeOwned>(request: &RunRequest) -> Result<T, ClientError> {
    T::deserialize(&request.args)
        .map_err(|e| ClientError::Usage(format!("bad arguments for {}: {e}", request.op)))
}

async fn run(request: RunRequest, broken: Break, api: Api) -> Reply {
    if !features(api).contains(&request.op) {
        return Reply {
            seq: request.seq,
            outcome: Outcome::Skipped(format!("{} is not among the features", request.op)),
        };
    }
    let client = Client::new(&request.base_url, &request.api_key, broken).with_api(api);
    let outcome = match perform(&client, &request).await {
        Ok(value) => Outcome::Ok(value),
        Err(_) if broken == Break::SwallowErrors => Outcome::Ok(Value::Null),
        Err(e) => Outcome::Error(Failure {
            kind: e.kind(),
            native: format!("{e:?}")
                .split('(')
                .next()
                .unwrap_or("ClientError")
                .to_owned(),
            message: e.to_string(),
        }),
    };
    Reply {
        seq: request.seq,
        outcome,
    }
}

async fn perform(client: &Client, request: &RunRequest) -> Result<Value, ClientError> {
    Ok(match request.op {
        Op::Me => json!(client.me().await?),
        Op::List => json!(client.list().await?),
        Op::FromName => json!(client.from_name(&args::<Name>(request)?.name).await?),
        Op::FromId => json!(client.from_id(&args::<Id>(request)?.id).await?),
        Op::Create => json!(client.create(&args::<NewUser>(request)?).await?),
        Op::Delete => {
            client.delete(&args::<Username>(request)?.username).await?;
            Value::Null
        }
        Op::Workspaces => json!(client.workspaces().await?),
        // Users only come from the server: there is no constructor to call.
        Op::Construct => {
            return Err(ClientError::Usage(
                "users are obtained with me/list/from_name/from_id/create".into(),
            ))
        }
        Op::Update => {
            let Update { username, changes } = args(request)?;
            json!(client.update(&username, &changes).await?)
        }
        Op::WorkspaceCreate => json!(
            client
                .create_workspace(&args::<Name>(request)?.name)
                .await?
        ),
        Op::WorkspaceDelete => {
            client
                .delete_workspace(&args::<Name>(request)?.name)
                .await?;
            Value::Null
        }
        Op::WorkspaceAddUser => {
            let Member {
                workspace,
                username,
            } = args(request)?;
            json!(client.add_user(&workspace, &username).await?)
        }
        Op::WorkspaceRemoveUser => {
            let Member {
                workspace,
                username,
            } = args(request)?;
            json!(client.remove_user(&workspace, &username).await?)
        }
        Op::WorkspaceUsers => {
            let InWorkspace { workspace } = args(request)?;
            json!(client.workspace_users(&workspace).await?)
        }
    })
}
