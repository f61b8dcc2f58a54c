//! The System's audit queue: every `AuditTick` the engine sends, held for
//! the caller to drain in batches (as serde's JSON, or as C structs: see
//! `ticks`).
//!
//! Policy: the queue holds at most `capacity` ticks. When it is full, the
//! pump thread that moves ticks from the engine's (unbounded) audit channel
//! into it waits, and ticks wait in barter's channel: none is dropped.
//! Once the System is shut down, the bound is lifted so that the engine's
//! last ticks always arrive and shutdown never waits on the caller.
//! `received == delivered + queued` holds at every moment.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Counters of a System's audit queue.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BarterAuditStats {
    /// Ticks the engine sent that reached the queue.
    pub received: u64,
    /// Ticks handed to the caller by drains.
    pub delivered: u64,
    /// Ticks in the queue now (`received - delivered`).
    pub queued: u64,
    /// The most ticks the queue has held at once.
    pub max_queued: u64,
    /// How often the pump found the queue full and waited.
    pub producer_waits: u64,
    /// The queue's bound, in ticks.
    pub capacity: u64,
    /// 1 once the engine's audit channel has ended (no tick will follow).
    pub ended: u32,
    /// Set to zero.
    pub reserved: u32,
}

struct Inner<T> {
    ticks: VecDeque<T>,
    stats: BarterAuditStats,
    /// Set by shutdown: the bound no longer applies.
    unbounded: bool,
}

pub struct AuditQueue<T> {
    inner: Mutex<Inner<T>>,
    readable: Condvar,
    writable: Condvar,
}

impl<T> AuditQueue<T> {
    pub fn new(capacity: usize) -> Self {
        let inner = Inner {
            ticks: VecDeque::new(),
            stats: BarterAuditStats {
                capacity: capacity as u64,
                ..Default::default()
            },
            unbounded: false,
        };
        Self {
            inner: Mutex::new(inner),
            readable: Condvar::new(),
            writable: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner<T>> {
        // A panic never happens while the lock is held; recover regardless.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Appends one tick, waiting while the queue is full and bounded.
    pub fn push(&self, tick: T) {
        let mut inner = self.lock();
        let mut waited = false;
        while !inner.unbounded && inner.ticks.len() as u64 >= inner.stats.capacity {
            waited = true;
            inner = self.writable.wait(inner).unwrap_or_else(|p| p.into_inner());
        }
        let stats = &mut inner.stats;
        stats.producer_waits += u64::from(waited);
        stats.received += 1;
        stats.queued += 1;
        stats.max_queued = stats.max_queued.max(stats.queued);
        inner.ticks.push_back(tick);
        self.readable.notify_all();
    }

    /// No tick will follow: wakes every drain.
    pub fn end(&self) {
        self.lock().stats.ended = 1;
        self.readable.notify_all();
    }

    /// Lifts the bound, so that a pump waiting on a full queue goes on.
    pub fn unbound(&self) {
        self.lock().unbounded = true;
        self.writable.notify_all();
    }

    /// Up to `max` ticks, waiting up to `timeout` for the first one;
    /// returns at once when ticks are queued or the audit ended.
    pub fn drain(&self, max: usize, timeout: Duration) -> Vec<T> {
        let deadline = Instant::now().checked_add(timeout);
        let mut inner = self.lock();
        while inner.ticks.is_empty() && inner.stats.ended == 0 {
            let left = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                None => Duration::from_secs(3600),
            };
            if left.is_zero() {
                break;
            }
            inner = self
                .readable
                .wait_timeout(inner, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        let count = inner.ticks.len().min(max);
        let out: Vec<T> = inner.ticks.drain(..count).collect();
        inner.stats.delivered += count as u64;
        inner.stats.queued -= count as u64;
        if count > 0 {
            self.writable.notify_all();
        }
        out
    }

    pub fn stats(&self) -> BarterAuditStats {
        self.lock().stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_full_queue_holds_the_producer_until_a_drain_and_loses_nothing() {
        let queue = Arc::new(AuditQueue::new(2));
        let producer = {
            let queue = Arc::clone(&queue);
            std::thread::spawn(move || {
                for n in 0..10u32 {
                    queue.push(n);
                }
                queue.end();
            })
        };
        let mut seen = Vec::new();
        loop {
            let drained = queue.drain(3, Duration::from_secs(5));
            let stats = queue.stats();
            assert!(stats.queued <= 2);
            assert_eq!(stats.received, stats.delivered + stats.queued);
            if drained.is_empty() && stats.ended == 1 {
                break;
            }
            seen.extend(drained);
        }
        producer.join().unwrap();
        assert_eq!(seen, (0..10).collect::<Vec<_>>());
        assert!(queue.stats().producer_waits > 0);
    }

    #[test]
    fn unbounding_releases_a_waiting_producer() {
        let queue = Arc::new(AuditQueue::new(1));
        queue.push(1);
        let producer = {
            let queue = Arc::clone(&queue);
            std::thread::spawn(move || queue.push(2))
        };
        std::thread::sleep(Duration::from_millis(20));
        queue.unbound();
        producer.join().unwrap();
        assert_eq!(queue.stats().queued, 2);
    }

    #[test]
    fn a_drain_of_an_empty_queue_times_out() {
        let queue = AuditQueue::<u32>::new(4);
        let start = Instant::now();
        assert!(queue.drain(8, Duration::from_millis(30)).is_empty());
        assert!(start.elapsed() >= Duration::from_millis(30));
    }
}
