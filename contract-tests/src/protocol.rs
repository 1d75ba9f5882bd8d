//! The adapter protocol: newline-delimited JSON on the adapter's stdin and stdout
//! (specified in PROTOCOL.md and protocol.schema.json).

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const PROTOCOL_VERSION: u64 = 1;

/// The error kinds a client's failures are mapped to.
pub const ERROR_KINDS: [&str; 8] = [
    "not_found",
    "server_error",
    "permission",
    "conflict",
    "validation",
    "unauthorized",
    "transport",
    "usage",
];

/// The operations a case may ask for.
pub const OPERATIONS: [&str; 8] = [
    "user.me",
    "user.list",
    "user.from_name",
    "user.from_id",
    "user.create",
    "user.delete",
    "user.workspaces",
    "user.construct",
];

/// Runner → adapter: one operation.
#[derive(Debug, Clone, Serialize)]
pub struct RunRequest {
    pub cmd: &'static str,
    pub seq: u64,
    pub case: String,
    pub base_url: String,
    pub api_key: String,
    pub op: String,
    pub args: Value,
}

/// The adapter's handshake answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Hello {
    pub implementation: Implementation,
    pub features: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Implementation {
    pub name: String,
    pub language: String,
    pub version: String,
}

/// How an operation ended, as the adapter reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Ok(Value),
    Error {
        kind: String,
        native: String,
        message: String,
    },
    Skipped(String),
}

/// A reply to a `run`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub seq: u64,
    pub outcome: Outcome,
}

/// Checks and decodes a reply line; the error says what is wrong with it.
pub fn parse_reply(line: &str) -> Result<Reply, String> {
    let value: Value =
        serde_json::from_str(line).map_err(|e| format!("reply is not JSON ({e}): {line:?}"))?;
    let object = value
        .as_object()
        .ok_or_else(|| format!("reply is not a JSON object: {line:?}"))?;
    let seq = object
        .get("seq")
        .and_then(Value::as_u64)
        .ok_or_else(|| format!("reply has no integer `seq`: {line:?}"))?;
    let present: Vec<&str> = ["ok", "error", "skipped"]
        .into_iter()
        .filter(|k| object.contains_key(*k))
        .collect();
    if present.len() != 1 {
        return Err(format!(
            "reply must have exactly one of `ok`, `error`, `skipped`, has {present:?}: {line:?}"
        ));
    }
    if let Some(extra) = object
        .keys()
        .find(|k| !["seq", "ok", "error", "skipped"].contains(&k.as_str()))
    {
        return Err(format!("reply has an unknown member `{extra}`: {line:?}"));
    }
    let outcome = match present[0] {
        "ok" => Outcome::Ok(object["ok"].clone()),
        "skipped" => Outcome::Skipped(
            object["skipped"]
                .as_str()
                .ok_or_else(|| format!("`skipped` must be a string: {line:?}"))?
                .to_owned(),
        ),
        _ => {
            let error = object["error"]
                .as_object()
                .ok_or_else(|| format!("`error` must be an object: {line:?}"))?;
            let text = |key: &str| -> Result<String, String> {
                error
                    .get(key)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| format!("`error.{key}` must be a string: {line:?}"))
            };
            let kind = text("kind")?;
            if !ERROR_KINDS.contains(&kind.as_str()) {
                return Err(format!(
                    "`error.kind` {kind:?} is not one of {ERROR_KINDS:?}"
                ));
            }
            Outcome::Error {
                kind,
                native: text("native")?,
                message: text("message")?,
            }
        }
    };
    Ok(Reply { seq, outcome })
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
        assert!(parse_reply(
            r#"{"seq":1,"error":{"kind":"not_found","native":"ValueError","message":"x"}}"#
        )
        .is_ok());
        assert!(
            parse_reply(r#"{"seq":1,"error":{"kind":"oops","native":"E","message":"x"}}"#).is_err()
        );
        assert!(parse_reply(r#"{"seq":1,"ok":1,"skipped":"x"}"#).is_err());
        assert!(parse_reply(r#"{"ok":1}"#).is_err());
        assert!(parse_reply("not json").is_err());
        assert!(parse_reply(r#"{"seq":1,"ok":1,"extra":2}"#).is_err());
    }
}
