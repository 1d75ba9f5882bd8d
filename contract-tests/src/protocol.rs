//! The adapter protocol: newline-delimited JSON on the adapter's stdin and stdout
//! (specified in PROTOCOL.md and protocol.schema.json).
//!
//! Every message is a typed value here, so an operation or error kind spelt wrong is a compile
//! error, not a case that always fails. The wire strings (`user.me`, `not_found`, …) are the
//! serde names of the enums below.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

pub const PROTOCOL_VERSION: u64 = 1;

/// The operations a case may ask for (`op` in a `run`, `features` in the handshake).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Op {
    #[serde(rename = "user.me")]
    Me,
    #[serde(rename = "user.list")]
    List,
    #[serde(rename = "user.from_name")]
    FromName,
    #[serde(rename = "user.from_id")]
    FromId,
    #[serde(rename = "user.create")]
    Create,
    #[serde(rename = "user.delete")]
    Delete,
    #[serde(rename = "user.workspaces")]
    Workspaces,
    #[serde(rename = "user.construct")]
    Construct,
    #[serde(rename = "user.update")]
    Update,
    #[serde(rename = "workspace.create")]
    WorkspaceCreate,
    #[serde(rename = "workspace.delete")]
    WorkspaceDelete,
    #[serde(rename = "workspace.add_user")]
    WorkspaceAddUser,
    #[serde(rename = "workspace.remove_user")]
    WorkspaceRemoveUser,
    #[serde(rename = "workspace.users")]
    WorkspaceUsers,
}

impl Op {
    /// The operations of the 1.x SDK's `argilla.client.users.User`.
    pub const USER_1X: [Op; 8] = [
        Op::Me,
        Op::List,
        Op::FromName,
        Op::FromId,
        Op::Create,
        Op::Delete,
        Op::Workspaces,
        Op::Construct,
    ];

    pub const ALL: [Op; 14] = [
        Op::Me,
        Op::List,
        Op::FromName,
        Op::FromId,
        Op::Create,
        Op::Delete,
        Op::Workspaces,
        Op::Construct,
        Op::Update,
        Op::WorkspaceCreate,
        Op::WorkspaceDelete,
        Op::WorkspaceAddUser,
        Op::WorkspaceRemoveUser,
        Op::WorkspaceUsers,
    ];
}

/// The generation of the Argilla REST API a client speaks (`api` in the handshake): it decides
/// the paths the journal checks expect and how the runner prepares and inspects the server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Api {
    /// Argilla 1.x: `/api/me`, `/api/users`, … (the 1.x SDK).
    #[default]
    #[serde(rename = "1.x")]
    Argilla1,
    /// Argilla 2.x: everything under `/api/v1` (the 2.x SDK).
    #[serde(rename = "2.x")]
    Argilla2,
}

impl Api {
    /// The prefix of the users routes: `/api` (1.x) or `/api/v1` (2.x).
    pub fn prefix(self) -> &'static str {
        match self {
            Api::Argilla1 => "/api",
            Api::Argilla2 => "/api/v1",
        }
    }
}

/// The error kinds a client's failures are mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    NotFound,
    ServerError,
    Permission,
    Conflict,
    Validation,
    Unauthorized,
    Transport,
    Usage,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 8] = [
        ErrorKind::NotFound,
        ErrorKind::ServerError,
        ErrorKind::Permission,
        ErrorKind::Conflict,
        ErrorKind::Validation,
        ErrorKind::Unauthorized,
        ErrorKind::Transport,
        ErrorKind::Usage,
    ];
}

/// Writes a unit variant as the wire spells it (`user.me`, `not_found`).
fn write_wire_name(value: &impl Serialize, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match serde_json::to_value(value) {
        Ok(Value::String(name)) => f.write_str(&name),
        _ => Err(fmt::Error),
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_wire_name(self, f)
    }
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_wire_name(self, f)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_wire_name(self, f)
    }
}

/// Runner → adapter: one line, tagged by `cmd`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum Request {
    /// The handshake; the adapter answers with a [`Hello`].
    Start { protocol: u64 },
    /// One operation; the adapter answers with a [`Reply`].
    Run(RunRequest),
}

/// The members of a `run` command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRequest {
    pub seq: u64,
    pub case: String,
    pub base_url: String,
    pub api_key: String,
    pub op: Op,
    /// The operation's arguments (PROTOCOL.md lists them per `op`).
    pub args: Value,
}

/// The adapter's handshake answer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Hello {
    pub implementation: Implementation,
    pub features: Vec<Op>,
    /// Absent means `1.x`, so adapters written before 2.x support keep working.
    #[serde(default)]
    pub api: Api,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Implementation {
    pub name: String,
    pub language: String,
    pub version: String,
}

/// A failed operation, as the adapter reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    pub kind: ErrorKind,
    /// The client's own name for the failure (e.g. the exception type).
    pub native: String,
    pub message: String,
}

/// How an operation ended, as the adapter reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Ok(Value),
    Error(Failure),
    Skipped(String),
}

/// Adapter → runner: the answer to a `run`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ReplyLine", into = "ReplyLine")]
pub struct Reply {
    pub seq: u64,
    pub outcome: Outcome,
}

/// A reply as it stands on the wire: `seq` and exactly one of `ok`, `error`, `skipped`.
#[derive(Serialize, Deserialize)]
#[serde(rename = "reply", deny_unknown_fields)]
struct ReplyLine {
    seq: u64,
    // `"ok": null` is a result (delete's), so presence is kept apart from the value.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    ok: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<Failure>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    skipped: Option<String>,
}

fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

impl TryFrom<ReplyLine> for Reply {
    type Error = String;

    fn try_from(line: ReplyLine) -> Result<Reply, String> {
        let outcome = match (line.ok, line.error, line.skipped) {
            (Some(value), None, None) => Outcome::Ok(value),
            (None, Some(failure), None) => Outcome::Error(failure),
            (None, None, Some(why)) => Outcome::Skipped(why),
            (ok, error, skipped) => {
                let present: Vec<&str> = [
                    ("ok", ok.is_some()),
                    ("error", error.is_some()),
                    ("skipped", skipped.is_some()),
                ]
                .into_iter()
                .filter_map(|(name, there)| there.then_some(name))
                .collect();
                return Err(format!(
                    "reply must have exactly one of `ok`, `error`, `skipped`, has {present:?}"
                ));
            }
        };
        Ok(Reply {
            seq: line.seq,
            outcome,
        })
    }
}

impl From<Reply> for ReplyLine {
    fn from(reply: Reply) -> ReplyLine {
        let mut line = ReplyLine {
            seq: reply.seq,
            ok: None,
            error: None,
            skipped: None,
        };
        match reply.outcome {
            Outcome::Ok(value) => line.ok = Some(value),
            Outcome::Error(failure) => line.error = Some(failure),
            Outcome::Skipped(why) => line.skipped = Some(why),
        }
        line
    }
}

/// Checks and decodes a reply line; the error says what is wrong with it.
pub fn parse_reply(line: &str) -> Result<Reply, String> {
    serde_json::from_str(line).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => {
            format!("reply does not follow the protocol ({e}): {line:?}")
        }
        _ => format!("reply is not JSON ({e}): {line:?}"),
    })
}

/// Checks and decodes the handshake answer.
pub fn parse_hello(line: &str) -> Result<Hello, String> {
    serde_json::from_str(line).map_err(|e| format!("handshake answer is invalid ({e}): {line:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_validated() {
        assert_eq!(
            parse_reply(r#"{"seq":1,"ok":null}"#),
            Ok(Reply {
                seq: 1,
                outcome: Outcome::Ok(Value::Null)
            })
        );
        assert_eq!(
            parse_reply(
                r#"{"seq":2,"error":{"kind":"not_found","native":"ValueError","message":"x"}}"#
            )
            .map(|r| r.outcome),
            Ok(Outcome::Error(Failure {
                kind: ErrorKind::NotFound,
                native: "ValueError".into(),
                message: "x".into()
            }))
        );
        assert!(
            parse_reply(r#"{"seq":1,"error":{"kind":"oops","native":"E","message":"x"}}"#).is_err()
        );
        assert!(parse_reply(r#"{"seq":1,"error":{"kind":"usage","native":"E"}}"#).is_err());
        assert!(parse_reply(r#"{"seq":1,"skipped":3}"#).is_err());
        assert!(parse_reply(r#"{"seq":1,"ok":1,"skipped":"x"}"#).is_err());
        assert!(parse_reply(r#"{"seq":1}"#).is_err());
        assert!(parse_reply(r#"{"ok":1}"#).is_err());
        assert!(parse_reply(r#"[1]"#).is_err());
        assert!(parse_reply(r#"{"seq":-1,"ok":1}"#).is_err());
        assert!(parse_reply("not json")
            .expect_err("refused")
            .starts_with("reply is not JSON"));
        assert!(parse_reply(r#"{"seq":1,"ok":1,"extra":2}"#).is_err());
    }

    #[test]
    fn messages_keep_their_wire_form() {
        let start = Request::Start {
            protocol: PROTOCOL_VERSION,
        };
        assert_eq!(
            serde_json::to_string(&start).expect("valid"),
            r#"{"cmd":"start","protocol":1}"#
        );
        let run = Request::Run(RunRequest {
            seq: 7,
            case: "from_name.missing".into(),
            base_url: "http://h/ns/x".into(),
            api_key: "k".into(),
            op: Op::FromName,
            args: serde_json::json!({"name": "n"}),
        });
        let line = r#"{"cmd":"run","seq":7,"case":"from_name.missing","base_url":"http://h/ns/x","api_key":"k","op":"user.from_name","args":{"name":"n"}}"#;
        assert_eq!(serde_json::to_string(&run).expect("valid"), line);
        assert_eq!(serde_json::from_str::<Request>(line).expect("valid"), run);
        let reply = Reply {
            seq: 3,
            outcome: Outcome::Error(Failure {
                kind: ErrorKind::ServerError,
                native: "RuntimeError".into(),
                message: "m".into(),
            }),
        };
        assert_eq!(
            serde_json::to_string(&reply).expect("valid"),
            r#"{"seq":3,"error":{"kind":"server_error","native":"RuntimeError","message":"m"}}"#
        );
        let null = Reply {
            seq: 4,
            outcome: Outcome::Ok(Value::Null),
        };
        assert_eq!(
            serde_json::to_string(&null).expect("valid"),
            r#"{"seq":4,"ok":null}"#
        );
    }

    #[test]
    fn the_schema_lists_exactly_these_operations_and_error_kinds() {
        let schema: Value =
            serde_json::from_str(include_str!("../protocol.schema.json")).expect("valid");
        let names = |v: &Value| -> Vec<Value> { v.as_array().cloned().unwrap_or_default() };
        let ops: Vec<Value> = Op::ALL.iter().map(|o| serde_json::json!(o)).collect();
        assert_eq!(Op::FromName.to_string(), "user.from_name");
        assert_eq!(ErrorKind::NotFound.to_string(), "not_found");
        let kinds: Vec<Value> = ErrorKind::ALL
            .iter()
            .map(|k| serde_json::json!(k))
            .collect();
        let defs = &schema["$defs"];
        assert_eq!(names(&defs["run"]["properties"]["op"]["enum"]), ops);
        assert_eq!(
            names(&defs["hello"]["properties"]["features"]["items"]["enum"]),
            ops
        );
        assert_eq!(
            names(&defs["reply"]["properties"]["error"]["properties"]["kind"]["enum"]),
            kinds
        );
        let apis: Vec<Value> = [Api::Argilla1, Api::Argilla2]
            .iter()
            .map(|a| serde_json::json!(a))
            .collect();
        assert_eq!(names(&defs["hello"]["properties"]["api"]["enum"]), apis);
        assert_eq!(Api::Argilla2.to_string(), "2.x");
    }

    #[test]
    fn a_handshake_without_api_is_a_1x_client() {
        let hello = r#"{"implementation":{"name":"n","language":"l","version":"1"},"features":["user.me"]}"#;
        assert_eq!(parse_hello(hello).map(|h| h.api), Ok(Api::Argilla1));
        let hello = r#"{"implementation":{"name":"n","language":"l","version":"1"},"features":["workspace.users"],"api":"2.x"}"#;
        let hello = parse_hello(hello).expect("valid");
        assert_eq!(
            (hello.api, hello.features),
            (Api::Argilla2, vec![Op::WorkspaceUsers])
        );
        assert!(parse_hello(r#"{"implementation":{"name":"n","language":"l","version":"1"},"features":[],"api":"3.x"}"#).is_err());
    }
}
