//! The hot-reloading policy store.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError};
use std::thread::JoinHandle;
use std::time::Duration;

use arc_swap::{ArcSwap, ArcSwapOption};
use time::OffsetDateTime;

use crate::principals::{Principals, PrincipalsError};

/// The `tracing` target of reload events.
pub const RELOAD_TARGET: &str = "ims_iam::reload";

/// How long dropping a [`Watcher`] waits for its thread (a check blocked on a hung file system is
/// left to finish on its own).
const WATCHER_STOP_WAIT: Duration = Duration::from_secs(1);

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

/// What only the reloading thread touches.
#[derive(Debug)]
struct State {
    source: Option<PathBuf>,
    next_revision: u64,
    /// The fingerprint of the files at the last load attempt (successful or not).
    seen: u64,
}

/// Principals and their compiled policies, swapped atomically on reload.
///
/// Requests read the current [`Snapshot`] without locking ([`arc-swap`](arc_swap)), and so do the
/// status readers ([`revision`](PolicyStore::revision), [`last_error`](PolicyStore::last_error),
/// [`is_reloading`](PolicyStore::is_reloading)): nothing a request or a health check reads ever waits
/// for a reload, even one blocked on a hung file system. A reload reads and compiles the files on the
/// calling thread (call it from a thread of your own or a blocking pool, never from an async
/// worker), then swaps the new snapshot in. A reload that fails keeps the old snapshot, logs a
/// warning (target [`RELOAD_TARGET`]), remembers the reason and returns it.
///
/// Triggers: [`reload`](PolicyStore::reload) (now, waiting for a reload in progress),
/// [`request_reload`](PolicyStore::request_reload) (coalescing: never waits, as `ims-iam serve` does
/// on SIGHUP), [`reload_if_changed`](PolicyStore::reload_if_changed), and
/// [`watch`](PolicyStore::watch), a thread that polls the files' contents.
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
/// assert!(!store.is_reloading());
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct PolicyStore {
    current: ArcSwap<Snapshot>,
    /// Why the last reload attempt failed (`None` after a success).
    last_error: ArcSwapOption<String>,
    /// A reload is reading or compiling files.
    reloading: AtomicBool,
    /// A reload was requested while another ran: the running one reloads once more.
    pending: AtomicBool,
    /// Held by the thread that reloads, and only by it.
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
        };
        PolicyStore {
            current: ArcSwap::from_pointee(Snapshot {
                principals,
                revision: 1,
                loaded_at: OffsetDateTime::now_utc(),
            }),
            last_error: ArcSwapOption::empty(),
            reloading: AtomicBool::new(false),
            pending: AtomicBool::new(false),
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

    /// Why the last reload failed, if the last attempt failed. Never waits for a reload.
    pub fn last_error(&self) -> Option<String> {
        self.last_error.load().as_deref().cloned()
    }

    /// Whether a reload is reading or compiling files right now. Never waits for a reload.
    pub fn is_reloading(&self) -> bool {
        self.reloading.load(Ordering::Acquire)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn try_lock(&self) -> Option<MutexGuard<'_, State>> {
        match self.state.try_lock() {
            Ok(state) => Some(state),
            Err(TryLockError::Poisoned(p)) => Some(p.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        }
    }

    /// Reloads now, on the calling thread, and returns the new revision. Waits for a reload in
    /// progress to end first.
    pub fn reload(&self) -> Result<u64, ReloadError> {
        let mut state = self.lock();
        // This reload reads the files after every request made so far.
        self.pending.store(false, Ordering::SeqCst);
        let outcome = self.reload_locked(&mut state);
        self.drain(state);
        outcome
    }

    /// Reloads unless another reload is running, without ever waiting for it: then the running
    /// reload re-reads the files once more when it ends (however many requests arrive meanwhile),
    /// and this returns `None` at once. Otherwise reloads on the calling thread and returns the
    /// outcome. For signal handlers and other triggers that may fire while a reload hangs.
    ///
    /// ```
    /// # let principals = ims_iam::Principals::from_json_with(r#"{"policies": {}}"#, |_| Ok(String::new()))?;
    /// let store = ims_iam::gateway::PolicyStore::new(principals);
    /// // Loaded from a string: there is no file to re-read.
    /// assert!(matches!(store.request_reload(), Some(Err(ims_iam::gateway::ReloadError::NoSource))));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn request_reload(&self) -> Option<Result<u64, ReloadError>> {
        self.pending.store(true, Ordering::SeqCst);
        let state = self.try_lock()?;
        self.drain(state)
    }

    /// Runs the requested reloads while holding `state`, then releases it; re-takes it when a
    /// request arrived between the last check and the release (else that request would be lost).
    fn drain(&self, state: MutexGuard<'_, State>) -> Option<Result<u64, ReloadError>> {
        let mut state = Some(state);
        let mut last = None;
        while let Some(mut held) = state.take() {
            while self.pending.swap(false, Ordering::SeqCst) {
                last = Some(self.reload_locked(&mut held));
            }
            drop(held);
            if self.pending.load(Ordering::SeqCst) {
                state = self.try_lock();
            }
        }
        last
    }

    /// Reloads when the contents of the principals file or of a policy file it names changed since the
    /// last attempt; returns the new revision, or `None` when nothing changed or another reload is
    /// running (it never waits for one). A change that fails to load is reported once, not at
    /// every call.
    pub fn reload_if_changed(&self) -> Result<Option<u64>, ReloadError> {
        let Some(state) = self.try_lock() else {
            return Ok(None);
        };
        let sources = self.current.load().principals.sources().to_vec();
        if sources.is_empty() {
            return Err(ReloadError::NoSource);
        }
        if Principals::fingerprint_files(&sources) != state.seen {
            self.pending.store(true, Ordering::SeqCst);
        }
        // Also runs a reload requested while this thread held the lock.
        self.drain(state).transpose()
    }

    fn reload_locked(&self, state: &mut State) -> Result<u64, ReloadError> {
        let Some(source) = state.source.clone() else {
            return Err(ReloadError::NoSource);
        };
        self.reloading.store(true, Ordering::Release);
        let loaded = Principals::load(&source);
        let outcome = match loaded {
            Ok(principals) => {
                let revision = state.next_revision;
                state.next_revision += 1;
                state.seen = principals.fingerprint();
                let groups = principals.groups().count();
                let users = principals.users().count();
                self.current.store(Arc::new(Snapshot {
                    principals,
                    revision,
                    loaded_at: OffsetDateTime::now_utc(),
                }));
                self.last_error.store(None);
                tracing::info!(target: RELOAD_TARGET, revision, groups, users, "policy set reloaded");
                for warning in self.current.load().principals.policy_set().warnings() {
                    tracing::warn!(target: RELOAD_TARGET, revision, warning = %warning, "policy warning");
                }
                Ok(revision)
            }
            Err(e) => {
                // Remember what failed so that polling does not report it again until it changes.
                let sources = self.current.load().principals.sources().to_vec();
                state.seen = Principals::fingerprint_files(&sources);
                self.last_error.store(Some(Arc::new(e.to_string())));
                tracing::warn!(
                    target: RELOAD_TARGET,
                    revision = self.revision(),
                    error = %e,
                    "reload failed; keeping the current policy set"
                );
                Err(ReloadError::Load(e))
            }
        };
        self.reloading.store(false, Ordering::Release);
        outcome
    }

    /// Starts a thread that calls [`reload_if_changed`](PolicyStore::reload_if_changed) every
    /// `interval`. It stops when the returned [`Watcher`] is dropped.
    pub fn watch(self: &Arc<Self>, interval: Duration) -> std::io::Result<Watcher> {
        let (stop, stopped) = mpsc::channel::<()>();
        let (done, finished) = mpsc::channel::<()>();
        let store = Arc::clone(self);
        let thread = std::thread::Builder::new()
            .name("ims-iam-watch".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(interval) {
                    // Failures are logged and remembered by the store.
                    let _ = store.reload_if_changed();
                }
                drop(done);
            })?;
        Ok(Watcher {
            stop: Some(stop),
            finished,
            thread: Some(thread),
        })
    }
}

/// A running file watcher (see [`PolicyStore::watch`]). Dropping it stops the thread and waits for
/// it, at most one second: a check blocked on a hung file system is left to end on its own.
#[derive(Debug)]
pub struct Watcher {
    stop: Option<mpsc::Sender<()>>,
    finished: mpsc::Receiver<()>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        drop(self.stop.take());
        // Disconnected once the thread has left its loop; a timeout leaves it detached.
        if let Err(RecvTimeoutError::Disconnected) = self.finished.recv_timeout(WATCHER_STOP_WAIT) {
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
        }
    }
}
