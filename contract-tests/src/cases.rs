//! The contract cases: each one operation, the state it starts from, and what must come of it.
//! Every case cites a behaviour of `behaviors.toml`.

use serde_json::{json, Value};

/// The user a case creates before it runs (a unique name, so cases never collide).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Setup {
    Nothing,
    /// A user with this role, linked to a new workspace of its own and to `argilla`.
    Subject(&'static str),
    /// A user that was created and then deleted (its key no longer works).
    DeletedSubject,
}

/// Whose API key the operation uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Key {
    Owner,
    Subject,
    Wrong,
}

/// Where the operation is sent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Base {
    Server,
    /// A loopback port nothing listens on.
    Unreachable,
}

/// What the operation must return.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// A user with this username (`{subject}` for the created one) and role.
    User {
        username: &'static str,
        role: &'static str,
    },
    /// A list of users starting with `argilla` and including the subject.
    UsersWithSubject,
    /// Nothing (`null`).
    Nothing,
    /// Workspace names: exactly these (`{workspace}` is the subject's own).
    Workspaces(&'static [&'static str]),
    /// Workspace names including these.
    WorkspacesIncluding(&'static [&'static str]),
    /// A failure of this kind.
    Error(&'static str),
}

/// What the server must (not) have seen, read from its journal (argilla-mock only).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Seen {
    /// A request with this method and path (`{subject_id}` allowed).
    Request(&'static str, &'static str),
    /// No request with this method and path.
    NoRequest(&'static str, &'static str),
}

/// What must hold on the server afterwards (checked through the API, on any server).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum After {
    UserExists(&'static str),
    UserAbsent(&'static str),
    /// The user is linked to this workspace.
    UserInWorkspace(&'static str, &'static str),
}

#[derive(Debug, Clone)]
pub struct Case {
    pub id: &'static str,
    pub behavior: &'static str,
    pub op: &'static str,
    /// Arguments; strings `{subject}`, `{subject_id}`, `{workspace}`, `{new_name}` are filled in.
    pub args: Value,
    pub setup: Setup,
    pub key: Key,
    pub base: Base,
    /// A fault rule for argilla-mock's admin API (the case is skipped on other servers).
    pub fault: Option<Value>,
    pub expect: Expect,
    pub seen: Vec<Seen>,
    pub after: Vec<After>,
}

impl Case {
    fn new(
        id: &'static str,
        behavior: &'static str,
        op: &'static str,
        args: Value,
        expect: Expect,
    ) -> Case {
        Case {
            id,
            behavior,
            op,
            args,
            setup: Setup::Nothing,
            key: Key::Owner,
            base: Base::Server,
            fault: None,
            expect,
            seen: Vec::new(),
            after: Vec::new(),
        }
    }
    fn setup(mut self, setup: Setup) -> Case {
        self.setup = setup;
        self
    }
    fn key(mut self, key: Key) -> Case {
        self.key = key;
        self
    }
    fn base(mut self, base: Base) -> Case {
        self.base = base;
        self
    }
    fn fault(mut self, fault: Value) -> Case {
        self.fault = Some(fault);
        self
    }
    fn seen(mut self, seen: Seen) -> Case {
        self.seen.push(seen);
        self
    }
    fn after(mut self, after: After) -> Case {
        self.after.push(after);
        self
    }
}

/// The whole catalogue of cases, in run order.
pub fn all() -> Vec<Case> {
    use Expect as E;
    let annotator = Setup::Subject("annotator");
    vec![
        Case::new("me.owner", "USER-ME", "user.me", json!({}), E::User { username: "argilla", role: "owner" })
            .seen(Seen::Request("GET", "/api/me")),
        Case::new("me.annotator", "USER-ME", "user.me", json!({}), E::User { username: "{subject}", role: "annotator" })
            .setup(annotator)
            .key(Key::Subject),
        Case::new("list.everyone", "USER-LIST", "user.list", json!({}), E::UsersWithSubject)
            .setup(annotator)
            .seen(Seen::Request("GET", "/api/users")),
        Case::new("from_name.found", "USER-FROM-NAME", "user.from_name", json!({"name": "{subject}"}), E::User { username: "{subject}", role: "admin" })
            .setup(Setup::Subject("admin")),
        Case::new("from_id.found", "USER-FROM-ID", "user.from_id", json!({"id": "{subject_id}"}), E::User { username: "{subject}", role: "annotator" })
            .setup(annotator),
        Case::new("create.annotator", "USER-CREATE", "user.create",
            json!({"username": "{new_name}", "password": "12345678", "first_name": "New", "role": "annotator"}),
            E::User { username: "{new_name}", role: "annotator" })
            .seen(Seen::Request("POST", "/api/users"))
            .after(After::UserExists("{new_name}")),
        Case::new("create.with_workspaces", "USER-CREATE", "user.create",
            json!({"username": "{new_name}", "password": "12345678", "first_name": "New", "role": "admin", "workspaces": ["argilla"]}),
            E::User { username: "{new_name}", role: "admin" })
            .after(After::UserInWorkspace("{new_name}", "argilla")),
        Case::new("delete.existing", "USER-DELETE", "user.delete", json!({"username": "{subject}"}), E::Nothing)
            .setup(annotator)
            .seen(Seen::Request("DELETE", "/api/users/{subject_id}"))
            .after(After::UserAbsent("{subject}")),
        Case::new("workspaces.annotator", "USER-WORKSPACES", "user.workspaces", json!({}), E::Workspaces(&["argilla", "{workspace}"]))
            .setup(annotator)
            .key(Key::Subject),
        Case::new("workspaces.owner", "USER-WORKSPACES", "user.workspaces", json!({}), E::WorkspacesIncluding(&["argilla", "{workspace}"]))
            .setup(annotator),
        Case::new("constructor.refused", "USER-CONSTRUCTOR-REFUSED", "user.construct", json!({"name": "x"}), E::Error("usage"))
            .seen(Seen::NoRequest("GET", "/api/users")),
        Case::new("from_name.missing", "ERR-NOT-FOUND", "user.from_name", json!({"name": "no-such-user"}), E::Error("not_found")),
        Case::new("from_id.missing", "ERR-NOT-FOUND", "user.from_id", json!({"id": "00000000-0000-4000-8000-00000000dead"}), E::Error("not_found")),
        Case::new("delete.missing", "ERR-NOT-FOUND", "user.delete", json!({"username": "no-such-user"}), E::Error("not_found")),
        Case::new("list.server_error", "ERR-SERVER", "user.list", json!({}), E::Error("server_error"))
            .fault(json!({"method": "GET", "path": "/api/users", "status": 500})),
        Case::new("list.connection_reset", "ERR-SERVER", "user.list", json!({}), E::Error("server_error"))
            .fault(json!({"method": "GET", "path": "/api/users", "fault": "connection_reset"})),
        Case::new("me.server_error", "ERR-SERVER", "user.me", json!({}), E::Error("server_error"))
            .fault(json!({"method": "GET", "path": "/api/me", "status": 500})),
        Case::new("me.malformed_body", "ERR-SERVER", "user.me", json!({}), E::Error("server_error"))
            .fault(json!({"method": "GET", "path": "/api/me", "fault": "malformed_body"})),
        Case::new("create.server_error", "ERR-SERVER", "user.create",
            json!({"username": "{new_name}", "password": "12345678", "first_name": "New"}), E::Error("server_error"))
            .fault(json!({"method": "POST", "path": "/api/users", "status": 500, "times": 1}))
            .after(After::UserAbsent("{new_name}")),
        Case::new("list.annotator_refused", "ERR-PERMISSION", "user.list", json!({}), E::Error("permission"))
            .setup(annotator)
            .key(Key::Subject),
        Case::new("create.admin_refused", "ERR-PERMISSION", "user.create",
            json!({"username": "{new_name}", "password": "12345678", "first_name": "New"}), E::Error("permission"))
            .setup(Setup::Subject("admin"))
            .key(Key::Subject)
            .after(After::UserAbsent("{new_name}")),
        Case::new("delete.annotator_refused", "ERR-PERMISSION", "user.delete", json!({"username": "argilla"}), E::Error("permission"))
            .setup(annotator)
            .key(Key::Subject)
            .seen(Seen::NoRequest("DELETE", "/api/users/*"))
            .after(After::UserExists("argilla")),
        Case::new("create.duplicate", "ERR-CONFLICT", "user.create",
            json!({"username": "{subject}", "password": "12345678", "first_name": "Dup"}), E::Error("conflict"))
            .setup(annotator),
        Case::new("create.short_password", "ERR-VALIDATION", "user.create",
            json!({"username": "{new_name}", "password": "short", "first_name": "New"}), E::Error("validation"))
            .after(After::UserAbsent("{new_name}")),
        Case::new("create.bad_username", "ERR-VALIDATION", "user.create",
            json!({"username": "Not Valid", "password": "12345678", "first_name": "New"}), E::Error("validation")),
        Case::new("create.unknown_workspace", "ERR-VALIDATION", "user.create",
            json!({"username": "{new_name}", "password": "12345678", "first_name": "New", "workspaces": ["no-such-workspace"]}), E::Error("validation"))
            .after(After::UserAbsent("{new_name}")),
        Case::new("me.wrong_key", "ERR-UNAUTHORIZED", "user.me", json!({}), E::Error("unauthorized"))
            .key(Key::Wrong),
        Case::new("me.deleted_key", "ERR-UNAUTHORIZED", "user.me", json!({}), E::Error("unauthorized"))
            .setup(Setup::DeletedSubject)
            .key(Key::Subject),
        Case::new("me.unreachable", "ERR-TRANSPORT", "user.me", json!({}), E::Error("transport"))
            .base(Base::Unreachable),
        Case::new("hygiene.key_header", "HTTP-HYGIENE", "user.from_name", json!({"name": "argilla"}), E::User { username: "argilla", role: "owner" })
            .seen(Seen::Request("GET", "/api/users")),
        Case::new("hygiene.no_retry_after_409", "HTTP-HYGIENE", "user.create",
            json!({"username": "argilla", "password": "12345678", "first_name": "Dup"}), E::Error("conflict")),
        Case::new("hygiene.no_retry_after_401", "HTTP-HYGIENE", "user.me", json!({}), E::Error("unauthorized"))
            .key(Key::Wrong),
    ]
}
