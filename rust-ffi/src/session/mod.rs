//! A paper-trading session: a Tokio runtime inside the library running
//! barter-execution's real `MockExchange` and its `MockExecution` client,
//! configured in barter's own config shape (see `config`).
//!
//! The caller sends typed requests (`barter_session_open_order`,
//! `barter_session_cancel_order`) and gets barter's typed answers back; every
//! event the system raises goes into the session's `EventSink`, which the
//! caller drains through `barter_session_sink` (see `driver` for which events,
//! in which order). Rust threads never call the caller.
//!
//! Threads: one Tokio worker thread (named `barter-session`) runs
//! MockExchange, its latency timers and the driver. `barter_session_close`
//! stops the runtime and joins that thread.

pub mod config;
pub mod driver;

use crate::ctypes::arena::Arena;
use crate::ctypes::order_event::{BarterOrderRequestCancel, BarterOrderRequestOpen};
use crate::ctypes::strings::BarterStr;
use crate::ctypes::{FromC, ToC};
use crate::messages::{BarterKeys, BarterMessage};
use crate::sink::{string_sizes, BarterEventSink, BarterSinkFullPolicy, EventSink};
use crate::status::{at, ffi_call, out_param, BarterStatus, FfiError};
use barter_execution::client::mock::MockExecution;
use barter_execution::exchange::mock::MockExchange;
use barter_instrument::exchange::ExchangeId;
use driver::{Command, Driver, UnindexedOrderRequestCancel, UnindexedOrderRequestOpen};
use serde::Serialize;
use std::any::Any;
use std::ffi::c_void;
use std::sync::{mpsc as std_mpsc, Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

/// Default of `BarterSessionOptions.queue_capacity`.
pub const BARTER_SESSION_DEFAULT_QUEUE_CAPACITY: usize = 65_536;
/// Default of `BarterSessionOptions.request_timeout_ms`.
pub const BARTER_SESSION_DEFAULT_REQUEST_TIMEOUT_MS: u32 = 5_000;
/// How long `barter_session_close` lets the runtime finish its tasks.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);
/// Slack for a caller waiting on the driver beyond the request timeout.
const REPLY_GRACE: Duration = Duration::from_secs(10);
/// MockExchange's account stream buffer (barter's builder uses 256).
const ACCOUNT_STREAM_CAPACITY: usize = 4096;

/// Settings of a session beyond its barter configuration. A zero field takes
/// its default.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct BarterSessionOptions {
    /// Events the session's queue holds before requests are refused with
    /// `BARTER_STATUS_LIMIT_EXCEEDED` (default
    /// `BARTER_SESSION_DEFAULT_QUEUE_CAPACITY`, at least 3).
    pub queue_capacity: usize,
    /// How long MockExchange may take to answer a request before the session
    /// answers `Connectivity(Timeout)` itself, as barter's ExecutionManager
    /// does (default `BARTER_SESSION_DEFAULT_REQUEST_TIMEOUT_MS`).
    pub request_timeout_ms: u32,
    /// Set to zero.
    pub reserved: u32,
}

/// A running paper-trading session. Opaque.
pub struct BarterSession {
    running: Mutex<Option<Running>>,
    sink: Arc<EventSink>,
    exchange: ExchangeId,
    request_timeout: Duration,
}

struct Running {
    runtime: tokio::runtime::Runtime,
    commands: mpsc::UnboundedSender<Command>,
}

/// barter's answer to one request, as a C struct. Every view inside `item`
/// points into memory the reply owns: valid until `barter_session_reply_free`.
#[repr(C)]
pub struct BarterSessionReply {
    /// `BARTER_MESSAGE_ORDER_RESPONSE_OPEN` (`item` is a
    /// `BarterOrderResponseOpen`) or `BARTER_MESSAGE_ORDER_RESPONSE_CANCEL`
    /// (a `BarterOrderResponseCancel`).
    pub message: u32,
    /// `BARTER_KEYS_UNINDEXED`: a session speaks exchange names.
    pub keys: u32,
    pub item: *const c_void,
    /// The one buffer the item's string views point into.
    pub strings: BarterStr,
}

#[repr(C)]
struct OwnedReply {
    view: BarterSessionReply,
    item: Box<dyn Any>,
    arena: Arena,
}

fn into_reply<T>(value: &T, message: BarterMessage) -> Result<*mut BarterSessionReply, FfiError>
where
    T: Serialize + ToC,
    T::C: 'static,
{
    let mut arena = Arena::with_capacity(string_sizes(value)?.total);
    let item: Box<T::C> = Box::new(value.to_c(&mut arena)?);
    let view = BarterSessionReply {
        message: message as u32,
        keys: BarterKeys::Unindexed as u32,
        item: (&*item as *const T::C).cast(),
        strings: arena.as_view(),
    };
    // Moving the boxes moves no heap memory, so the view stays valid.
    Ok(Box::into_raw(Box::new(OwnedReply { view, item, arena })).cast())
}

impl BarterSession {
    fn start(config: &[u8], options: BarterSessionOptions) -> Result<Self, FfiError> {
        let config = config::parse(config)?;
        let capacity = match options.queue_capacity {
            0 => BARTER_SESSION_DEFAULT_QUEUE_CAPACITY,
            n if n < driver::EVENTS_PER_REQUEST => {
                return Err(FfiError::invalid(format!(
                    "queue_capacity is {n}; a session needs at least {}",
                    driver::EVENTS_PER_REQUEST
                )))
            }
            n => n,
        };
        let request_timeout = Duration::from_millis(match options.request_timeout_ms {
            0 => BARTER_SESSION_DEFAULT_REQUEST_TIMEOUT_MS.into(),
            ms => ms.into(),
        });
        let sink = EventSink::new(capacity, BarterSinkFullPolicy::Reject)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("barter-session")
            .enable_time()
            .build()
            .map_err(|e| FfiError::invalid(format!("cannot start the Tokio runtime: {e}")))?;
        let exchange = config.mock.mocked_exchange;
        let (request_tx, request_rx) = mpsc::unbounded_channel();
        let (event_tx, event_rx) = broadcast::channel(ACCOUNT_STREAM_CAPACITY);
        let mock = MockExchange::new(config.mock, request_rx, event_tx, config.instruments);
        let (commands, command_rx) = mpsc::unbounded_channel();
        let driver = Driver {
            client: MockExecution {
                mocked_exchange: exchange,
                clock: chrono::Utc::now as driver::Clock,
                request_tx,
                event_rx,
            },
            exchange,
            sink: Arc::clone(&sink),
            request_timeout,
        };
        let (ready_tx, ready) = std_mpsc::sync_channel(1);
        runtime.spawn(mock.run());
        runtime.spawn(driver.run(command_rx, ready_tx));
        // The account snapshot is the first event, before any request's.
        let _ = ready.recv_timeout(request_timeout + REPLY_GRACE);
        Ok(BarterSession {
            running: Mutex::new(Some(Running { runtime, commands })),
            sink,
            exchange,
            request_timeout,
        })
    }

    fn commands(&self) -> Result<mpsc::UnboundedSender<Command>, FfiError> {
        let running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        match running.as_ref() {
            Some(running) => Ok(running.commands.clone()),
            None => Err(FfiError::invalid("the session is closed")),
        }
    }

    fn check_exchange(&self, exchange: ExchangeId) -> Result<(), FfiError> {
        if exchange == self.exchange {
            return Ok(());
        }
        Err(FfiError::invalid(format!(
            "key.exchange is {}, but this session's MockExchange is {}",
            exchange.as_str(),
            self.exchange.as_str()
        )))
    }

    fn request<T>(&self, command: impl FnOnce(driver::Reply<T>) -> Command) -> Result<T, FfiError> {
        let commands = self.commands()?;
        let (reply, answer) = std_mpsc::sync_channel(1);
        commands
            .send(command(reply))
            .map_err(|_| FfiError::invalid("the session is closed"))?;
        match answer.recv_timeout(self.request_timeout + REPLY_GRACE) {
            Ok(result) => result,
            Err(std_mpsc::RecvTimeoutError::Timeout) => Err(FfiError::invalid(
                "the session did not answer in time (its runtime is stuck)",
            )),
            Err(std_mpsc::RecvTimeoutError::Disconnected) => Err(FfiError::invalid(
                "the session was closed while the request was in flight",
            )),
        }
    }

    /// Stops the runtime (MockExchange, its timers and the driver) and joins
    /// its thread, then closes the sink. Idempotent.
    fn close(&self) {
        let running = self
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(Running { runtime, commands }) = running {
            drop(commands);
            runtime.shutdown_timeout(SHUTDOWN_TIMEOUT);
        }
        self.sink.close();
    }
}

/// # Safety
/// `session` must be NULL or a live handle from `barter_session_new`.
unsafe fn session_ref<'a>(session: *const BarterSession) -> Result<&'a BarterSession, FfiError> {
    // SAFETY: per this function's contract.
    unsafe { session.as_ref() }.ok_or_else(|| FfiError::null("session"))
}

/// Starts a session from `config_len` bytes of JSON in barter's config shape
/// (a `SystemConfig` with one Mock execution: instruments, initial balances,
/// fees and latency) and `options` (NULL for the defaults), at
/// `*out_session`. A bad configuration fails with a message naming the field;
/// nothing is started then.
///
/// # Safety
/// `config` must be valid for reads of `config_len` bytes; `options` NULL or
/// valid for reads; `out_session` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_session_new(
    config: *const u8,
    config_len: usize,
    options: *const BarterSessionOptions,
    out_session: *mut *mut BarterSession,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_session = unsafe { out_param(out_session, "out_session") }?;
        *out_session = std::ptr::null_mut();
        crate::limits::check_input_len(config_len)?;
        // SAFETY: per this function's contract.
        let config = unsafe { crate::batch::input_slice(config, config_len, "config") }?;
        // SAFETY: per this function's contract.
        let options = unsafe { options.as_ref() }.copied().unwrap_or_default();
        let session = BarterSession::start(config, options).map_err(at("config"))?;
        *out_session = Box::into_raw(Box::new(session));
        Ok(())
    })
}

/// Writes a new handle on the session's event queue to `*out_sink`: drain it
/// with `barter_event_sink_drain`, free it with `barter_event_sink_free`
/// (which closes the queue). The queue outlives `barter_session_close`, so
/// events not yet drained stay readable until the handle is freed.
///
/// # Safety
/// `session` must be NULL or a live handle; `out_sink` NULL or valid for
/// writes.
#[no_mangle]
pub unsafe extern "C" fn barter_session_sink(
    session: *const BarterSession,
    out_sink: *mut *mut BarterEventSink,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_sink = unsafe { out_param(out_sink, "out_sink") }?;
        *out_sink = std::ptr::null_mut();
        // SAFETY: per this function's contract.
        let session = unsafe { session_ref(session) }?;
        *out_sink = BarterEventSink::into_raw(Arc::clone(&session.sink));
        Ok(())
    })
}

/// Sends the open request `*request` (unindexed keys, for this session's
/// exchange) to MockExchange, waits for its answer and writes it, a
/// `BarterOrderResponseOpen`, in a new reply at `*out_reply`. MockExchange's
/// rejections (unsupported kind, insufficient balance, unknown instrument)
/// are answers, not failures: the call fails only for an invalid request, a
/// closed session, or a full event queue (`BARTER_STATUS_LIMIT_EXCEEDED`).
///
/// # Safety
/// `session` must be NULL or a live handle; `request` NULL or valid for reads
/// with valid views; `out_reply` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_session_open_order(
    session: *const BarterSession,
    request: *const BarterOrderRequestOpen,
    out_reply: *mut *mut BarterSessionReply,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_reply = unsafe { out_param(out_reply, "out_reply") }?;
        *out_reply = std::ptr::null_mut();
        // SAFETY: per this function's contract.
        let session = unsafe { session_ref(session) }?;
        // SAFETY: per this function's contract.
        let request = unsafe { request.as_ref() }.ok_or_else(|| FfiError::null("request"))?;
        // SAFETY: per this function's contract.
        let request = unsafe { UnindexedOrderRequestOpen::from_c(request) }?;
        session.check_exchange(request.key.exchange)?;
        let response = session.request(|reply| Command::Open(request, reply))?;
        *out_reply = into_reply(&response, BarterMessage::OrderResponseOpen)?;
        Ok(())
    })
}

/// Sends the cancel request `*request` to MockExchange, waits for the answer
/// and writes it, a `BarterOrderResponseCancel`, in a new reply at
/// `*out_reply`. Fails like `barter_session_open_order`.
///
/// # Safety
/// As `barter_session_open_order`.
#[no_mangle]
pub unsafe extern "C" fn barter_session_cancel_order(
    session: *const BarterSession,
    request: *const BarterOrderRequestCancel,
    out_reply: *mut *mut BarterSessionReply,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_reply = unsafe { out_param(out_reply, "out_reply") }?;
        *out_reply = std::ptr::null_mut();
        // SAFETY: per this function's contract.
        let session = unsafe { session_ref(session) }?;
        // SAFETY: per this function's contract.
        let request = unsafe { request.as_ref() }.ok_or_else(|| FfiError::null("request"))?;
        // SAFETY: per this function's contract.
        let request = unsafe { UnindexedOrderRequestCancel::from_c(request) }?;
        session.check_exchange(request.key.exchange)?;
        let response = session.request(|reply| Command::Cancel(request, reply))?;
        *out_reply = into_reply(&response, BarterMessage::OrderResponseCancel)?;
        Ok(())
    })
}

/// Frees the reply `*reply` points to and sets `*reply` to NULL; NULL or a
/// pointer to NULL does nothing.
///
/// # Safety
/// `*reply` must be NULL or a reply from this library not yet freed.
#[no_mangle]
pub unsafe extern "C" fn barter_session_reply_free(
    reply: *mut *mut BarterSessionReply,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        if let Some(slot) = unsafe { reply.as_mut() } {
            let raw = std::mem::replace(slot, std::ptr::null_mut());
            if !raw.is_null() {
                // SAFETY: `raw` came from `into_reply` and is freed once.
                drop(unsafe { Box::from_raw(raw.cast::<OwnedReply>()) });
            }
        }
        Ok(())
    })
}

/// Stops the session: the runtime with MockExchange and the driver stops and
/// its thread is joined (within 5 seconds), requests in flight fail, and the
/// event queue is closed (its events stay drainable). Closing twice is
/// harmless; other calls then fail with "the session is closed".
///
/// # Safety
/// `session` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn barter_session_close(session: *const BarterSession) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        unsafe { session_ref(session) }?.close();
        Ok(())
    })
}

/// Closes the session if it is open, frees it and sets `*session` to NULL;
/// NULL or a pointer to NULL does nothing. No other call on this handle may
/// be running or start.
///
/// # Safety
/// `*session` must be NULL or a handle from `barter_session_new` not yet
/// freed.
#[no_mangle]
pub unsafe extern "C" fn barter_session_free(session: *mut *mut BarterSession) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        if let Some(slot) = unsafe { session.as_mut() } {
            let raw = std::mem::replace(slot, std::ptr::null_mut());
            if !raw.is_null() {
                // SAFETY: `raw` came from `barter_session_new`, freed once.
                let session = unsafe { Box::from_raw(raw) };
                session.close();
            }
        }
        Ok(())
    })
}
