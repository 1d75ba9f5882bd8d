//! `vector_cosine(stored, query)`: the cosine similarity of two stored vectors (the format of
//! `models::records::vector_bytes`), computed in single precision as Elasticsearch does, as an
//! SQL function, so a similarity search ranks the vectors where they are instead of copying
//! every one out of SQLite. NULL when the lengths differ or a vector has no direction.
//!
//! sqlx has no way to add SQL functions; like `image.rs` this takes the raw connection handle
//! sqlx lends and calls `sqlite3_create_function_v2` through `libsqlite3-sys`.
#![allow(unsafe_code)]

use std::ffi::c_int;

use libsqlite3_sys as ffi;
use sqlx::SqliteConnection;

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
        stored_similarity(blob(0), blob(1))
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

/// [`similarity`] of two stored vectors, read in place (a search computes it for every
/// vector of a dataset: no allocation per row).
fn stored_similarity(a: &[u8], b: &[u8]) -> Option<f64> {
    let (Some((&wa, a)), Some((&wb, b))) = (a.split_first(), b.split_first()) else {
        return None;
    };
    let (wa, wb) = (usize::from(wa), usize::from(wb));
    if !matches!(wa, 4 | 8) || !matches!(wb, 4 | 8) || a.len() % wa != 0 || b.len() % wb != 0 {
        return None;
    }
    let n = a.len() / wa;
    if n == 0 || n != b.len() / wb {
        return None;
    }
    // In single precision, as Elasticsearch keeps and compares dense vectors, eight lanes at a
    // time, with a loop per pair of widths so that each compiles to straight vector code (a
    // search computes this for every vector of a space).
    let sums = match (wa, wb) {
        (4, 4) => Sums::of::<4, 4>(a, b, n),
        (4, _) => Sums::of::<4, 8>(a, b, n),
        (_, 4) => Sums::of::<8, 4>(a, b, n),
        _ => Sums::of::<8, 8>(a, b, n),
    };
    let norms = (sums.aa * sums.bb).sqrt();
    (norms > 0.0).then(|| sums.dot / norms)
}

const LANES: usize = 8;

/// The dot product and the two squared norms of a pair of vectors.
struct Sums {
    dot: f64,
    aa: f64,
    bb: f64,
}

impl Sums {
    /// For `n` components stored `WA` and `WB` bytes each.
    fn of<const WA: usize, const WB: usize>(a: &[u8], b: &[u8], n: usize) -> Sums {
        let mut dot = [0f32; LANES];
        let mut aa = [0f32; LANES];
        let mut bb = [0f32; LANES];
        let whole = n - n % LANES;
        let (a_lanes, b_lanes) = (
            a[..whole * WA].chunks_exact(LANES * WA),
            b[..whole * WB].chunks_exact(LANES * WB),
        );
        for (ca, cb) in a_lanes.zip(b_lanes) {
            for lane in 0..LANES {
                let (x, y) = (component::<WA>(ca, lane), component::<WB>(cb, lane));
                dot[lane] += x * y;
                aa[lane] += x * x;
                bb[lane] += y * y;
            }
        }
        for i in whole..n {
            let (x, y) = (component::<WA>(a, i), component::<WB>(b, i));
            dot[0] += x * y;
            aa[0] += x * x;
            bb[0] += y * y;
        }
        let sum = |v: [f32; LANES]| v.iter().map(|x| f64::from(*x)).sum::<f64>();
        Sums {
            dot: sum(dot),
            aa: sum(aa),
            bb: sum(bb),
        }
    }
}

/// Component `i` of a vector stored `W` bytes per component.
#[inline(always)]
fn component<const W: usize>(bytes: &[u8], i: usize) -> f32 {
    let c = &bytes[i * W..i * W + W];
    if W == 4 {
        f32::from_le_bytes([c[0], c[1], c[2], c[3]])
    } else {
        f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Database, Storage};
    use crate::models::records::vector_bytes;

    fn similarity(a: &[f64], b: &[f64]) -> Option<f64> {
        stored_similarity(&vector_bytes(a), &vector_bytes(b))
    }

    #[test]
    fn similarity_is_the_cosine() {
        assert_eq!(similarity(&[1.0, 0.0], &[2.0, 0.0]), Some(1.0));
        assert_eq!(similarity(&[1.0, 0.0], &[0.0, 3.0]), Some(0.0));
        assert_eq!(similarity(&[1.0, 0.0], &[-1.0, 0.0]), Some(-1.0));
        let long: Vec<f64> = (0..385).map(|i| f64::from(i % 7) - 3.0).collect();
        let same = similarity(&long, &long).expect("similar");
        assert!((same - 1.0).abs() < 1e-6, "{same}");
        assert_eq!(similarity(&[1.0], &[1.0, 0.0]), None);
        assert_eq!(similarity(&[0.0, 0.0], &[1.0, 0.0]), None);
    }

    /// `vector_cosine(a, b)` as SQLite computes it.
    async fn cosine_in_sql(db: &Database, a: &[f64], b: &[f64]) -> Option<f64> {
        let (s,): (Option<f64>,) = sqlx::query_as("SELECT vector_cosine(?, ?)")
            .bind(vector_bytes(a))
            .bind(vector_bytes(b))
            .fetch_one(db.pool())
            .await
            .expect("call");
        s
    }

    #[tokio::test]
    async fn every_connection_has_the_function() {
        let db = Database::open(&Storage::Memory).await.expect("open");
        let s = cosine_in_sql(&db, &[1.0, 1.0], &[1.0, 0.0])
            .await
            .expect("a similarity");
        assert!((s - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-6, "{s}");
        let mixed = cosine_in_sql(&db, &[0.1, 0.0], &[1.0, 0.0])
            .await
            .expect("8-byte and 4-byte vectors compare too");
        assert!((mixed - 1.0).abs() < 1e-6, "{mixed}");
    }
}
