//! What both generations' handlers share when they render: the `{"items": […]}` envelope of
//! the `/api/v1/…` lists, answers made of bytes already serialised, and bodies kept per user
//! for as long as the data does not change (in the snapshot's memo, see `db::Snapshot::memo`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::db::Snapshot;
use crate::models::UserRecord;

/// The list envelope `{"items": […]}` (Argilla 1.14's `/api/v1/…` lists and all of 2.x's).
#[derive(Debug, Serialize)]
pub struct Items<T> {
    pub items: Vec<T>,
}

impl<T> FromIterator<T> for Items<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Items {
            items: iter.into_iter().collect(),
        }
    }
}

/// `value` as JSON bytes (a shape always serialises: it holds strings, numbers and lists).
pub fn serialised<T: Serialize>(value: &T) -> Bytes {
    Bytes::from(serde_json::to_vec(value).unwrap_or_default())
}

/// A 200 answer whose JSON body is already serialised.
pub fn json_answer(body: Bytes) -> Response {
    ([(CONTENT_TYPE, "application/json")], body).into_response()
}

/// An answer with this status and `value` as its JSON body (for shapes that borrow from the
/// records they show).
pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    (status, Json(value)).into_response()
}

/// One body per user of one snapshot (by the user's row), made on first use.
#[derive(Debug, Default)]
pub struct PerUser(Mutex<HashMap<u32, Bytes>>);

impl PerUser {
    /// `user`'s body, kept only for the snapshot's own record of the user: one read from a
    /// snapshot before (the caller was authenticated a moment earlier, and the user changed
    /// since) is made but not kept, or this snapshot would answer with the old record until the
    /// next change.
    pub fn get(
        &self,
        snapshot: &Snapshot,
        user: &Arc<UserRecord>,
        make: impl FnOnce(&UserRecord) -> Bytes,
    ) -> Bytes {
        let Some(row) = snapshot.own_row(user) else {
            return make(user);
        };
        let mut bodies = self.0.lock().unwrap_or_else(|e| e.into_inner());
        bodies.entry(row).or_insert_with(|| make(user)).clone()
    }
}
