//! The judges of a case: the outcome the adapter reported, the server's state afterwards, and
//! the requests the client sent (read from argilla-mock's journal). Each returns what is wrong,
//! in words a failing case's report can show as they are.

use serde_json::Value;

use super::target::{Prepared, State};
use crate::cases::{After, Case, Expect, Seen};
use crate::protocol::{Failure, Outcome};

/// The outcome against the case's expectation.
pub(super) fn outcome(
    expect: &Expect,
    outcome: &Outcome,
    prepared: &Prepared,
) -> Result<(), String> {
    let got = describe(outcome);
    match (expect, outcome) {
        (Expect::Error(kind), Outcome::Error(failure)) if *kind == failure.kind => Ok(()),
        (Expect::Error(kind), _) => Err(format!("expected error {kind}, got {got}")),
        (_, Outcome::Error(_) | Outcome::Skipped(_)) => Err(format!("expected success, got {got}")),
        (Expect::Nothing, Outcome::Ok(Value::Null)) => Ok(()),
        (Expect::Nothing, Outcome::Ok(_)) => Err(format!("expected null, got {got}")),
        (Expect::User { username, role }, Outcome::Ok(user)) => {
            let want = prepared.fill(username);
            if user["username"] == want.as_str() && user["role"] == *role {
                Ok(())
            } else {
                Err(format!(
                    "expected user {want:?} with role {role}, got {got}"
                ))
            }
        }
        (Expect::Workspace(name), Outcome::Ok(workspace)) => {
            let want = prepared.fill(name);
            if workspace["name"] == want.as_str() && workspace["id"].is_string() {
                Ok(())
            } else {
                Err(format!("expected workspace {want:?} with an id, got {got}"))
            }
        }
        (Expect::UsersWithSubject, Outcome::Ok(users)) => {
            let names: Vec<&str> = users
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|u| u["username"].as_str())
                .collect();
            if names.first() == Some(&"argilla") && names.contains(&prepared.subject.as_str()) {
                Ok(())
            } else {
                Err(format!(
                    "expected users starting with argilla and including {:?}, got {got}",
                    prepared.subject
                ))
            }
        }
        (Expect::Names(want) | Expect::NamesIncluding(want), Outcome::Ok(list)) => {
            let names: Vec<String> = list
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|w| w.as_str().map(str::to_owned))
                .collect();
            let want: Vec<String> = want.iter().map(|w| prepared.fill(w)).collect();
            let ok = match expect {
                Expect::Names(_) => names == want,
                _ => want.iter().all(|w| names.contains(w)),
            };
            if ok {
                Ok(())
            } else {
                Err(format!("expected names {want:?}, got {got}"))
            }
        }
    }
}

fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Ok(v) => format!("ok {v}"),
        Outcome::Error(Failure {
            kind,
            native,
            message,
        }) => format!("error {kind} ({native}: {message})"),
        Outcome::Skipped(why) => format!("skipped ({why})"),
    }
}

/// The server's state afterwards against the case's `after` list.
pub(super) fn state_afterwards(after: &[After], state: &State, prepared: &Prepared) -> Vec<String> {
    let find = |name: &str| {
        state
            .users
            .iter()
            .find(|u| u.username == prepared.fill(name))
    };
    let linked = |name: &str, workspace: &str| {
        find(name)
            .and_then(|u| u.workspaces.as_ref())
            .is_some_and(|w| w.iter().any(|w| *w == prepared.fill(workspace)))
    };
    let has_workspace = |name: &str| state.workspaces.contains(&prepared.fill(name));
    let mut problems = Vec::new();
    for check in after {
        let (name, workspace) = match check {
            After::UserExists(name)
            | After::UserAbsent(name)
            | After::UserField(name, ..)
            | After::CanLogIn(name, _) => (prepared.fill(name), String::new()),
            After::UserInWorkspace(name, workspace)
            | After::UserNotInWorkspace(name, workspace) => {
                (prepared.fill(name), prepared.fill(workspace))
            }
            After::WorkspaceExists(workspace) | After::WorkspaceAbsent(workspace) => {
                (String::new(), prepared.fill(workspace))
            }
        };
        let problem = match check {
            After::UserExists(n) if find(n).is_none() => {
                format!("user {name:?} should exist afterwards")
            }
            After::UserAbsent(n) if find(n).is_some() => {
                format!("user {name:?} should not exist afterwards")
            }
            After::UserInWorkspace(n, w) if !linked(n, w) => {
                format!("user {name:?} should be linked to workspace {workspace:?}")
            }
            After::UserNotInWorkspace(n, w) if linked(n, w) => {
                format!("user {name:?} should not be linked to workspace {workspace:?}")
            }
            After::UserField(n, field, want) => {
                let got = find(n).and_then(|u| match *field {
                    "first_name" => u.first_name.as_deref(),
                    "last_name" => u.last_name.as_deref(),
                    "role" => u.role.as_deref(),
                    _ => None,
                });
                if find(n).is_some() && got == *want {
                    continue;
                }
                format!("user {name:?} should have {field} {want:?} afterwards, has {got:?}")
            }
            After::CanLogIn(_, password)
                if !state.logins.iter().any(|l| l.0 == name && l.1 == *password) =>
            {
                format!("user {name:?} should log in with password {password:?} afterwards")
            }
            After::WorkspaceExists(w) if !has_workspace(w) => {
                format!("workspace {workspace:?} should exist afterwards")
            }
            After::WorkspaceAbsent(w) if has_workspace(w) => {
                format!("workspace {workspace:?} should not exist afterwards")
            }
            _ => continue,
        };
        problems.push(problem);
    }
    problems
}

/// The journal checks every case gets (HTTP-HYGIENE), plus the case's own `seen` list.
pub(super) fn journal(case: &Case, exchanges: &[Value], prepared: &Prepared) -> Vec<String> {
    let mut problems = Vec::new();
    let path_of = |e: &Value| e["path"].as_str().unwrap_or_default().to_owned();
    let method_of = |e: &Value| e["method"].as_str().unwrap_or_default().to_owned();
    let matches = |e: &Value, method: &str, path: &str| {
        let path = prepared.fill(path);
        method_of(e) == method
            && match path.strip_suffix("/*") {
                Some(prefix) => path_of(e).starts_with(&format!("{prefix}/")),
                None => path_of(e) == path,
            }
    };
    for seen in &case.seen {
        match seen {
            Seen::Request(method, path) if !exchanges.iter().any(|e| matches(e, method, path)) => {
                problems.push(format!(
                    "the client never sent {method} {}",
                    prepared.fill(path)
                ));
            }
            Seen::NoRequest(method, path) if exchanges.iter().any(|e| matches(e, method, path)) => {
                problems.push(format!(
                    "the client sent {method} {} but must not",
                    prepared.fill(path)
                ));
            }
            _ => {}
        }
    }
    for e in exchanges {
        let path = path_of(e);
        let has_key = e["headers"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|h| h[0] == "x-argilla-api-key");
        if !has_key && path != "/api/_info" && path != "/api/_status" {
            problems.push(format!(
                "{} {path} was sent without X-Argilla-Api-Key",
                method_of(e)
            ));
        }
    }
    for (i, e) in exchanges.iter().enumerate() {
        let refused = e["status"]
            .as_u64()
            .is_some_and(|s| (400..500).contains(&s));
        if refused
            && exchanges[i + 1..]
                .iter()
                .any(|later| method_of(later) == method_of(e) && path_of(later) == path_of(e))
        {
            problems.push(format!(
                "{} {} was sent again after a {}",
                method_of(e),
                path_of(e),
                e["status"]
            ));
            break;
        }
    }
    problems.dedup();
    problems
}
