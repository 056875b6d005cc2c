//! The results store: one SQLite file (default `./callqa.db`) holding runs, calls, transcripts,
//! scorecards (one per call per rubric version) and failed inputs, so a batch can resume, re-score
//! without ASR and feed reports with history. The schema is documented in docs/store.md.
//!
//! Writes are one transaction per call; the file is in WAL mode, so readers (other workers, reports)
//! never block the writer. Must not depend on whisper, audio decoding or clap: it stores plain data.

mod merge;
mod read;
mod schema;
mod write;

pub use merge::{Conflict, MergeReport};
pub use read::{CallState, RecordFilter};
pub use schema::SCHEMA_VERSION;
pub use write::{CallOrigin, Failure, RunInfo};

use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The default store file, relative to the working directory.
pub const DEFAULT_STORE: &str = "callqa.db";

/// Why the store could not be opened, read or written. Every message names the store file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}: no results store here (`callqa run` creates one)", path.display())]
    Missing { path: PathBuf },
    #[error("{}: cannot create the folder: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "{}: the store has schema version {found}, newer than this callqa understands ({supported}); upgrade callqa",
        path.display()
    )]
    Version {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("{}: not a callqa results store (it has other tables and no callqa schema version)", path.display())]
    Foreign { path: PathBuf },
    #[error("{}: call {call_id}: stored {what} is not valid JSON: {source}", path.display())]
    Json {
        path: PathBuf,
        call_id: String,
        what: &'static str,
        source: serde_json::Error,
    },
}

/// An open results store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens the store at `path`, creating the file and its tables when absent.
    ///
    /// # Errors
    /// The file is not SQLite, is another program's database, or has a newer schema.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Store::open_with(path, flags)
    }

    /// Opens the store at `path`, which must exist.
    ///
    /// # Errors
    /// [`StoreError::Missing`] when there is no file at `path`; otherwise as [`Store::open`].
    pub fn open_existing(path: &Path) -> Result<Store, StoreError> {
        if !path.is_file() {
            return Err(StoreError::Missing {
                path: path.to_path_buf(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Store::open_with(path, flags)
    }

    fn open_with(path: &Path, flags: OpenFlags) -> Result<Store, StoreError> {
        let conn =
            Connection::open_with_flags(path, flags).map_err(|source| StoreError::Sqlite {
                path: path.to_path_buf(),
                source,
            })?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.prepare()?;
        Ok(store)
    }

    /// Wraps a SQLite error with the store's path.
    fn err(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        |source| StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Sets the connection up and creates or checks the schema.
    fn prepare(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sql = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        self.conn
            .busy_timeout(Duration::from_secs(30))
            .map_err(sql)?;
        self.conn
            .pragma_update(None, "foreign_keys", true)
            .map_err(sql)?;
        let version: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(sql)?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::Version {
                path,
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version == SCHEMA_VERSION {
            self.conn
                .pragma_update(None, "journal_mode", "WAL")
                .map_err(sql)?;
            return self
                .conn
                .pragma_update(None, "synchronous", "NORMAL")
                .map_err(sql);
        }
        let tables: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(sql)?;
        if tables > 0 {
            return Err(StoreError::Foreign { path });
        }
        self.conn
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(sql)?;
        self.conn
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(sql)?;
        // Another process may be creating the same store: take the write lock, then look again.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
        let version: i64 = tx
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(sql)?;
        if version == SCHEMA_VERSION {
            return tx.commit().map_err(sql);
        }
        tx.execute_batch(schema::CREATE).map_err(sql)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(sql)?;
        tx.commit().map_err(sql)
    }
}

#[cfg(test)]
mod tests;
