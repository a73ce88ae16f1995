//! The accept loop's bookkeeping: a cap on open connections, an idle timeout, and the peer
//! address of each request.
//!
//! Every connection has a slot holding its number of requests in flight and when it last
//! became idle. At the cap, a new connection closes the connection idle the longest (a silent
//! or half-sent-headers client, or a keep-alive one between requests), or, when every
//! connection has a request in flight, is itself closed at once. So a flood of idle or partial
//! connections never exhausts file descriptors, and a new client (a load balancer's `/health`)
//! is still served. A connection without a request in flight for the idle timeout is closed.

use std::{
    collections::HashMap,
    net::SocketAddr,
    pin::Pin,
    sync::{
        atomic::{AtomicU64, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    task::{Context, Poll},
    time::{Duration, Instant},
};

use axum::body::Body;
use tokio::sync::Notify;

/// Room left under the open-file limit for the listener, the database and logs, plus 4 per
/// database connection (a SQLite connection holds the file, its WAL and shared memory).
fn reserved_fds(database_connections: u32) -> u64 {
    64 + 4 * u64::from(database_connections)
}

/// Raises the soft open-file limit to the hard one and returns the soft limit now in force
/// (None when it cannot be read).
pub fn raise_fd_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        // SAFETY: getrlimit/setrlimit only read and write the struct passed to them.
        unsafe {
            let mut lim = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
                return None;
            }
            if lim.rlim_cur < lim.rlim_max {
                let raised = libc::rlimit {
                    rlim_cur: lim.rlim_max,
                    rlim_max: lim.rlim_max,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                    lim.rlim_cur = lim.rlim_max;
                }
            }
            #[allow(clippy::unnecessary_cast)] // rlim_t is not u64 everywhere
            Some(lim.rlim_cur as u64)
        }
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// The default `--max-connections`: the open-file limit minus `reserved_fds`, between 16 and
/// 65536 (1024 when the limit is unknown).
pub fn default_max_connections(fd_limit: Option<u64>, database_connections: u32) -> usize {
    match fd_limit {
        Some(n) => n
            .saturating_sub(reserved_fds(database_connections))
            .clamp(16, 65_536) as usize,
        None => 1024,
    }
}

struct Slot {
    in_flight: AtomicUsize,
    /// Milliseconds since `Registry::epoch` when the connection last had no request in flight.
    idle_since: AtomicU64,
    close: Notify,
}

/// The open connections.
pub struct Registry {
    slots: Mutex<HashMap<u64, Arc<Slot>>>,
    next: AtomicU64,
    epoch: Instant,
    max: usize,
    idle_timeout: Duration,
}

/// A connection's place in the registry; leaves it when dropped.
pub struct Conn {
    registry: Arc<Registry>,
    id: u64,
    slot: Arc<Slot>,
}

impl Registry {
    pub fn new(max: usize, idle_timeout: Duration) -> Arc<Registry> {
        Arc::new(Registry {
            slots: Mutex::new(HashMap::new()),
            next: AtomicU64::new(0),
            epoch: Instant::now(),
            max,
            idle_timeout,
        })
    }

    fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    /// Open connections.
    pub fn len(&self) -> usize {
        self.slots.lock().unwrap().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Admits a new connection: at the cap, the connection idle the longest is told to close;
    /// None (close the new one) when every connection has a request in flight.
    pub fn admit(self: &Arc<Self>) -> Option<Conn> {
        let mut slots = self.slots.lock().unwrap();
        if slots.len() >= self.max {
            let victim = slots
                .iter()
                .filter(|(_, s)| s.in_flight.load(Ordering::Acquire) == 0)
                .min_by_key(|(_, s)| s.idle_since.load(Ordering::Acquire))
                .map(|(id, _)| *id)?;
            if let Some(s) = slots.remove(&victim) {
                s.close.notify_one();
            }
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let slot = Arc::new(Slot {
            in_flight: AtomicUsize::new(0),
            idle_since: AtomicU64::new(self.now_ms()),
            close: Notify::new(),
        });
        slots.insert(id, slot.clone());
        Some(Conn {
            registry: self.clone(),
            id,
            slot,
        })
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.registry.slots.lock().unwrap().remove(&self.id);
    }
}

impl Conn {
    /// Marks a request in flight until the returned guard is dropped (with the response body).
    pub fn busy(&self) -> Busy {
        self.slot.in_flight.fetch_add(1, Ordering::AcqRel);
        Busy {
            registry: self.registry.clone(),
            slot: self.slot.clone(),
        }
    }

    /// Resolves when the connection must close: evicted at the cap, or idle (no request in
    /// flight) for the idle timeout.
    pub async fn closed(&self) {
        let timeout = self.registry.idle_timeout.as_millis() as u64;
        loop {
            let idle_since = self.slot.idle_since.load(Ordering::Acquire);
            let due = idle_since.saturating_add(timeout);
            let now = self.registry.now_ms();
            if self.slot.in_flight.load(Ordering::Acquire) == 0 && now >= due {
                return;
            }
            let wait = if now >= due { timeout } else { due - now };
            tokio::select! {
                _ = self.slot.close.notified() => return,
                _ = tokio::time::sleep(Duration::from_millis(wait.max(1))) => {}
            }
        }
    }
}

/// A request in flight on a connection.
pub struct Busy {
    registry: Arc<Registry>,
    slot: Arc<Slot>,
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.slot
            .idle_since
            .store(self.registry.now_ms(), Ordering::Release);
        self.slot.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A response body that keeps its request counted as in flight until it is sent or dropped.
pub struct TrackedBody {
    inner: Body,
    _busy: Busy,
}

impl TrackedBody {
    pub fn new(inner: Body, busy: Busy) -> Self {
        TrackedBody { inner, _busy: busy }
    }
}

impl http_body::Body for TrackedBody {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// The peer of a connection, as a request extension (`axum::extract::ConnectInfo`).
pub type Peer = axum::extract::ConnectInfo<SocketAddr>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_cap_leaves_room_under_the_fd_limit() {
        assert_eq!(default_max_connections(Some(1024), 10), 1024 - 64 - 40);
        assert_eq!(default_max_connections(Some(50), 10), 16);
        assert_eq!(default_max_connections(Some(1 << 20), 10), 65_536);
        assert_eq!(default_max_connections(None, 10), 1024);
    }

    #[tokio::test]
    async fn at_the_cap_the_longest_idle_connection_goes() {
        let reg = Registry::new(2, Duration::from_secs(60));
        let a = reg.admit().unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        let b = reg.admit().unwrap();
        let busy_b = b.busy();
        let c = reg.admit().expect("a is idle: evicted for c");
        assert_eq!(reg.len(), 2);
        tokio::time::timeout(Duration::from_secs(1), a.closed())
            .await
            .expect("a told to close");
        let busy_c = c.busy();
        assert!(reg.admit().is_none(), "all busy: the new one is refused");
        drop((busy_b, busy_c));
    }
}
