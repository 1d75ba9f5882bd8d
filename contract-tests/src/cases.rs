//! The contract cases: each one operation, the state it starts from, and what must come of it.
//! Every case cites a behaviour of `behaviors.toml`.

use argilla_mock::{Fault, FaultSpec};
use serde_json::{json, Value};

use crate::protocol::{Api, ErrorKind, Op};

/// The user a case creates before it runs (a unique name, so cases never collide).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Setup {
    Nothing,
    /// A user with this role, linked to a new workspace of its own and to `argilla`.
    Subject(&'static str),
    /// A user with this role and a new workspace, not linked to each other nor to `argilla`.
    Unlinked(&'static str),
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
    /// A workspace with this name.
    Workspace(&'static str),
    /// Nothing (`null`).
    Nothing,
    /// Names (of workspaces or users): exactly these (`{workspace}` is the subject's own).
    Names(&'static [&'static str]),
    /// Names including these.
    NamesIncluding(&'static [&'static str]),
    /// A failure of this kind.
    Error(ErrorKind),
}

/// What the server must (not) have seen, read from its journal (argilla-mock only).
/// Paths may start with `{api}`: `/api` for a 1.x client, `/api/v1` for a 2.x one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Seen {
    /// A request with this method and path (`{subject_id}` allowed; a final `/*` is any id).
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
    /// The user is not linked to this workspace.
    UserNotInWorkspace(&'static str, &'static str),
    /// The user's `first_name`, `last_name` or `role` has this value (`None`: null or absent).
    UserField(&'static str, &'static str, Option<&'static str>),
    /// The user can log in with this password (a token from the login route).
    CanLogIn(&'static str, &'static str),
    WorkspaceExists(&'static str),
    WorkspaceAbsent(&'static str),
}

#[derive(Debug, Clone)]
pub struct Case {
    pub id: &'static str,
    pub behavior: &'static str,
    pub op: Op,
    /// Arguments; strings `{subject}`, `{subject_id}`, `{workspace}`, `{new_name}` are filled in.
    pub args: Value,
    pub setup: Setup,
    pub key: Key,
    pub base: Base,
    /// A fault rule for argilla-mock's admin API (the case is skipped on other servers).
    pub fault: Option<FaultSpec>,
    pub expect: Expect,
    pub seen: Vec<Seen>,
    pub after: Vec<After>,
    /// The API generation the case applies to alone, and why (other clients skip it).
    pub only: Option<(Api, &'static str)>,
}

impl Case {
    fn new(id: &'static str, behavior: &'static str, op: Op, args: Value, expect: Expect) -> Case {
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
            only: None,
        }
    }
    fn only(mut self, api: Api, why: &'static str) -> Case {
        self.only = Some((api, why));
        self
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
    fn fault(mut self, fault: FaultSpec) -> Case {
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

/// A fault rule answering `method path` with `status` (Argilla's error envelope).
fn answer(method: &str, path: &str, status: u16) -> FaultSpec {
    FaultSpec {
        status: Some(status),
        ..rule(method, path)
    }
}

/// A fault rule breaking the answer to `method path` (a reset connection, a cut body, …).
fn break_connection(method: &str, path: &str, fault: Fault) -> FaultSpec {
    FaultSpec {
        fault: Some(fault),
        ..rule(method, path)
    }
}

/// A fault rule matching `method path` that does nothing yet.
fn rule(method: &str, path: &str) -> FaultSpec {
    FaultSpec {
        method: Some(method.to_owned()),
        path: Some(path.to_owned()),
        header: None,
        status: None,
        body: None,
        retry_after: None,
        delay_ms: None,
        fault: None,
        times: None,
        probability: None,
        seed: None,
    }
}

/// The whole catalogue of cases, in run order: the one list every test and report derives from.
pub fn all() -> Vec<Case> {
    use ErrorKind as K;
    use Expect as E;
    let annotator = Setup::Subject("annotator");
    vec![
        Case::new("me.owner", "USER-ME", Op::Me, json!({}), E::User { username: "argilla", role: "owner" })
            .seen(Seen::Request("GET", "{api}/me")),
        Case::new("me.annotator", "USER-ME", Op::Me, json!({}), E::User { username: "{subject}", role: "annotator" })
            .setup(annotator)
            .key(Key::Subject),
        Case::new("list.everyone", "USER-LIST", Op::List, json!({}), E::UsersWithSubject)
            .setup(annotator)
            .seen(Seen::Request("GET", "{api}/users")),
        Case::new("from_name.found", "USER-FROM-NAME", Op::FromName, json!({"name": "{subject}"}), E::User { username: "{subject}", role: "admin" })
            .setup(Setup::Subject("admin")),
        Case::new("from_id.found", "USER-FROM-ID", Op::FromId, json!({"id": "{subject_id}"}), E::User { username: "{subject}", role: "annotator" })
            .setup(annotator),
        Case::new("create.annotator", "USER-CREATE", Op::Create,
            json!({"username": "{new_name}", "password": "12345678", "first_name": "New", "role": "annotator"}),
            E::User { username: "{new_name}", role: "annotator" })
            .seen(Seen::Request("POST", "{api}/users"))
            .after(After::UserExists("{new_name}")),
        Case::new("create.with_workspaces", "USER-CREATE", Op::Create,
            json!({"username": "{new_name}", "password": "12345678", "first_name": "New", "role": "admin", "workspaces": ["argilla"]}),
            E::User { username: "{new_name}", role: "admin" })
            .after(After::UserInWorkspace("{new_name}", "argilla")),
        Case::new("delete.existing", "USER-DELETE", Op::Delete, json!({"username": "{subject}"}), E::Nothing)
            .setup(annotator)
            .seen(Seen::Request("DELETE", "{api}/users/{subject_id}"))
            .after(After::UserAbsent("{subject}")),
        Case::new("workspaces.annotator", "USER-WORKSPACES", Op::Workspaces, json!({}), E::Names(&["argilla", "{workspace}"]))
            .setup(annotator)
            .key(Key::Subject),
        Case::new("workspaces.owner", "USER-WORKSPACES", Op::Workspaces, json!({}), E::NamesIncluding(&["argilla", "{workspace}"]))
            .setup(annotator),
        Case::new("constructor.refused", "USER-CONSTRUCTOR-REFUSED", Op::Construct, json!({"name": "x"}), E::Error(K::Usage))
            .seen(Seen::NoRequest("GET", "{api}/users")),
        Case::new("from_name.missing", "ERR-NOT-FOUND", Op::FromName, json!({"name": "no-such-user"}), E::Error(K::NotFound)),
        Case::new("from_id.missing", "ERR-NOT-FOUND", Op::FromId, json!({"id": "00000000-0000-4000-8000-00000000dead"}), E::Error(K::NotFound)),
        Case::new("delete.missing", "ERR-NOT-FOUND", Op::Delete, json!({"username": "no-such-user"}), E::Error(K::NotFound)),
        Case::new("list.server_error", "ERR-SERVER", Op::List, json!({}), E::Error(K::ServerError))
            .fault(answer("GET", "{api}/users", 500)),
        Case::new("list.connection_reset", "ERR-SERVER", Op::List, json!({}), E::Error(K::ServerError))
            .fault(break_connection("GET", "{api}/users", Fault::ConnectionReset)),
        Case::new("me.server_error", "ERR-SERVER", Op::Me, json!({}), E::Error(K::ServerError))
            .fault(answer("GET", "{api}/me", 500)),
        Case::new("me.malformed_body", "ERR-SERVER", Op::Me, json!({}), E::Error(K::ServerError))
            .fault(break_connection("GET", "{api}/me", Fault::MalformedBody)),
        Case::new("create.server_error", "ERR-SERVER", Op::Create,
            json!({"username": "{new_name}", "password": "12345678", "first_name": "New"}), E::Error(K::ServerError))
            .fault(FaultSpec { times: Some(1), ..answer("POST", "{api}/users", 500) })
            .after(After::UserAbsent("{new_name}")),
        Case::new("list.annotator_refused", "ERR-PERMISSION", Op::List, json!({}), E::Error(K::Permission))
            .setup(annotator)
            .key(Key::Subject),
        Case::new("create.admin_refused", "ERR-PERMISSION", Op::Create,
            json!({"username": "{new_name}", "password": "12345678", "first_name": "New"}), E::Error(K::Permission))
            .setup(Setup::Subject("admin"))
            .key(Key::Subject)
            .after(After::UserAbsent("{new_name}")),
        Case::new("delete.annotator_refused", "ERR-PERMISSION", Op::Delete, json!({"username": "argilla"}), E::Error(K::Permission))
            .setup(annotator)
            .key(Key::Subject)
            .seen(Seen::NoRequest("DELETE", "{api}/users/*"))
            .after(After::UserExists("argilla")),
        Case::new("create.duplicate", "ERR-CONFLICT", Op::Create,
            json!({"username": "{subject}", "password": "12345678", "first_name": "Dup"}), E::Error(K::Conflict))
            .setup(annotator),
        Case::new("create.short_password", "ERR-VALIDATION", Op::Create,
            json!({"username": "{new_name}", "password": "short", "first_name": "New"}), E::Error(K::Validation))
            .after(After::UserAbsent("{new_name}")),
        Case::new("create.bad_username", "ERR-VALIDATION", Op::Create,
            json!({"username": "Not Valid", "password": "12345678", "first_name": "New"}), E::Error(K::Validation))
            .only(Api::Argilla1, "2.x has no username pattern: the server accepts any non-empty username"),
        Case::new("create.unknown_workspace", "ERR-VALIDATION", Op::Create,
            json!({"username": "{new_name}", "password": "12345678", "first_name": "New", "workspaces": ["no-such-workspace"]}), E::Error(K::Validation))
            .after(After::UserAbsent("{new_name}")),
        Case::new("me.wrong_key", "ERR-UNAUTHORIZED", Op::Me, json!({}), E::Error(K::Unauthorized))
            .key(Key::Wrong),
        Case::new("me.deleted_key", "ERR-UNAUTHORIZED", Op::Me, json!({}), E::Error(K::Unauthorized))
            .setup(Setup::DeletedSubject)
            .key(Key::Subject),
        Case::new("me.unreachable", "ERR-TRANSPORT", Op::Me, json!({}), E::Error(K::Transport))
            .base(Base::Unreachable),
        Case::new("hygiene.key_header", "HTTP-HYGIENE", Op::FromName, json!({"name": "argilla"}), E::User { username: "argilla", role: "owner" })
            .seen(Seen::Request("GET", "{api}/users")),
        Case::new("hygiene.no_retry_after_409", "HTTP-HYGIENE", Op::Create,
            json!({"username": "argilla", "password": "12345678", "first_name": "Dup"}), E::Error(K::Conflict)),
        Case::new("hygiene.no_retry_after_401", "HTTP-HYGIENE", Op::Me, json!({}), E::Error(K::Unauthorized))
            .key(Key::Wrong),
        // The 2.x SDK's resources beyond the 1.x User (argilla-2x-users-api.md §2, §5).
        Case::new("update.names", "USER-UPDATE", Op::Update,
            json!({"username": "{subject}", "changes": {"first_name": "Grace", "last_name": "Hopper"}}),
            E::User { username: "{subject}", role: "annotator" })
            .setup(annotator)
            .seen(Seen::Request("PATCH", "{api}/users/{subject_id}"))
            .after(After::UserField("{subject}", "first_name", Some("Grace")))
            .after(After::UserField("{subject}", "last_name", Some("Hopper"))),
        Case::new("update.role", "USER-UPDATE", Op::Update,
            json!({"username": "{subject}", "changes": {"role": "admin"}}),
            E::User { username: "{subject}", role: "admin" })
            .setup(annotator)
            .after(After::UserField("{subject}", "role", Some("admin"))),
        Case::new("update.password", "USER-UPDATE", Op::Update,
            json!({"username": "{subject}", "changes": {"password": "a-new-password"}}),
            E::User { username: "{subject}", role: "annotator" })
            .setup(annotator)
            .after(After::CanLogIn("{subject}", "a-new-password")),
        Case::new("update.missing", "USER-UPDATE", Op::Update,
            json!({"username": "no-such-user", "changes": {"first_name": "Ghost"}}), E::Error(K::NotFound))
            .seen(Seen::NoRequest("PATCH", "{api}/users/*")),
        Case::new("update.short_password", "USER-UPDATE", Op::Update,
            json!({"username": "{subject}", "changes": {"password": "short"}}), E::Error(K::Validation))
            .setup(annotator)
            .after(After::CanLogIn("{subject}", "12345678")),
        Case::new("update.bad_role", "USER-UPDATE", Op::Update,
            json!({"username": "{subject}", "changes": {"role": "superuser"}}), E::Error(K::Validation))
            .setup(annotator)
            .after(After::UserField("{subject}", "role", Some("annotator"))),
        Case::new("update.taken_username", "USER-UPDATE", Op::Update,
            json!({"username": "{subject}", "changes": {"username": "argilla"}}), E::Error(K::Validation))
            .setup(annotator)
            .after(After::UserExists("{subject}")),
        Case::new("update.annotator_refused", "USER-UPDATE", Op::Update,
            json!({"username": "{subject}", "changes": {"role": "owner"}}), E::Error(K::Permission))
            .setup(annotator)
            .key(Key::Subject)
            .after(After::UserField("{subject}", "role", Some("annotator"))),
        Case::new("workspace_create.new", "WORKSPACE-CREATE", Op::WorkspaceCreate, json!({"name": "{new_name}"}), E::Workspace("{new_name}"))
            .seen(Seen::Request("POST", "{api}/workspaces"))
            .after(After::WorkspaceExists("{new_name}")),
        Case::new("workspace_create.duplicate", "WORKSPACE-CREATE", Op::WorkspaceCreate, json!({"name": "{workspace}"}), E::Error(K::Conflict))
            .setup(annotator),
        Case::new("workspace_create.empty_name", "WORKSPACE-CREATE", Op::WorkspaceCreate, json!({"name": ""}), E::Error(K::Validation))
            .seen(Seen::NoRequest("POST", "{api}/workspaces")),
        Case::new("workspace_create.bad_name", "WORKSPACE-CREATE", Op::WorkspaceCreate, json!({"name": "{new_name} x"}), E::Error(K::Validation))
            .seen(Seen::NoRequest("POST", "{api}/workspaces"))
            .after(After::WorkspaceAbsent("{new_name} x")),
        Case::new("workspace_create.annotator_refused", "WORKSPACE-CREATE", Op::WorkspaceCreate, json!({"name": "{new_name}"}), E::Error(K::Permission))
            .setup(annotator)
            .key(Key::Subject)
            .after(After::WorkspaceAbsent("{new_name}")),
        Case::new("workspace_delete.existing", "WORKSPACE-DELETE", Op::WorkspaceDelete, json!({"name": "{workspace}"}), E::Nothing)
            .setup(annotator)
            .seen(Seen::Request("DELETE", "{api}/workspaces/*"))
            .after(After::WorkspaceAbsent("{workspace}"))
            .after(After::UserExists("{subject}")),
        Case::new("workspace_delete.missing", "WORKSPACE-DELETE", Op::WorkspaceDelete, json!({"name": "no-such-workspace"}), E::Error(K::NotFound))
            .seen(Seen::NoRequest("DELETE", "{api}/workspaces/*")),
        Case::new("add_user.new_member", "WORKSPACE-ADD-USER", Op::WorkspaceAddUser,
            json!({"workspace": "{workspace}", "username": "{subject}"}), E::User { username: "{subject}", role: "annotator" })
            .setup(Setup::Unlinked("annotator"))
            .seen(Seen::Request("POST", "{api}/workspaces/*"))
            .after(After::UserInWorkspace("{subject}", "{workspace}")),
        Case::new("add_user.twice", "WORKSPACE-ADD-USER", Op::WorkspaceAddUser,
            json!({"workspace": "{workspace}", "username": "{subject}"}), E::Error(K::Conflict))
            .setup(annotator)
            .after(After::UserInWorkspace("{subject}", "{workspace}")),
        Case::new("add_user.unknown_workspace", "WORKSPACE-ADD-USER", Op::WorkspaceAddUser,
            json!({"workspace": "no-such-workspace", "username": "{subject}"}), E::Error(K::NotFound))
            .setup(Setup::Unlinked("annotator")),
        Case::new("add_user.unknown_user", "WORKSPACE-ADD-USER", Op::WorkspaceAddUser,
            json!({"workspace": "{workspace}", "username": "no-such-user"}), E::Error(K::NotFound))
            .setup(Setup::Unlinked("annotator"))
            .seen(Seen::NoRequest("POST", "{api}/workspaces/*")),
        Case::new("remove_user.member", "WORKSPACE-REMOVE-USER", Op::WorkspaceRemoveUser,
            json!({"workspace": "{workspace}", "username": "{subject}"}), E::User { username: "{subject}", role: "annotator" })
            .setup(annotator)
            .seen(Seen::Request("DELETE", "{api}/workspaces/*"))
            .after(After::UserNotInWorkspace("{subject}", "{workspace}"))
            .after(After::UserInWorkspace("{subject}", "argilla")),
        Case::new("remove_user.non_member", "WORKSPACE-REMOVE-USER", Op::WorkspaceRemoveUser,
            json!({"workspace": "{workspace}", "username": "{subject}"}), E::Error(K::NotFound))
            .setup(Setup::Unlinked("annotator")),
        Case::new("remove_user.unknown_workspace", "WORKSPACE-REMOVE-USER", Op::WorkspaceRemoveUser,
            json!({"workspace": "no-such-workspace", "username": "{subject}"}), E::Error(K::NotFound))
            .setup(annotator)
            .after(After::UserInWorkspace("{subject}", "{workspace}")),
        Case::new("workspace_users.members", "WORKSPACE-USERS", Op::WorkspaceUsers, json!({"workspace": "{workspace}"}), E::Names(&["{subject}"]))
            .setup(annotator)
            .seen(Seen::Request("GET", "{api}/workspaces/*")),
        Case::new("workspace_users.none", "WORKSPACE-USERS", Op::WorkspaceUsers, json!({"workspace": "{workspace}"}), E::Names(&[]))
            .setup(Setup::Unlinked("annotator")),
        Case::new("workspace_users.unknown_workspace", "WORKSPACE-USERS", Op::WorkspaceUsers, json!({"workspace": "no-such-workspace"}), E::Error(K::NotFound)),
    ]
}
