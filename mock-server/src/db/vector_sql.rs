//! `vector_cosine(stored, query)`: the cosine similarity of two stored vectors (the format of
//! `models::records::vector_bytes`), as an SQL function, so a similarity search ranks the
//! vectors where they are instead of copying every one out of SQLite. NULL when the lengths
//! differ or a vector has no direction.
//!
//! sqlx has no way to add SQL functions; like `image.rs` this takes the raw connection handle
//! sqlx lends and calls `sqlite3_create_function_v2` through `libsqlite3-sys`.
#![allow(unsafe_code)]

use std::ffi::c_int;

use libsqlite3_sys as ffi;
use sqlx::SqliteConnection;

use crate::models::records::vector_from_bytes;

const NAME: &std::ffi::CStr = c"vector_cosine";

/// Adds the function to a new connection.
pub(super) async fn register(connection: &mut SqliteConnection) -> sqlx::Result<()> {
    let mut handle = connection.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    // SAFETY: `db` is the open connection sqlx lent us, used by nothing else while `handle` is
    // held; `NAME` is NUL-terminated; `cosine` has the signature SQLite calls and uses no user
    // data (null pointer, no destructor). DETERMINISTIC lets SQLite reuse a result.
    let rc = unsafe {
        ffi::sqlite3_create_function_v2(
            db,
            NAME.as_ptr(),
            2,
            ffi::SQLITE_UTF8 | ffi::SQLITE_DETERMINISTIC,
            std::ptr::null_mut(),
            Some(cosine),
            None,
            None,
            None,
        )
    };
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(sqlx::Error::Protocol(format!(
            "cannot register vector_cosine (SQLite code {rc})"
        )))
    }
}

unsafe extern "C" fn cosine(
    context: *mut ffi::sqlite3_context,
    argc: c_int,
    argv: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: SQLite calls this with `argc` (2) valid values in `argv`; a blob's pointer stays
    // valid until the next call on that value, and its length is what sqlite3_value_bytes says
    // (asked after the pointer, as SQLite's documentation requires).
    let blob = |i: usize| -> &[u8] {
        let value = unsafe { *argv.add(i) };
        let data = unsafe { ffi::sqlite3_value_blob(value) };
        let len = unsafe { ffi::sqlite3_value_bytes(value) };
        if data.is_null() || len <= 0 {
            &[]
        } else {
            unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len as usize) }
        }
    };
    let similarity = if argc == 2 {
        similarity(&vector_from_bytes(blob(0)), &vector_from_bytes(blob(1)))
    } else {
        None
    };
    // SAFETY: `context` is the call's context, valid for this call.
    unsafe {
        match similarity {
            Some(s) => ffi::sqlite3_result_double(context, s),
            None => ffi::sqlite3_result_null(context),
        }
    }
}

/// The cosine of the angle between `a` and `b`.
pub fn similarity(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() != b.len() || a.is_empty() {
        return None;
    }
    let (mut dot, mut aa, mut bb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        dot += x * y;
        aa += x * x;
        bb += y * y;
    }
    let norms = (aa * bb).sqrt();
    (norms > 0.0).then(|| dot / norms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Database, Storage};
    use crate::models::records::vector_bytes;

    #[test]
    fn similarity_is_the_cosine() {
        assert_eq!(similarity(&[1.0, 0.0], &[2.0, 0.0]), Some(1.0));
        assert_eq!(similarity(&[1.0, 0.0], &[0.0, 3.0]), Some(0.0));
        assert_eq!(similarity(&[1.0, 0.0], &[-1.0, 0.0]), Some(-1.0));
        assert_eq!(similarity(&[1.0], &[1.0, 0.0]), None);
        assert_eq!(similarity(&[0.0, 0.0], &[1.0, 0.0]), None);
    }

    #[tokio::test]
    async fn every_connection_has_the_function() {
        let db = Database::open(&Storage::Memory).await.expect("open");
        let (s,): (Option<f64>,) = sqlx::query_as("SELECT vector_cosine(?, ?)")
            .bind(vector_bytes(&[1.0, 1.0]))
            .bind(vector_bytes(&[1.0, 0.0]))
            .fetch_one(db.pool())
            .await
            .expect("call");
        let s = s.expect("a similarity");
        assert!((s - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-12);
    }
}
