//! The hot-reloading policy store.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use arc_swap::ArcSwap;
use time::OffsetDateTime;

use crate::principals::{Principals, PrincipalsError};

/// The `tracing` target of reload events.
pub const RELOAD_TARGET: &str = "ims_iam::reload";

/// One compiled generation of the principals and their policies.
#[derive(Debug)]
pub struct Snapshot {
    principals: Principals,
    revision: u64,
    loaded_at: OffsetDateTime,
}

impl Snapshot {
    /// The compiled principals.
    pub fn principals(&self) -> &Principals {
        &self.principals
    }
    /// The revision: 1 for the first load, one more for every successful reload.
    pub fn revision(&self) -> u64 {
        self.revision
    }
    /// When it was compiled.
    pub fn loaded_at(&self) -> OffsetDateTime {
        self.loaded_at
    }
}

/// Why a reload did not happen. The store keeps serving the previous snapshot.
#[derive(Debug, thiserror::Error)]
pub enum ReloadError {
    /// The principals were not loaded from a file, so there is nothing to re-read.
    #[error("the policy store has no source file to reload from")]
    NoSource,
    /// The files do not load (the old snapshot stays).
    #[error(transparent)]
    Load(#[from] PrincipalsError),
}

#[derive(Debug)]
struct State {
    source: Option<PathBuf>,
    next_revision: u64,
    /// The fingerprint of the files at the last load attempt (successful or not).
    seen: u64,
    last_error: Option<String>,
}

/// Principals and their compiled policies, swapped atomically on reload.
///
/// Requests read the current [`Snapshot`] without locking ([`arc-swap`](arc_swap)); a reload reads
/// and compiles the files on the calling thread (never a request's), then swaps the new snapshot in.
/// A reload that fails keeps the old snapshot, logs a warning (target [`RELOAD_TARGET`]), remembers
/// the reason ([`last_error`](PolicyStore::last_error)) and returns it. Reloads are serialized.
///
/// Triggers: [`reload`](PolicyStore::reload) on demand (e.g. from a SIGHUP handler, as `ims-iam serve`
/// does), [`reload_if_changed`](PolicyStore::reload_if_changed), and [`watch`](PolicyStore::watch), a
/// thread that polls the files' contents.
///
/// ```
/// use ims_iam::gateway::PolicyStore;
/// let dir = std::env::temp_dir().join(format!("ims-iam-store-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let file = dir.join("principals.json");
/// std::fs::write(&file, r#"{"policies": {}, "groups": {"readers": {}}}"#)?;
///
/// let store = PolicyStore::open(&file)?;
/// assert_eq!(store.revision(), 1);
/// assert_eq!(store.reload_if_changed()?, None);
///
/// std::fs::write(&file, r#"{"policies": {}, "groups": {"readers": {}, "writers": {}}}"#)?;
/// assert_eq!(store.reload_if_changed()?, Some(2));
/// assert_eq!(store.snapshot().principals().groups().count(), 2);
///
/// std::fs::write(&file, "{ broken")?;
/// assert!(store.reload().is_err());
/// assert_eq!(store.revision(), 2); // still serving the last good set
/// assert!(store.last_error().is_some());
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct PolicyStore {
    current: ArcSwap<Snapshot>,
    state: Mutex<State>,
}

impl PolicyStore {
    /// Loads a principals file (and its policy files) as revision 1.
    pub fn open(path: impl Into<PathBuf>) -> Result<PolicyStore, PrincipalsError> {
        Ok(PolicyStore::new(Principals::load(path.into())?))
    }

    /// Serves already loaded principals as revision 1. Reloads re-read the principals file they
    /// were loaded from, if any (see [`Principals::sources`]).
    pub fn new(principals: Principals) -> PolicyStore {
        let state = State {
            source: principals.sources().first().cloned(),
            next_revision: 2,
            seen: principals.fingerprint(),
            last_error: None,
        };
        PolicyStore {
            current: ArcSwap::from_pointee(Snapshot {
                principals,
                revision: 1,
                loaded_at: OffsetDateTime::now_utc(),
            }),
            state: Mutex::new(state),
        }
    }

    /// The current snapshot (cheap: a reference count).
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// The current revision.
    pub fn revision(&self) -> u64 {
        self.current.load().revision
    }

    /// Why the last reload failed, if the last attempt failed.
    pub fn last_error(&self) -> Option<String> {
        self.lock().last_error.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reloads now and returns the new revision.
    pub fn reload(&self) -> Result<u64, ReloadError> {
        let mut state = self.lock();
        self.reload_locked(&mut state)
    }

    /// Reloads when the contents of the principals file or of a policy file it names changed since the
    /// last attempt; returns the new revision, or `None` when nothing changed. A change that fails to
    /// load is reported once, not at every call.
    pub fn reload_if_changed(&self) -> Result<Option<u64>, ReloadError> {
        let mut state = self.lock();
        let sources = self.current.load().principals.sources().to_vec();
        if sources.is_empty() {
            return Err(ReloadError::NoSource);
        }
        if Principals::fingerprint_files(&sources) == state.seen {
            return Ok(None);
        }
        self.reload_locked(&mut state).map(Some)
    }

    fn reload_locked(&self, state: &mut State) -> Result<u64, ReloadError> {
        let Some(source) = state.source.clone() else {
            return Err(ReloadError::NoSource);
        };
        match Principals::load(&source) {
            Ok(principals) => {
                let revision = state.next_revision;
                state.next_revision += 1;
                state.seen = principals.fingerprint();
                state.last_error = None;
                let groups = principals.groups().count();
                let users = principals.users().count();
                self.current.store(Arc::new(Snapshot {
                    principals,
                    revision,
                    loaded_at: OffsetDateTime::now_utc(),
                }));
                tracing::info!(target: RELOAD_TARGET, revision, groups, users, "policy set reloaded");
                Ok(revision)
            }
            Err(e) => {
                // Remember what failed so that polling does not report it again until it changes.
                let sources = self.current.load().principals.sources().to_vec();
                state.seen = Principals::fingerprint_files(&sources);
                state.last_error = Some(e.to_string());
                tracing::warn!(
                    target: RELOAD_TARGET,
                    revision = self.revision(),
                    error = %e,
                    "reload failed; keeping the current policy set"
                );
                Err(ReloadError::Load(e))
            }
        }
    }

    /// Starts a thread that calls [`reload_if_changed`](PolicyStore::reload_if_changed) every
    /// `interval`. It stops when the returned [`Watcher`] is dropped.
    pub fn watch(self: &Arc<Self>, interval: Duration) -> std::io::Result<Watcher> {
        let (stop, stopped) = mpsc::channel::<()>();
        let store = Arc::clone(self);
        let thread = std::thread::Builder::new()
            .name("ims-iam-watch".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(interval) {
                    // Failures are logged and remembered by the store.
                    let _ = store.reload_if_changed();
                }
            })?;
        Ok(Watcher {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

/// A running file watcher (see [`PolicyStore::watch`]); dropping it stops the thread and waits for it.
#[derive(Debug)]
pub struct Watcher {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
