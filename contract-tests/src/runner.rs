//! Runs the cases through an adapter against a server and judges each one: the outcome the
//! adapter reports, the server's state afterwards, and (on argilla-mock) the requests the
//! client actually sent, read from the server's journal.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::adapter::Adapter;
use crate::cases::{After, Base, Case, Expect, Key, Seen, Setup};
use crate::protocol::{Outcome, RunRequest};

const OWNER_KEY: &str = "argilla.apikey";
const UNREACHABLE_URL: &str = "http://127.0.0.1:9";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    Skipped,
}

#[derive(Debug, Clone)]
pub struct CaseResult {
    pub id: String,
    pub behavior: String,
    pub status: Status,
    pub message: String,
    pub duration: Duration,
    /// The requests the server saw for the case (argilla-mock only), for `--trace`.
    pub exchanges: Vec<Value>,
}

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub client: String,
    /// Base URL of the server under test.
    pub server_url: String,
    pub known_failing: HashSet<String>,
    pub filter: Option<String>,
    pub timeout: Duration,
}

/// Runs every selected case, restarting the adapter after a harness error.
pub async fn run(options: &RunOptions) -> anyhow::Result<Vec<CaseResult>> {
    let target = Target::connect(&options.server_url).await;
    let cases: Vec<Case> = crate::cases::all()
        .into_iter()
        // A filter naming a case exactly selects that case alone; otherwise it is a substring.
        .filter(|c| match options.filter.as_deref() {
            None => true,
            Some(f) if crate::cases::all().iter().any(|k| k.id == f) => c.id == f,
            Some(f) => c.id.contains(f) || c.behavior.contains(f),
        })
        .collect();
    let run_id = &uuid::Uuid::new_v4().simple().to_string()[..8];
    let mut adapter: Option<Adapter> = None;
    let mut results = Vec::new();
    for (n, case) in cases.iter().enumerate() {
        let started = Instant::now();
        if adapter.is_none() {
            match Adapter::start(&options.client, options.timeout).await {
                Ok(a) => adapter = Some(a),
                Err(e) => {
                    results.push(result(
                        case,
                        Status::Failed,
                        format!("harness error: {e}"),
                        started,
                        Vec::new(),
                    ));
                    continue;
                }
            }
        }
        let Some(running) = adapter.as_mut() else {
            continue;
        };
        let judged = run_case(
            &target,
            running,
            case,
            &format!("{run_id}-{n}"),
            options.timeout,
        )
        .await;
        let (mut status, mut message, exchanges) = match judged {
            Judged::Pass(exchanges) => (Status::Passed, String::new(), exchanges),
            Judged::Fail(why, exchanges) => (Status::Failed, why, exchanges),
            Judged::Skip(why) => (Status::Skipped, why, Vec::new()),
            Judged::Harness(why) => {
                // The adapter crashed, hung or spoke nonsense: start a fresh one for the next case.
                if let Some(broken) = adapter.take() {
                    broken.kill().await;
                }
                (Status::Failed, format!("harness error: {why}"), Vec::new())
            }
        };
        if options.known_failing.contains(case.id) {
            (status, message) = match status {
                Status::Failed => (Status::Passed, format!("known failure: {message}")),
                Status::Passed => (
                    Status::Failed,
                    "listed as known-failing but passed: remove it from the list".into(),
                ),
                Status::Skipped => (Status::Skipped, message),
            };
        }
        results.push(result(case, status, message, started, exchanges));
    }
    if let Some(adapter) = adapter {
        adapter.close().await;
    }
    Ok(results)
}

fn result(
    case: &Case,
    status: Status,
    message: String,
    started: Instant,
    exchanges: Vec<Value>,
) -> CaseResult {
    CaseResult {
        id: case.id.to_owned(),
        behavior: case.behavior.to_owned(),
        status,
        message,
        duration: started.elapsed(),
        exchanges,
    }
}

enum Judged {
    Pass(Vec<Value>),
    Fail(String, Vec<Value>),
    Skip(String),
    Harness(String),
}

/// The server under test, and whether it has argilla-mock's admin API.
struct Target {
    url: String,
    admin: bool,
    http: reqwest::Client,
}

/// What a case was prepared with.
#[derive(Debug, Default)]
struct Prepared {
    base: String,
    subject: String,
    subject_id: String,
    subject_key: String,
    workspace: String,
    new_name: String,
    journal_mark: u64,
}

impl Prepared {
    fn fill(&self, text: &str) -> String {
        text.replace("{subject_id}", &self.subject_id)
            .replace("{subject}", &self.subject)
            .replace("{workspace}", &self.workspace)
            .replace("{new_name}", &self.new_name)
    }

    fn fill_value(&self, value: &Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.fill(s)),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.fill_value(v)).collect()),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.fill_value(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

impl Target {
    async fn connect(url: &str) -> Target {
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap_or_default();
        let url = url.trim_end_matches('/').to_owned();
        // The real server answers unknown GETs with its web UI (200 HTML): look for our JSON.
        let admin = match http.get(format!("{url}/__mock/namespaces")).send().await {
            Ok(r) if r.status().is_success() => r
                .json::<Value>()
                .await
                .is_ok_and(|v| v["namespaces"].is_array()),
            _ => false,
        };
        Target { url, admin, http }
    }

    /// A fresh namespace per case on argilla-mock; the server itself elsewhere.
    fn base_for(&self, tag: &str) -> String {
        if self.admin {
            format!("{}/ns/contract-{tag}", self.url)
        } else {
            self.url.clone()
        }
    }

    async fn call(
        &self,
        method: reqwest::Method,
        url: String,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let mut request = self
            .http
            .request(method.clone(), &url)
            .header("X-Argilla-Api-Key", OWNER_KEY);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| format!("{method} {url}: {e}"))?;
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            Ok(value)
        } else {
            Err(format!("{method} {url} answered {status}: {value}"))
        }
    }

    async fn prepare(&self, case: &Case, tag: &str) -> Result<Prepared, String> {
        let base = self.base_for(tag);
        let short = tag.replace('-', "");
        let mut prepared = Prepared {
            base: base.clone(),
            new_name: format!("ct{short}-new"),
            ..Prepared::default()
        };
        if let Setup::Subject(_) | Setup::DeletedSubject = case.setup {
            let role = match case.setup {
                Setup::Subject(role) => role,
                _ => "annotator",
            };
            prepared.workspace = format!("ct{short}-ws");
            self.call(
                reqwest::Method::POST,
                format!("{base}/api/workspaces"),
                Some(json!({"name": prepared.workspace})),
            )
            .await?;
            prepared.subject = format!("ct{short}-user");
            let user = self
                .call(
                    reqwest::Method::POST,
                    format!("{base}/api/users"),
                    Some(json!({"first_name": "Contract", "username": prepared.subject, "password": "12345678",
                                "role": role, "workspaces": ["argilla", prepared.workspace]})),
                )
                .await?;
            prepared.subject_id = user["id"].as_str().unwrap_or_default().to_owned();
            prepared.subject_key = user["api_key"].as_str().unwrap_or_default().to_owned();
            if case.setup == Setup::DeletedSubject {
                self.call(
                    reqwest::Method::DELETE,
                    format!("{base}/api/users/{}", prepared.subject_id),
                    None,
                )
                .await?;
            }
        }
        if let Some(fault) = &case.fault {
            self.call(
                reqwest::Method::POST,
                format!("{base}/__mock/faults"),
                Some(fault.clone()),
            )
            .await?;
        }
        if self.admin {
            prepared.journal_mark = self
                .journal(&base, 0)
                .await?
                .last()
                .and_then(|e| e["seq"].as_u64())
                .unwrap_or(0);
        }
        Ok(prepared)
    }

    async fn journal(&self, base: &str, since: u64) -> Result<Vec<Value>, String> {
        let body = self
            .call(
                reqwest::Method::GET,
                format!("{base}/__mock/requests?since={since}"),
                None,
            )
            .await?;
        Ok(body["requests"].as_array().cloned().unwrap_or_default())
    }

    /// Every user's name and workspace names, as the owner sees them.
    async fn users(&self, base: &str) -> Result<Vec<(String, Vec<String>)>, String> {
        let users = self
            .call(reqwest::Method::GET, format!("{base}/api/users"), None)
            .await?;
        Ok(users
            .as_array()
            .into_iter()
            .flatten()
            .map(|u| {
                let name = u["username"].as_str().unwrap_or_default().to_owned();
                let workspaces = u["workspaces"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|w| w.as_str().map(str::to_owned))
                    .collect();
                (name, workspaces)
            })
            .collect())
    }
}

async fn run_case(
    target: &Target,
    adapter: &mut Adapter,
    case: &Case,
    tag: &str,
    timeout: Duration,
) -> Judged {
    if case.fault.is_some() && !target.admin {
        return Judged::Skip("needs argilla-mock's admin API for fault injection".into());
    }
    let prepared = match target.prepare(case, tag).await {
        Ok(p) => p,
        Err(e) => return Judged::Fail(format!("could not prepare the case: {e}"), Vec::new()),
    };
    let request = RunRequest {
        cmd: "run",
        seq: 0,
        case: case.id.to_owned(),
        base_url: match case.base {
            Base::Server => prepared.base.clone(),
            Base::Unreachable => UNREACHABLE_URL.to_owned(),
        },
        api_key: match case.key {
            Key::Owner => OWNER_KEY.to_owned(),
            Key::Subject => prepared.subject_key.clone(),
            Key::Wrong => "not-a-valid-key".to_owned(),
        },
        op: case.op.to_owned(),
        args: prepared.fill_value(&case.args),
    };
    let outcome = match adapter.run(request, timeout).await {
        Ok(outcome) => outcome,
        Err(e) => return Judged::Harness(e),
    };
    let exchanges = if target.admin {
        target
            .journal(&prepared.base, prepared.journal_mark)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    if target.admin {
        // Faults must not disturb the checks below.
        let _ = target
            .call(
                reqwest::Method::DELETE,
                format!("{}/__mock/faults", prepared.base),
                None,
            )
            .await;
    }
    let mut problems = Vec::new();
    match &outcome {
        Outcome::Skipped(why) => return Judged::Skip(format!("adapter skipped: {why}")),
        outcome => {
            if let Err(e) = check_outcome(&case.expect, outcome, &prepared) {
                problems.push(e);
            }
        }
    }
    if target.admin {
        problems.extend(check_exchanges(case, &exchanges, &prepared));
    }
    for after in &case.after {
        match target.users(&prepared.base).await {
            Err(e) => problems.push(format!("could not check the state afterwards: {e}")),
            Ok(users) => {
                let find = |name: &str| users.iter().find(|(n, _)| *n == prepared.fill(name));
                match after {
                    After::UserExists(name) if find(name).is_none() => {
                        problems.push(format!(
                            "user {:?} should exist afterwards",
                            prepared.fill(name)
                        ));
                    }
                    After::UserAbsent(name) if find(name).is_some() => {
                        problems.push(format!(
                            "user {:?} should not exist afterwards",
                            prepared.fill(name)
                        ));
                    }
                    After::UserInWorkspace(name, workspace)
                        if !find(name).is_some_and(|(_, w)| w.iter().any(|w| w == workspace)) =>
                    {
                        problems.push(format!(
                            "user {:?} should be linked to workspace {workspace:?}",
                            prepared.fill(name)
                        ));
                    }
                    _ => {}
                }
            }
        }
    }
    if problems.is_empty() {
        Judged::Pass(exchanges)
    } else {
        Judged::Fail(problems.join("; "), exchanges)
    }
}

fn check_outcome(expect: &Expect, outcome: &Outcome, prepared: &Prepared) -> Result<(), String> {
    let describe = |o: &Outcome| match o {
        Outcome::Ok(v) => format!("ok {v}"),
        Outcome::Error {
            kind,
            native,
            message,
        } => format!("error {kind} ({native}: {message})"),
        Outcome::Skipped(why) => format!("skipped ({why})"),
    };
    let got = describe(outcome);
    match (expect, outcome) {
        (Expect::Error(kind), Outcome::Error { kind: got_kind, .. }) if kind == got_kind => Ok(()),
        (Expect::Error(kind), _) => Err(format!("expected error {kind}, got {got}")),
        (_, Outcome::Error { .. } | Outcome::Skipped(_)) => {
            Err(format!("expected success, got {got}"))
        }
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
        (Expect::Workspaces(want) | Expect::WorkspacesIncluding(want), Outcome::Ok(list)) => {
            let names: Vec<String> = list
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|w| w.as_str().map(str::to_owned))
                .collect();
            let want: Vec<String> = want.iter().map(|w| prepared.fill(w)).collect();
            let ok = match expect {
                Expect::Workspaces(_) => names == want,
                _ => want.iter().all(|w| names.contains(w)),
            };
            if ok {
                Ok(())
            } else {
                Err(format!("expected workspaces {want:?}, got {got}"))
            }
        }
    }
}

/// The journal checks every case gets (HTTP-HYGIENE), plus the case's own.
fn check_exchanges(case: &Case, exchanges: &[Value], prepared: &Prepared) -> Vec<String> {
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
