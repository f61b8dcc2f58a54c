//! `EventSink`: a bounded, ordered queue that Rust code in the library pushes
//! barter events into and that C (Python) drains through the ABI.
//!
//! - Any Rust code (a session, a test driver, a future engine hook) holds an
//!   `Arc<EventSink>` and calls [`EventSink::push`] with an `OrderEvent` or an
//!   `AccountEvent`, in either key form.
//! - The consumer calls `barter_event_sink_drain`: it waits at most a timeout
//!   for the first event, then takes up to `max_events` queued events and
//!   hands them over as C structs in one owned `BarterEventBatch`, freed by
//!   `barter_event_batch_free`. Rust threads never call into the consumer.
//! - Events leave in push order: each accepted push gets the next sequence
//!   number of the sink (0, 1, 2, ...), and a drain returns the lowest ones.
//! - The queue is bounded. When it is full, a push either waits for room
//!   (`BARTER_SINK_FULL_POLICY_BLOCK`) or fails at once with the event handed
//!   back to the producer (`BARTER_SINK_FULL_POLICY_REJECT`). A push to a
//!   closed sink fails too. Every failed push is counted in `rejected`;
//!   nothing is dropped without being counted.
//! - `BarterSinkStats` is readable at any time. Every finished push is either
//!   accepted or rejected, and every accepted event is pending, drained,
//!   discarded (still queued when the sink was freed or discarded) or failed
//!   (could not be converted to C when drained, see `BarterSinkError`):
//!   `pushed = rejected + pending + drained + discarded + failed`.

use crate::ctypes::account::BarterAccountEvent;
use crate::ctypes::arena::Arena;
use crate::ctypes::c_tag;
use crate::ctypes::order_event::BarterOrderEvent;
use crate::ctypes::strings::BarterStr;
use crate::ctypes::ToC;
use crate::limits::current as current_limits;
use crate::messages::{BarterKeys, BarterMessage};
use crate::status::{ffi_call, out_param, take_owned, BarterStatus, FfiError};
use barter_execution::order::state::OrderState;
use barter_execution::order::OrderEvent;
use barter_execution::{AccountEvent, UnindexedAccountEvent};
use barter_instrument::asset::name::AssetNameExchange;
use barter_instrument::exchange::ExchangeId;
use barter_instrument::instrument::name::InstrumentNameExchange;
use serde::Serialize;
use std::collections::VecDeque;
use std::ffi::c_void;
use std::io;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// barter's `OrderEvent<OrderState>` with exchange and instrument names, as
/// execution clients and MockExchange use them.
pub type UnindexedOrderEvent = OrderEvent<
    OrderState<AssetNameExchange, InstrumentNameExchange>,
    ExchangeId,
    InstrumentNameExchange,
>;

/// What travels through a sink: barter's order and account events, in both
/// key forms.
#[derive(Debug, Clone, PartialEq)]
pub enum SinkEvent {
    OrderEvent(OrderEvent<OrderState>),
    UnindexedOrderEvent(UnindexedOrderEvent),
    AccountEvent(AccountEvent),
    UnindexedAccountEvent(UnindexedAccountEvent),
}

impl From<OrderEvent<OrderState>> for SinkEvent {
    fn from(event: OrderEvent<OrderState>) -> Self {
        SinkEvent::OrderEvent(event)
    }
}

impl From<UnindexedOrderEvent> for SinkEvent {
    fn from(event: UnindexedOrderEvent) -> Self {
        SinkEvent::UnindexedOrderEvent(event)
    }
}

impl From<AccountEvent> for SinkEvent {
    fn from(event: AccountEvent) -> Self {
        SinkEvent::AccountEvent(event)
    }
}

impl From<UnindexedAccountEvent> for SinkEvent {
    fn from(event: UnindexedAccountEvent) -> Self {
        SinkEvent::UnindexedAccountEvent(event)
    }
}

impl SinkEvent {
    fn message_and_keys(&self) -> (BarterMessage, BarterKeys) {
        match self {
            SinkEvent::OrderEvent(_) => (BarterMessage::OrderEvent, BarterKeys::Indexed),
            SinkEvent::UnindexedOrderEvent(_) => (BarterMessage::OrderEvent, BarterKeys::Unindexed),
            SinkEvent::AccountEvent(_) => (BarterMessage::AccountEvent, BarterKeys::Indexed),
            SinkEvent::UnindexedAccountEvent(_) => {
                (BarterMessage::AccountEvent, BarterKeys::Unindexed)
            }
        }
    }

    /// An upper bound of the string bytes its C form needs, and its longest
    /// string.
    fn measure(&self) -> Result<StringSizes, FfiError> {
        match self {
            SinkEvent::OrderEvent(event) => string_sizes(event),
            SinkEvent::UnindexedOrderEvent(event) => string_sizes(event),
            SinkEvent::AccountEvent(event) => string_sizes(event),
            SinkEvent::UnindexedAccountEvent(event) => string_sizes(event),
        }
    }
}

/// The string bytes of a value's serde form: every string value (keys and
/// enum variant tags excluded). Every string a C struct points to is one of
/// them (ids, names, messages), so `total` bounds the arena a conversion needs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct StringSizes {
    pub total: usize,
    pub longest: usize,
}

/// A serde_json formatter that writes nothing and counts string bytes.
struct StringCounter<'a> {
    sizes: &'a mut StringSizes,
    current: usize,
    in_key: bool,
}

impl serde_json::ser::Formatter for StringCounter<'_> {
    fn begin_string<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.current = 0;
        Ok(())
    }

    fn end_string<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        if !self.in_key {
            self.sizes.total += self.current;
            self.sizes.longest = self.sizes.longest.max(self.current);
        }
        Ok(())
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        _: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        self.current += fragment.len();
        Ok(())
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        _: &mut W,
        _: serde_json::ser::CharEscape,
    ) -> io::Result<()> {
        // Every escaped character is one byte of the string (", \, controls).
        self.current += 1;
        Ok(())
    }

    fn begin_object_key<W: ?Sized + io::Write>(&mut self, _: &mut W, _: bool) -> io::Result<()> {
        self.in_key = true;
        Ok(())
    }

    fn end_object_key<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.in_key = false;
        Ok(())
    }
}

pub(crate) fn string_sizes<T: Serialize>(value: &T) -> Result<StringSizes, FfiError> {
    let mut sizes = StringSizes::default();
    let counter = StringCounter {
        sizes: &mut sizes,
        current: 0,
        in_key: false,
    };
    let mut serializer = serde_json::Serializer::with_formatter(io::sink(), counter);
    value
        .serialize(&mut serializer)
        .map_err(|e| FfiError::invalid(format!("event cannot be measured: {e}")))?;
    Ok(sizes)
}

/// What a sink does with a push when it holds `capacity` events.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterSinkFullPolicy {
    /// The producer waits until the consumer drains, or the sink is closed
    /// (then the push fails and is counted in `rejected`).
    Block = 1,
    /// The push fails at once, is counted in `rejected`, and the producer
    /// gets the event back.
    Reject = 2,
}

c_tag!(BarterSinkFullPolicy { Block, Reject });

/// Why a push failed. The event comes back to the producer; the sink has
/// counted it in `rejected`.
#[derive(Debug)]
pub enum PushError {
    /// The queue was full under `BarterSinkFullPolicy::Reject`.
    Full(Box<SinkEvent>),
    /// The sink is closed: nobody will drain it.
    Closed(Box<SinkEvent>),
    /// The event holds a string longer than `BarterLimits.max_string_bytes`.
    Invalid(Box<SinkEvent>, FfiError),
}

impl PushError {
    pub fn into_event(self) -> SinkEvent {
        match self {
            PushError::Full(event) | PushError::Closed(event) | PushError::Invalid(event, _) => {
                *event
            }
        }
    }
}

struct Queued {
    sequence: u64,
    event: SinkEvent,
    string_bytes: usize,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Queued>,
    next_sequence: u64,
    closed: bool,
    waiting_producers: usize,
    waiting_consumers: usize,
    pushed: u64,
    rejected: u64,
    drained: u64,
    discarded: u64,
    failed: u64,
}

/// Counters of a sink (see the module documentation for how they add up).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BarterSinkStats {
    /// Finished push calls: accepted plus rejected.
    pub pushed: u64,
    /// Pushes that failed: queue full (reject policy), sink closed, or an
    /// event over a limit.
    pub rejected: u64,
    /// Events handed to the consumer by a drain.
    pub drained: u64,
    /// Accepted events dropped unread by `barter_event_sink_discard` or by
    /// freeing the sink.
    pub discarded: u64,
    /// Accepted events a drain could not convert to C (reported in the
    /// batch's `errors`).
    pub failed: u64,
    /// Events queued now.
    pub pending: u64,
    /// The most events the queue holds.
    pub capacity: u64,
    /// A `BarterSinkFullPolicy`.
    pub policy: u32,
    /// 1 once the sink is closed, else 0.
    pub closed: u32,
}

/// The queue. Cheap to share: producers hold `Arc<EventSink>`.
pub struct EventSink {
    state: Mutex<State>,
    not_empty: Condvar,
    not_full: Condvar,
    capacity: usize,
    policy: BarterSinkFullPolicy,
}

/// Events taken by one drain, still as barter values.
pub struct Drained {
    pub events: Vec<(u64, SinkEvent)>,
    string_bytes: usize,
    /// The sink is closed and this drain emptied it: no event will follow.
    pub finished: bool,
}

impl EventSink {
    /// A sink holding at most `capacity` (at least 1) events.
    pub fn new(capacity: usize, policy: BarterSinkFullPolicy) -> Result<Arc<Self>, FfiError> {
        if capacity == 0 {
            return Err(FfiError::invalid("sink capacity must be at least 1"));
        }
        Ok(Arc::new(EventSink {
            state: Mutex::new(State::default()),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            capacity,
            policy,
        }))
    }

    // A panic while the lock is held leaves the counters consistent (every
    // update is a plain field write), so a poisoned lock is still usable.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Appends `event`, applying the sink's full-queue policy. Returns the
    /// event's sequence number.
    pub fn push(&self, event: impl Into<SinkEvent>) -> Result<u64, PushError> {
        self.push_with(event.into(), self.policy)
    }

    /// Appends `event` if there is room now, whatever the sink's policy.
    pub fn try_push(&self, event: impl Into<SinkEvent>) -> Result<u64, PushError> {
        self.push_with(event.into(), BarterSinkFullPolicy::Reject)
    }

    fn push_with(&self, event: SinkEvent, policy: BarterSinkFullPolicy) -> Result<u64, PushError> {
        let checked = event.measure().and_then(|sizes| {
            crate::limits::check_string_len(sizes.longest)?;
            Ok(sizes.total)
        });
        let mut state = self.lock();
        let string_bytes = match checked {
            Ok(bytes) => bytes,
            Err(error) => {
                state.pushed += 1;
                state.rejected += 1;
                return Err(PushError::Invalid(Box::new(event), error));
            }
        };
        loop {
            if state.closed {
                state.pushed += 1;
                state.rejected += 1;
                return Err(PushError::Closed(Box::new(event)));
            }
            if state.queue.len() < self.capacity {
                break;
            }
            match policy {
                BarterSinkFullPolicy::Reject => {
                    state.pushed += 1;
                    state.rejected += 1;
                    return Err(PushError::Full(Box::new(event)));
                }
                BarterSinkFullPolicy::Block => {
                    state.waiting_producers += 1;
                    state = self
                        .not_full
                        .wait(state)
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                    state.waiting_producers -= 1;
                }
            }
        }
        let sequence = state.next_sequence;
        state.next_sequence += 1;
        state.pushed += 1;
        state.queue.push_back(Queued {
            sequence,
            event,
            string_bytes,
        });
        let wake = state.waiting_consumers > 0;
        drop(state);
        if wake {
            self.not_empty.notify_all();
        }
        Ok(sequence)
    }

    /// Waits up to `timeout` for an event, then takes up to `max` of them.
    pub fn drain(&self, max: usize, timeout: Duration) -> Drained {
        let deadline = Instant::now().checked_add(timeout);
        let mut state = self.lock();
        while state.queue.is_empty() && !state.closed {
            let now = Instant::now();
            let left = match deadline {
                Some(deadline) if deadline <= now => break,
                Some(deadline) => deadline - now,
                None => Duration::from_secs(3600),
            };
            state.waiting_consumers += 1;
            state = self
                .not_empty
                .wait_timeout(state, left)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
            state.waiting_consumers -= 1;
        }
        let count = max.min(state.queue.len());
        let mut string_bytes = 0;
        let events: Vec<(u64, SinkEvent)> = state
            .queue
            .drain(..count)
            .map(|queued| {
                string_bytes += queued.string_bytes;
                (queued.sequence, queued.event)
            })
            .collect();
        state.drained += count as u64;
        let finished = state.closed && state.queue.is_empty();
        let wake = count > 0 && state.waiting_producers > 0;
        drop(state);
        if wake {
            self.not_full.notify_all();
        }
        Drained {
            events,
            string_bytes,
            finished,
        }
    }

    /// Stops accepting events and wakes every waiting producer (their pushes
    /// fail) and consumer. Queued events stay drainable.
    pub fn close(&self) {
        let mut state = self.lock();
        state.closed = true;
        drop(state);
        self.not_full.notify_all();
        self.not_empty.notify_all();
    }

    /// Drops every queued event, counting them in `discarded`. Returns how
    /// many there were.
    pub fn discard(&self) -> u64 {
        let mut state = self.lock();
        let count = state.queue.len() as u64;
        state.queue.clear();
        state.discarded += count;
        let wake = count > 0 && state.waiting_producers > 0;
        drop(state);
        if wake {
            self.not_full.notify_all();
        }
        count
    }

    /// How many more events fit now.
    pub fn free_slots(&self) -> usize {
        self.capacity.saturating_sub(self.lock().queue.len())
    }

    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }

    pub fn stats(&self) -> BarterSinkStats {
        let state = self.lock();
        BarterSinkStats {
            pushed: state.pushed,
            rejected: state.rejected,
            drained: state.drained,
            discarded: state.discarded,
            failed: state.failed,
            pending: state.queue.len() as u64,
            capacity: self.capacity as u64,
            policy: self.policy as u32,
            closed: u32::from(state.closed),
        }
    }

    fn count_failed(&self, count: u64) {
        if count > 0 {
            self.lock().failed += count;
        }
    }
}

// --- the C side -----------------------------------------------------------------------

/// A handle on an `EventSink`: the consumer's end. Opaque.
pub struct BarterEventSink {
    pub(crate) sink: Arc<EventSink>,
}

impl BarterEventSink {
    pub(crate) fn into_raw(sink: Arc<EventSink>) -> *mut BarterEventSink {
        Box::into_raw(Box::new(BarterEventSink { sink }))
    }
}

/// One drained event: which array of the batch holds it, and where.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterSinkEntry {
    /// `BARTER_MESSAGE_ORDER_EVENT` (the event is in `order_events`) or
    /// `BARTER_MESSAGE_ACCOUNT_EVENT` (in `account_events`).
    pub message: u32,
    /// The `BarterKeys` form of the event's keys.
    pub keys: u32,
    /// The event's position in its array.
    pub index: usize,
    /// The event's sequence number in its sink (0 for the first push
    /// accepted, then 1, 2, ...).
    pub sequence: u64,
}

/// An accepted event a drain could not convert to C (for instance a string
/// over `BarterLimits.max_string_bytes` after the limits were lowered). It is
/// counted in `BarterSinkStats.failed`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterSinkError {
    pub sequence: u64,
    /// The `BarterStatus` of the failed conversion.
    pub status: u32,
    /// Set to zero.
    pub reserved: u32,
    pub message: BarterStr,
}

/// Set in `BarterEventBatch.flags` when the sink is closed and this batch
/// took its last event: no drain will return an event again.
pub const BARTER_EVENT_BATCH_FINISHED: u32 = 1;

/// The events of one drain, in sequence order. Every pointer in it and every
/// view inside its items points into memory the batch owns: valid until
/// `barter_event_batch_free`. Read-only.
#[repr(C)]
pub struct BarterEventBatch {
    /// `len` entries in sequence order, one per event.
    pub entries: *const BarterSinkEntry,
    pub len: usize,
    /// The order events of the batch, in sequence order.
    pub order_events: *const BarterOrderEvent,
    pub order_events_len: usize,
    /// The account events of the batch, in sequence order.
    pub account_events: *const BarterAccountEvent,
    pub account_events_len: usize,
    /// Events that could not be converted; they have no entry.
    pub errors: *const BarterSinkError,
    pub errors_len: usize,
    /// The one buffer all string views of the events point into.
    pub strings: BarterStr,
    /// `BARTER_EVENT_BATCH_FINISHED` or 0.
    pub flags: u32,
    /// Set to zero.
    pub reserved: u32,
}

/// The allocation behind a batch; the view comes first so the pointer
/// handed out is also the pointer to free.
#[repr(C)]
struct OwnedBatch {
    view: BarterEventBatch,
    entries: Vec<BarterSinkEntry>,
    order_events: Vec<BarterOrderEvent>,
    account_events: Vec<BarterAccountEvent>,
    errors: Vec<BarterSinkError>,
    messages: Vec<String>,
    arena: Arena,
}

fn convert(event: &SinkEvent, arena: &mut Arena) -> Result<Converted, FfiError> {
    Ok(match event {
        SinkEvent::OrderEvent(event) => Converted::Order(event.to_c(arena)?),
        SinkEvent::UnindexedOrderEvent(event) => Converted::Order(event.to_c(arena)?),
        SinkEvent::AccountEvent(event) => Converted::Account(Box::new(event.to_c(arena)?)),
        SinkEvent::UnindexedAccountEvent(event) => Converted::Account(Box::new(event.to_c(arena)?)),
    })
}

enum Converted {
    Order(BarterOrderEvent),
    Account(Box<BarterAccountEvent>),
}

fn into_batch(sink: &EventSink, drained: Drained) -> *mut BarterEventBatch {
    let mut owned = Box::new(OwnedBatch {
        view: BarterEventBatch {
            entries: std::ptr::null(),
            len: 0,
            order_events: std::ptr::null(),
            order_events_len: 0,
            account_events: std::ptr::null(),
            account_events_len: 0,
            errors: std::ptr::null(),
            errors_len: 0,
            strings: BarterStr::EMPTY,
            flags: 0,
            reserved: 0,
        },
        entries: Vec::with_capacity(drained.events.len()),
        order_events: Vec::new(),
        account_events: Vec::new(),
        errors: Vec::new(),
        messages: Vec::new(),
        arena: Arena::with_capacity(drained.string_bytes),
    });
    let mut failures = Vec::new();
    for (sequence, event) in &drained.events {
        let (message, keys) = event.message_and_keys();
        let index = match convert(event, &mut owned.arena) {
            Ok(Converted::Order(c)) => {
                owned.order_events.push(c);
                owned.order_events.len() - 1
            }
            Ok(Converted::Account(c)) => {
                owned.account_events.push(*c);
                owned.account_events.len() - 1
            }
            Err(error) => {
                failures.push((*sequence, error));
                continue;
            }
        };
        owned.entries.push(BarterSinkEntry {
            message: message as u32,
            keys: keys as u32,
            index,
            sequence: *sequence,
        });
    }
    sink.count_failed(failures.len() as u64);
    owned.messages = failures.iter().map(|(_, e)| e.message.clone()).collect();
    owned.errors = failures
        .iter()
        .zip(&owned.messages)
        .map(|((sequence, error), message)| BarterSinkError {
            sequence: *sequence,
            status: error.status as u32,
            reserved: 0,
            message: BarterStr::borrowing(message),
        })
        .collect();
    owned.view = BarterEventBatch {
        entries: owned.entries.as_ptr(),
        len: owned.entries.len(),
        order_events: owned.order_events.as_ptr(),
        order_events_len: owned.order_events.len(),
        account_events: owned.account_events.as_ptr(),
        account_events_len: owned.account_events.len(),
        errors: owned.errors.as_ptr(),
        errors_len: owned.errors.len(),
        strings: owned.arena.as_view(),
        flags: if drained.finished {
            BARTER_EVENT_BATCH_FINISHED
        } else {
            0
        },
        reserved: 0,
    };
    Box::into_raw(owned).cast()
}

/// # Safety
/// `sink` must be NULL or a live handle from this library.
pub(crate) unsafe fn sink_ref<'a>(sink: *const BarterEventSink) -> Result<&'a EventSink, FfiError> {
    // SAFETY: per this function's contract.
    unsafe { sink.as_ref() }
        .map(|handle| handle.sink.as_ref())
        .ok_or_else(|| FfiError::null("sink"))
}

/// Creates a sink holding at most `capacity` (at least 1) events, with the
/// full-queue `policy` (a `BarterSinkFullPolicy`), at `*out_sink`.
///
/// # Safety
/// `out_sink` must be NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_event_sink_new(
    capacity: usize,
    policy: u32,
    out_sink: *mut *mut BarterEventSink,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_sink = unsafe { out_param(out_sink, "out_sink") }?;
        *out_sink = std::ptr::null_mut();
        let policy = BarterSinkFullPolicy::from_raw(policy)?;
        *out_sink = BarterEventSink::into_raw(EventSink::new(capacity, policy)?);
        Ok(())
    })
}

/// Waits up to `timeout_ms` milliseconds for an event, then moves up to
/// `max_events` (at least 1) queued events, oldest first, into a new batch at
/// `*out_batch`. The batch is empty when the wait timed out, and when the
/// sink is closed and empty (then `flags` has `BARTER_EVENT_BATCH_FINISHED`).
/// Closing the sink wakes a waiting drain at once. Any number of threads may
/// drain one sink; each event goes to exactly one drain.
///
/// # Safety
/// `sink` must be NULL or a live handle; `out_batch` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_event_sink_drain(
    sink: *const BarterEventSink,
    max_events: usize,
    timeout_ms: u32,
    out_batch: *mut *mut BarterEventBatch,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_batch = unsafe { out_param(out_batch, "out_batch") }?;
        *out_batch = std::ptr::null_mut();
        // SAFETY: per this function's contract.
        let sink = unsafe { sink_ref(sink) }?;
        if max_events == 0 {
            return Err(FfiError::invalid("max_events must be at least 1"));
        }
        let max_events = max_events.min(current_limits().max_events_per_call);
        let drained = sink.drain(max_events, Duration::from_millis(timeout_ms.into()));
        *out_batch = into_batch(sink, drained);
        Ok(())
    })
}

/// Frees the batch `*batch` points to and sets `*batch` to NULL. Passing
/// NULL, or a pointer to NULL, does nothing.
///
/// # Safety
/// `*batch` must be NULL or a batch from `barter_event_sink_drain` not yet
/// freed.
#[no_mangle]
pub unsafe extern "C" fn barter_event_batch_free(
    batch: *mut *mut BarterEventBatch,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        if let Some(raw) = unsafe { take_owned(batch) } {
            // SAFETY: `raw` came from `into_batch` and is freed once.
            drop(unsafe { Box::from_raw(raw.cast::<OwnedBatch>()) });
        }
        Ok(())
    })
}

/// Writes the sink's counters to `*out`.
///
/// # Safety
/// `sink` must be NULL or a live handle; `out` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_event_sink_stats(
    sink: *const BarterEventSink,
    out: *mut BarterSinkStats,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out = unsafe { out_param(out, "out") }?;
        *out = unsafe { sink_ref(sink) }?.stats();
        Ok(())
    })
}

/// Closes the sink: later pushes fail (counted in `rejected`), producers
/// waiting for room give up, and a waiting drain returns. Queued events stay
/// drainable. Closing twice is harmless.
///
/// # Safety
/// `sink` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn barter_event_sink_close(sink: *const BarterEventSink) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        unsafe { sink_ref(sink) }?.close();
        Ok(())
    })
}

/// Drops every queued event unread, counting them in `discarded`, and writes
/// how many there were to `*out_discarded` (which may be NULL).
///
/// # Safety
/// `sink` must be NULL or a live handle; `out_discarded` NULL or valid for
/// writes.
#[no_mangle]
pub unsafe extern "C" fn barter_event_sink_discard(
    sink: *const BarterEventSink,
    out_discarded: *mut u64,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let count = unsafe { sink_ref(sink) }?.discard();
        // SAFETY: per this function's contract.
        if let Some(out) = unsafe { out_discarded.as_mut() } {
            *out = count;
        }
        Ok(())
    })
}

/// Releases the handle `*sink` points to and sets `*sink` to NULL; NULL or a
/// pointer to NULL does nothing. The handle is the consumer's end: freeing it
/// closes the sink and discards what is still queued (counted, see
/// `BarterSinkStats`). Rust producers may keep the queue itself alive; their
/// pushes fail from then on. No other call on this handle may be running or
/// start: close the sink first to wake a blocked drain, and wait for it.
///
/// # Safety
/// `*sink` must be NULL or a handle from this library not yet freed.
#[no_mangle]
pub unsafe extern "C" fn barter_event_sink_free(sink: *mut *mut BarterEventSink) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        if let Some(raw) = unsafe { take_owned(sink) } {
            // SAFETY: `raw` came from `into_raw` and is freed once.
            let handle = unsafe { Box::from_raw(raw) };
            handle.sink.close();
            handle.sink.discard();
        }
        Ok(())
    })
}

/// The item pointer of a `BarterEventBatch` array, for the ABI tests.
#[doc(hidden)]
pub fn batch_items(batch: &BarterEventBatch) -> (*const c_void, *const c_void) {
    (batch.order_events.cast(), batch.account_events.cast())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctypes::FromC;
    use crate::samples;
    use crate::testing::producer::test_order_event;

    fn assert_bound_suffices<T: Serialize + ToC + std::fmt::Debug>(values: Vec<(&str, T)>) {
        for (case, value) in values {
            let sizes = string_sizes(&value).unwrap();
            // The arena refuses to grow: a conversion fails if the bound is short.
            let mut arena = Arena::with_capacity(sizes.total);
            value
                .to_c(&mut arena)
                .unwrap_or_else(|e| panic!("{case}: {e} ({sizes:?}, {value:?})"));
            assert!(arena.as_view().len <= sizes.total, "{case}");
        }
    }

    #[test]
    fn string_sizes_bound_every_sample_conversion() {
        assert_bound_suffices(samples::order_events());
        assert_bound_suffices(samples::unindexed_order_events());
        assert_bound_suffices(samples::account_events::<samples::Indexed>());
        assert_bound_suffices(samples::account_events::<samples::Unindexed>());
        assert_bound_suffices(samples::responses_open::<samples::Unindexed>());
        assert_bound_suffices(samples::responses_cancel::<samples::Unindexed>());
    }

    #[test]
    fn exchange_names_are_serde_names() {
        // `ToC` pushes `ExchangeId::as_str`; the bound counts serde's name.
        // serde lists every name in its error for an unknown one.
        let error = serde_json::from_str::<ExchangeId>("\"?\"")
            .unwrap_err()
            .to_string();
        let names: Vec<&str> = error.split('`').skip(3).step_by(2).collect();
        assert!(names.len() > 30, "{error}");
        for name in names {
            // (an alias such as `huobi` reads as its variant, `htx`)
            let exchange: ExchangeId = serde_json::from_value(name.into()).unwrap();
            let serde_name = serde_json::to_value(exchange).unwrap();
            assert_eq!(serde_name, exchange.as_str());
            assert_eq!(
                string_sizes(&exchange).unwrap().total,
                exchange.as_str().len()
            );
        }
    }

    fn order(n: u64) -> SinkEvent {
        test_order_event(0, n, BarterKeys::Unindexed)
    }

    #[test]
    fn drains_in_order_and_counts() {
        let sink = EventSink::new(8, BarterSinkFullPolicy::Reject).unwrap();
        for n in 0..8 {
            assert_eq!(sink.push(order(n)).unwrap(), n);
        }
        assert!(matches!(sink.push(order(8)), Err(PushError::Full(_))));
        let drained = sink.drain(5, Duration::ZERO);
        let sequences: Vec<u64> = drained.events.iter().map(|(s, _)| *s).collect();
        assert_eq!(sequences, [0, 1, 2, 3, 4]);
        assert_eq!(drained.events[2].1, order(2));
        assert_eq!(sink.push(order(9)).unwrap(), 8);
        sink.close();
        assert!(matches!(sink.push(order(10)), Err(PushError::Closed(_))));
        let rest = sink.drain(100, Duration::from_secs(10));
        assert!(rest.finished);
        assert_eq!(rest.events.len(), 4);
        let stats = sink.stats();
        assert_eq!(
            (stats.pushed, stats.rejected, stats.drained, stats.pending),
            (11, 2, 9, 0)
        );
    }

    #[test]
    fn a_blocked_producer_resumes_after_a_drain_and_gives_up_on_close() {
        let sink = EventSink::new(1, BarterSinkFullPolicy::Block).unwrap();
        sink.push(order(0)).unwrap();
        let producer = {
            let sink = Arc::clone(&sink);
            std::thread::spawn(move || {
                let second = sink.push(order(1)).is_ok();
                let third = sink.push(order(2));
                (second, matches!(third, Err(PushError::Closed(_))))
            })
        };
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(sink.drain(1, Duration::ZERO).events.len(), 1);
        // The producer now fills the queue again and blocks on the third.
        while sink.stats().pending == 0 {
            std::thread::yield_now();
        }
        std::thread::sleep(Duration::from_millis(20));
        sink.close();
        assert_eq!(producer.join().unwrap(), (true, true));
        assert_eq!(sink.discard(), 1);
        let stats = sink.stats();
        assert_eq!(
            (stats.pushed, stats.rejected, stats.drained, stats.discarded),
            (3, 1, 1, 1)
        );
    }

    #[test]
    fn close_wakes_a_waiting_drain() {
        let sink = EventSink::new(4, BarterSinkFullPolicy::Block).unwrap();
        let consumer = {
            let sink = Arc::clone(&sink);
            std::thread::spawn(move || {
                let start = Instant::now();
                let drained = sink.drain(10, Duration::from_secs(60));
                (drained.events.len(), drained.finished, start.elapsed())
            })
        };
        std::thread::sleep(Duration::from_millis(20));
        sink.close();
        let (len, finished, waited) = consumer.join().unwrap();
        assert_eq!((len, finished), (0, true));
        assert!(waited < Duration::from_secs(10));
    }

    #[test]
    fn batches_hold_c_structs_that_read_back_as_the_events() {
        let sink = EventSink::new(16, BarterSinkFullPolicy::Block).unwrap();
        for n in 0..6 {
            sink.push(test_order_event(3, n, BarterKeys::Indexed))
                .unwrap();
        }
        let account: Vec<UnindexedAccountEvent> = samples::account_events::<samples::Unindexed>()
            .into_iter()
            .map(|(_, event)| event)
            .collect();
        for event in &account {
            sink.push(event.clone()).unwrap();
        }
        let raw = into_batch(&sink, sink.drain(100, Duration::ZERO));
        // SAFETY: a fresh batch, freed below.
        let batch = unsafe { &*raw };
        assert_eq!(batch.len, 6 + account.len());
        assert_eq!(batch.errors_len, 0);
        let entries = unsafe { std::slice::from_raw_parts(batch.entries, batch.len) };
        let orders =
            unsafe { std::slice::from_raw_parts(batch.order_events, batch.order_events_len) };
        let accounts =
            unsafe { std::slice::from_raw_parts(batch.account_events, batch.account_events_len) };
        for (position, entry) in entries.iter().enumerate() {
            assert_eq!(entry.sequence, position as u64);
            if position < 6 {
                assert_eq!(entry.message, BarterMessage::OrderEvent as u32);
                let back =
                    unsafe { OrderEvent::<OrderState>::from_c(&orders[entry.index]) }.unwrap();
                assert_eq!(
                    SinkEvent::OrderEvent(back),
                    test_order_event(3, position as u64, BarterKeys::Indexed)
                );
            } else {
                assert_eq!(entry.message, BarterMessage::AccountEvent as u32);
                assert_eq!(entry.keys, BarterKeys::Unindexed as u32);
                let back =
                    unsafe { UnindexedAccountEvent::from_c(&accounts[entry.index]) }.unwrap();
                assert_eq!(back, account[position - 6]);
            }
        }
        let mut raw = raw;
        // SAFETY: freed once.
        assert_eq!(
            unsafe { barter_event_batch_free(&mut raw) },
            BarterStatus::Ok
        );
        assert!(raw.is_null());
    }
}
