//! A prepared database as bytes: new namespaces and resets of an in-memory database start from
//! a copy of it instead of running the migrations and writing every fixture row again.
//!
//! SQLite can hand out an in-memory database as one byte image (`sqlite3_serialize`) and make a
//! connection's database a private copy of such an image (`sqlite3_deserialize`). sqlx exposes
//! neither, but it lends the raw connection handle (`lock_handle`), so the two calls are made
//! here through `libsqlite3-sys`, the bindings sqlx itself links. With `vector_sql.rs` and
//! `memory.rs` (glibc's `malloc_trim`), the only `unsafe` code of the crate; each block states
//! what makes it sound.
#![allow(unsafe_code)]

use std::sync::Arc;

use anyhow::{bail, Context};
use libsqlite3_sys as ffi;
use sqlx::Connection;

use super::snapshot::Snapshot;
use super::Database;

/// The `main` schema: the database a connection opened (as opposed to attached ones).
const MAIN: &std::ffi::CStr = c"main";

/// An in-memory database's pages at one moment, with the read snapshot of that data.
#[derive(Debug)]
pub struct Image {
    pages: Vec<u8>,
    snapshot: Arc<Snapshot>,
}

impl Image {
    /// The image's size in bytes.
    pub fn len(&self) -> usize {
        self.pages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }
}

impl Database {
    /// This in-memory database as it is now. Writes wait until the copy is taken (the pool's
    /// one connection is held), so the image is of one consistent state.
    pub async fn image(&self) -> anyhow::Result<Image> {
        let snapshot = self.snapshot().await?;
        let mut connection = self.pool().acquire().await?;
        let mut handle = connection.lock_handle().await?;
        let db = handle.as_raw_handle().as_ptr();
        let mut size: ffi::sqlite3_int64 = 0;
        // SAFETY: `db` is the open connection sqlx lent us, used by nothing else while
        // `handle` is held; `MAIN` is a NUL-terminated string; flags 0 ask SQLite for a fresh
        // buffer of `size` bytes from sqlite3_malloc, which we own (and free below).
        let data = unsafe { ffi::sqlite3_serialize(db, MAIN.as_ptr(), &mut size, 0) };
        if data.is_null() {
            bail!("sqlite3_serialize gave no image (out of memory?)");
        }
        let size = usize::try_from(size).context("image size")?;
        // SAFETY: SQLite wrote `size` initialised bytes at `data`; they are copied before the
        // buffer is freed, and not touched afterwards.
        let pages = unsafe { std::slice::from_raw_parts(data, size) }.to_vec();
        // SAFETY: `data` came from sqlite3_serialize (sqlite3_malloc) and is freed once.
        unsafe { ffi::sqlite3_free(data.cast()) };
        Ok(Image { pages, snapshot })
    }

    /// Replaces this in-memory database's content with a private copy of `image` (later
    /// writes change only this database).
    pub async fn restore(&self, image: &Image) -> anyhow::Result<()> {
        let mut connection = self.pool().acquire().await?;
        // Prepared statements of the replaced database must not outlive it.
        connection.clear_cached_statements().await?;
        {
            let mut handle = connection.lock_handle().await?;
            let db = handle.as_raw_handle().as_ptr();
            let size = image.pages.len();
            let size64 = ffi::sqlite3_int64::try_from(size).context("image size")?;
            // SAFETY: a plain allocation of `size` bytes (at least 1, as SQLite's pages are
            // never empty), checked for null before use.
            let buffer = unsafe { ffi::sqlite3_malloc64(size as u64) }.cast::<u8>();
            if buffer.is_null() {
                bail!("out of memory for a {size}-byte database image");
            }
            // SAFETY: `buffer` holds `size` writable bytes and does not overlap `pages`.
            unsafe { std::ptr::copy_nonoverlapping(image.pages.as_ptr(), buffer, size) };
            let flags = ffi::SQLITE_DESERIALIZE_FREEONCLOSE | ffi::SQLITE_DESERIALIZE_RESIZEABLE;
            // SAFETY: `db` is lent to us alone while `handle` lives; no statement of it is
            // running (the connection is idle in the pool's hands and its cache was cleared).
            // With FREEONCLOSE SQLite owns `buffer` from here on, also when the call fails.
            let code = unsafe {
                ffi::sqlite3_deserialize(db, MAIN.as_ptr(), buffer, size64, size64, flags)
            };
            if code != ffi::SQLITE_OK {
                bail!("sqlite3_deserialize failed with code {code}");
            }
        }
        self.replaced_by(image.snapshot.clone());
        Ok(())
    }
}

impl Database {
    /// Makes this database a page-for-page copy of `source`, with SQLite's online backup: how
    /// a temporary database is reset to a template seeded once (for 100,000 users, copying
    /// pages instead of writing 200,000 rows again). Both connections are held throughout, so
    /// no request sees either half-copied.
    pub async fn copy_from(&self, source: &Database) -> anyhow::Result<()> {
        let mut from = source.pool().acquire().await?;
        let mut to = self.pool().acquire().await?;
        // Prepared statements of the replaced content must not outlive it.
        to.clear_cached_statements().await?;
        let mut from_handle = from.lock_handle().await?;
        let mut to_handle = to.lock_handle().await?;
        let src = from_handle.as_raw_handle().as_ptr();
        let dst = to_handle.as_raw_handle().as_ptr();
        // SAFETY: `src` and `dst` are two distinct open connections lent to us alone while
        // their handles live; `MAIN` is NUL-terminated. The backup object is used only below
        // and finished exactly once, whatever the step returned.
        let (step, finish) = unsafe {
            let backup = ffi::sqlite3_backup_init(dst, MAIN.as_ptr(), src, MAIN.as_ptr());
            if backup.is_null() {
                bail!(
                    "sqlite3_backup_init failed with code {}",
                    ffi::sqlite3_errcode(dst)
                );
            }
            let step = ffi::sqlite3_backup_step(backup, -1);
            (step, ffi::sqlite3_backup_finish(backup))
        };
        if step != ffi::SQLITE_DONE || finish != ffi::SQLITE_OK {
            bail!("copying the template database failed (step {step}, finish {finish})");
        }
        Ok(())
    }
}
