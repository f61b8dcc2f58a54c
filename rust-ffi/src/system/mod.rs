//! A barter `System` inside the library: barter's `Engine` with
//! `DefaultStrategy` and `DefaultRiskManager`, built by barter's
//! `SystemBuilder` from barter's `SystemConfig`, with a `MockExecution`
//! client and barter's `MockExchange` for every execution in the config.
//!
//! The caller sends barter's `Command`s and `TradingState` updates and feeds
//! market events; all of them travel as `EngineEvent`s on the engine's feed
//! channel. barter's `System::send_*` helpers would panic once the engine has
//! stopped, so they are never called: a send on a stopped engine answers
//! `BARTER_STATUS_CLOSED`. The engine's audit ticks are pulled by the caller
//! in batches (see `audit`); Rust threads never call the caller.
//!
//! Threads: one Tokio worker (`barter-system`), plus a blocking thread for
//! the engine in barter's `Iterator` feed mode, and the audit pump
//! (`barter-audit`) when the audit is on. Shutdown joins all of them.

pub mod audit;
pub mod backtest;
mod commands;
pub mod config;
pub mod filter;
pub(crate) mod market;
pub mod stepped;
pub mod summary;
pub mod ticks;
pub mod values;

use crate::batch::input_slice;
use crate::buffer::{into_raw, BarterBuffer};
use crate::ctypes::c_tag;
use crate::ctypes::decimal::BarterDecimal;
use crate::ctypes::market::BarterMarketStreamEvent;
use crate::ctypes::order_event::{BarterOrderRequestCancel, BarterOrderRequestOpen};
use crate::json::BarterJsonFormat;
use crate::status::{at, ffi_call, out_param, BarterStatus, FfiError};
use audit::{AuditQueue, BarterAuditStats};
use barter::engine::clock::LiveClock;
use barter::engine::command::Command;
use barter::engine::execution_tx::MultiExchangeTxMap;
use barter::engine::state::global::DefaultGlobalData;
use barter::engine::state::instrument::data::DefaultInstrumentMarketData;
use barter::engine::state::trading::TradingState;
use barter::engine::state::EngineState;
use barter::engine::Engine;
use barter::risk::DefaultRiskManager;
use barter::shutdown::{AsyncShutdown, Shutdown};
use barter::strategy::DefaultStrategy;
use barter::system::builder::{AuditMode, EngineFeedMode, SystemArgs, SystemBuilder};
use barter::system::System;
use barter::EngineEvent;
use barter_data::event::DataKind;
use barter_data::streams::consumer::MarketStreamEvent;
use barter_instrument::instrument::InstrumentIndex;
use barter_integration::channel::Tx;
use commands::{trading_state, Rules};
use filter::BarterInstrumentFilter;
use rust_decimal::Decimal;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;
use summary::BarterSummaryInterval;
use ticks::BarterAuditBatch;
use values::SystemAuditTick;

/// Default of `BarterSystemOptions.audit_capacity`, in ticks.
pub const BARTER_SYSTEM_DEFAULT_AUDIT_CAPACITY: usize = 65_536;
/// How long a shutdown waits for the engine and each component to stop.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

type State = EngineState<DefaultGlobalData, DefaultInstrumentMarketData>;
type SystemEngine =
    Engine<LiveClock, State, MultiExchangeTxMap, DefaultStrategy<State>, DefaultRiskManager<State>>;
pub(crate) type MarketEvent = MarketStreamEvent<InstrumentIndex, DataKind>;

/// The engine's feed mode (barter's `EngineFeedMode`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterFeedMode {
    /// Async: the engine waits on its feed without using a core. The default.
    Stream = 1,
    /// Sync: the engine runs on its own thread and polls its feed with
    /// `try_recv`, which keeps one core busy even while the System is idle.
    Iterator = 2,
}

c_tag!(BarterFeedMode { Stream, Iterator });

/// How a System starts. A zero field takes its default.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct BarterSystemOptions {
    /// A `BarterFeedMode`; 0 is `Stream`.
    pub feed_mode: u32,
    /// 1: algorithmic trading starts enabled (the default, 0); 2: disabled.
    pub trading_disabled: u32,
    /// 1: the engine sends its audit (`barter_system_audit_drain`); 0: off.
    pub audit: u32,
    /// Set to zero.
    pub reserved: u32,
    /// The audit queue's bound in ticks (default
    /// `BARTER_SYSTEM_DEFAULT_AUDIT_CAPACITY`).
    pub audit_capacity: usize,
}

/// A barter System. Opaque.
pub struct BarterSystem {
    running: Mutex<Option<Running>>,
    /// The engine after shutdown, for its trading summary; or why it is gone.
    stopped: Mutex<Option<Result<SystemEngine, String>>>,
    audit: Option<Audit>,
    rules: Rules,
}

struct Running {
    runtime: tokio::runtime::Runtime,
    system: System<SystemEngine, EngineEvent>,
}

struct Audit {
    queue: Arc<AuditQueue<SystemAuditTick>>,
    /// serde's JSON of the first audit tick, the engine state snapshot.
    snapshot: Vec<u8>,
    pump: Mutex<Option<JoinHandle<()>>>,
}

impl Audit {
    /// Up to `max_ticks` ticks, waiting up to `timeout_ms` for the first
    /// (`u32::MAX`: without limit), as both drain entry points take them.
    fn drain(&self, max_ticks: usize, timeout_ms: u32) -> Vec<SystemAuditTick> {
        let timeout = match timeout_ms {
            u32::MAX => Duration::MAX,
            ms => Duration::from_millis(ms.into()),
        };
        self.queue.drain(max_ticks, timeout)
    }
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

fn closed() -> FfiError {
    FfiError::new(
        BarterStatus::Closed,
        "the System has stopped: its engine takes no more events",
    )
}

fn option(value: u32, name: &str, allowed: u32) -> Result<u32, FfiError> {
    if value <= allowed {
        return Ok(value);
    }
    Err(FfiError::invalid(format!(
        "options.{name} is {value}, expected 0 to {allowed}"
    )))
}

impl BarterSystem {
    fn start(
        config: &[u8],
        balances: &[u8],
        options: BarterSystemOptions,
    ) -> Result<Self, FfiError> {
        let feed_mode = match options.feed_mode {
            0 => BarterFeedMode::Stream,
            raw => BarterFeedMode::from_raw(raw).map_err(at("options.feed_mode"))?,
        };
        let trading = match option(options.trading_disabled, "trading_disabled", 2)? {
            2 => TradingState::Disabled,
            _ => TradingState::Enabled,
        };
        let audit_on = option(options.audit, "audit", 1)? == 1;
        let capacity = match options.audit_capacity {
            0 => BARTER_SYSTEM_DEFAULT_AUDIT_CAPACITY,
            n => n,
        };
        let setup = config::parse(config, balances)?;
        let rules = Rules::of(&setup.instruments, &setup.executions);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("barter-system")
            .enable_all()
            .build()
            .map_err(|e| FfiError::invalid(format!("cannot start the Tokio runtime: {e}")))?;
        let args = SystemArgs::new(
            &setup.instruments,
            setup.executions,
            LiveClock,
            DefaultStrategy::default(),
            DefaultRiskManager::default(),
            // Market events arrive on the feed itself (`barter_system_feed_market`).
            futures::stream::pending::<MarketEvent>(),
            DefaultGlobalData,
            |_| DefaultInstrumentMarketData::default(),
        );
        let build = SystemBuilder::new(args)
            .engine_feed_mode(match feed_mode {
                BarterFeedMode::Stream => EngineFeedMode::Stream,
                BarterFeedMode::Iterator => EngineFeedMode::Iterator,
            })
            .audit_mode(if audit_on {
                AuditMode::Enabled
            } else {
                AuditMode::Disabled
            })
            .trading_state(trading)
            .balances(setup.balances)
            .build::<EngineEvent, _>()
            .map_err(|e| FfiError::invalid(format!("barter refused the System: {e}")))?;
        let mut system = runtime
            .block_on(build.init_with_runtime(runtime.handle().clone()))
            .map_err(|e| FfiError::invalid(format!("the System did not start: {e}")))?;
        let audit = match system.take_audit() {
            None => None,
            Some(audit) => {
                let snapshot = serde_json::to_vec(&audit.snapshot).map_err(|e| {
                    FfiError::invalid(format!("cannot serialise the engine state: {e}"))
                })?;
                let queue = Arc::new(AuditQueue::new(capacity));
                let mut updates = audit.updates.rx;
                let pump_queue = Arc::clone(&queue);
                let pump = std::thread::Builder::new()
                    .name("barter-audit".into())
                    .spawn(move || {
                        while let Some(tick) = updates.blocking_recv() {
                            pump_queue.push(tick);
                        }
                        pump_queue.end();
                    })
                    .map_err(|e| FfiError::invalid(format!("cannot start the audit pump: {e}")))?;
                Some(Audit {
                    queue,
                    snapshot,
                    pump: Mutex::new(Some(pump)),
                })
            }
        };
        Ok(BarterSystem {
            running: Mutex::new(Some(Running { runtime, system })),
            stopped: Mutex::new(None),
            audit,
            rules,
        })
    }

    fn send(&self, event: EngineEvent) -> Result<(), FfiError> {
        let running = lock(&self.running);
        let running = running.as_ref().ok_or_else(closed)?;
        running.system.feed_tx.send(event).map_err(|_| closed())
    }

    fn is_running(&self) -> bool {
        lock(&self.running)
            .as_ref()
            .is_some_and(|r| !r.system.engine.is_finished())
    }

    /// Sends checked market events on the feed, in order.
    fn feed(&self, events: Vec<MarketEvent>) -> Result<(), FfiError> {
        let running = lock(&self.running);
        let running = running.as_ref().ok_or_else(closed)?;
        events.into_iter().try_for_each(|event| {
            running
                .system
                .feed_tx
                .send(EngineEvent::Market(event))
                .map_err(|_| closed())
        })
    }

    fn audit(&self) -> Result<&Audit, FfiError> {
        self.audit
            .as_ref()
            .ok_or_else(|| FfiError::invalid("the System was started with its audit off"))
    }

    /// Stops the engine (a `Shutdown` event, then waiting for it), then its
    /// components: gracefully, or aborted. Joins every thread. Idempotent.
    fn stop(&self, graceful: bool) {
        let Some(Running { runtime, system }) = lock(&self.running).take() else {
            return;
        };
        if let Some(audit) = &self.audit {
            // The engine's last ticks must not wait on a caller who may be
            // gone: nothing is dropped, the bound is lifted.
            audit.queue.unbound();
        }
        let System {
            engine,
            mut handles,
            feed_tx,
            audit: _,
        } = system;
        // An engine stopped by an unrecoverable error has no feed any more.
        let _ = feed_tx.send(Shutdown);
        let outcome = runtime.block_on(async {
            let engine = tokio::time::timeout(SHUTDOWN_TIMEOUT, engine).await;
            if graceful {
                let _ = tokio::time::timeout(SHUTDOWN_TIMEOUT, handles.shutdown()).await;
            } else {
                handles.abort();
            }
            engine
        });
        drop(feed_tx);
        runtime.shutdown_timeout(SHUTDOWN_TIMEOUT);
        *lock(&self.stopped) = Some(match outcome {
            Ok(Ok((engine, _))) => Ok(engine),
            Ok(Err(error)) => Err(format!("the engine task failed: {error}")),
            Err(_) => Err(format!(
                "the engine did not stop within {} s",
                SHUTDOWN_TIMEOUT.as_secs()
            )),
        });
        if let Some(audit) = &self.audit {
            if let Some(pump) = lock(&audit.pump).take() {
                let _ = pump.join();
            }
            audit.queue.end();
        }
    }

    fn trading_summary(
        &self,
        risk_free_return: Decimal,
        interval: BarterSummaryInterval,
    ) -> Result<Vec<u8>, FfiError> {
        let stopped = lock(&self.stopped);
        let engine = match stopped.as_ref() {
            None => {
                return Err(FfiError::invalid(
                    "the System is running: shut it down before taking its trading summary",
                ))
            }
            Some(Err(why)) => return Err(FfiError::invalid(why.clone())),
            Some(Ok(engine)) => engine,
        };
        summary::generate(engine.trading_summary_generator(risk_free_return), interval)
    }
}

/// # Safety
/// `system` must be NULL or a live handle from `barter_system_new`.
unsafe fn system_ref<'a>(system: *const BarterSystem) -> Result<&'a BarterSystem, FfiError> {
    // SAFETY: per this function's contract.
    unsafe { system.as_ref() }.ok_or_else(|| FfiError::null("system"))
}

/// Starts a System from `config_len` bytes of barter's `SystemConfig` JSON
/// (barter's `examples/config/system_config.json` loads as it is), the
/// initial engine balances (`balances_len` bytes of a JSON array of barter's
/// `Keyed<ExchangeAsset<AssetNameInternal>, Balance>`; length 0 for none),
/// and `options` (NULL for the defaults), at `*out_system`. It returns once
/// the engine runs. A bad config fails with a message naming the field, and
/// nothing is started then.
///
/// # Safety
/// `config` and `balances` must be valid for reads of their lengths (NULL
/// only with length 0); `options` NULL or valid for reads; `out_system` NULL
/// or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_system_new(
    config: *const u8,
    config_len: usize,
    balances: *const u8,
    balances_len: usize,
    options: *const BarterSystemOptions,
    out_system: *mut *mut BarterSystem,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_system = unsafe { out_param(out_system, "out_system") }?;
        *out_system = std::ptr::null_mut();
        crate::limits::check_input_len(config_len)?;
        crate::limits::check_input_len(balances_len)?;
        // SAFETY (all three): per this function's contract.
        let config = unsafe { input_slice(config, config_len, "config") }?;
        let balances = unsafe { input_slice(balances, balances_len, "balances") }?;
        let options = unsafe { options.as_ref() }.copied().unwrap_or_default();
        let system = BarterSystem::start(config, balances, options)?;
        *out_system = Box::into_raw(Box::new(system));
        Ok(())
    })
}

/// Sends barter's `Command::SendOpenRequests` with `count` requests (indexed
/// keys). The engine answers in its audit: a request for an exchange without
/// an execution is barter's unrecoverable `IndexError`, which stops the
/// engine. Refused here: an instrument index out of range, and a market
/// order whose cost or fee overflows the decimal arithmetic of the
/// exchange's MockExchange.
///
/// # Safety
/// `system` must be NULL or a live handle; `requests` valid for reads of
/// `count` structs with valid views.
#[no_mangle]
pub unsafe extern "C" fn barter_system_send_open_requests(
    system: *const BarterSystem,
    requests: *const BarterOrderRequestOpen,
    count: usize,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let system = unsafe { system_ref(system) }?;
        // SAFETY: per this function's contract.
        let command = unsafe { system.rules.open_requests(requests, count) }?;
        system.send(command.into())
    })
}

/// Sends barter's `Command::SendCancelRequests`, as
/// `barter_system_send_open_requests`.
///
/// # Safety
/// As `barter_system_send_open_requests`.
#[no_mangle]
pub unsafe extern "C" fn barter_system_send_cancel_requests(
    system: *const BarterSystem,
    requests: *const BarterOrderRequestCancel,
    count: usize,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let system = unsafe { system_ref(system) }?;
        // SAFETY: per this function's contract.
        let command = unsafe { system.rules.cancel_requests(requests, count) }?;
        system.send(command.into())
    })
}

/// # Safety
/// `system` and `filter` must be NULL or valid, the filter's indices valid
/// for reads.
unsafe fn filtered(
    system: *const BarterSystem,
    filter: *const BarterInstrumentFilter,
    command: fn(barter::engine::state::instrument::filter::InstrumentFilter) -> Command,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let system = unsafe { system_ref(system) }?;
        // SAFETY: per this function's contract.
        let command = unsafe { system.rules.filtered(filter, command) }?;
        system.send(command.into())
    })
}

/// Sends barter's `Command::ClosePositions(filter)`: the engine opens market
/// orders that close the matching positions, priced from the market data
/// it has seen.
///
/// # Safety
/// `system` must be NULL or a live handle; `filter` NULL or valid for reads
/// with `indices` valid for reads of its length.
#[no_mangle]
pub unsafe extern "C" fn barter_system_close_positions(
    system: *const BarterSystem,
    filter: *const BarterInstrumentFilter,
) -> BarterStatus {
    // SAFETY: per this function's contract.
    unsafe { filtered(system, filter, Command::ClosePositions) }
}

/// Sends barter's `Command::CancelOrders(filter)`.
///
/// # Safety
/// As `barter_system_close_positions`.
#[no_mangle]
pub unsafe extern "C" fn barter_system_cancel_orders(
    system: *const BarterSystem,
    filter: *const BarterInstrumentFilter,
) -> BarterStatus {
    // SAFETY: per this function's contract.
    unsafe { filtered(system, filter, Command::CancelOrders) }
}

/// Sends barter's `TradingState` update: 1 enables algorithmic trading, 0
/// disables it.
///
/// # Safety
/// `system` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn barter_system_set_trading_enabled(
    system: *const BarterSystem,
    enabled: u32,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let system = unsafe { system_ref(system) }?;
        system.send(EngineEvent::TradingStateUpdate(trading_state(enabled)?))
    })
}

/// Feeds market events into the engine: `len` bytes of barter-data's
/// `MarketStreamEvent<InstrumentIndex, DataKind>` JSON framed as `format`.
/// All or nothing: the first bad event fails the call, named by its line or
/// index with serde's message, and no event is sent.
///
/// # Safety
/// `system` must be NULL or a live handle; `data` valid for reads of `len`.
#[no_mangle]
pub unsafe extern "C" fn barter_system_feed_market(
    system: *const BarterSystem,
    data: *const u8,
    len: usize,
    format: u32,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let system = unsafe { system_ref(system) }?;
        let format = BarterJsonFormat::from_raw(format).map_err(at("format"))?;
        // SAFETY: per this function's contract.
        let data = unsafe { input_slice(data, len, "data") }?;
        system.feed(system.rules.scope.read_json(data, format)?)
    })
}

/// Feeds market events into the engine as `len` `BarterMarketStreamEvent`s
/// with `InstrumentIndex` keys (`Item` or `Reconnecting`; an `Error` item is
/// refused). All or nothing, like `barter_system_feed_market`: the first
/// bad item fails the call, named by its index, and no event is sent. The
/// items are not retained.
///
/// # Safety
/// `system` must be NULL or a live handle; `items` NULL only if `len` is 0,
/// else valid for reads of `len` structs whose views and arrays are valid.
#[no_mangle]
pub unsafe extern "C" fn barter_system_feed_market_events(
    system: *const BarterSystem,
    items: *const BarterMarketStreamEvent,
    len: usize,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let system = unsafe { system_ref(system) }?;
        // SAFETY: per this function's contract.
        let items = unsafe { input_slice(items, len, "items") }?;
        // SAFETY: per this function's contract.
        let events = unsafe { market::read_structs(items) }?;
        system.rules.scope.check_events(&events)?;
        system.feed(events)
    })
}

/// Writes 1 to `*out_running` while the engine runs, else 0 (shut down, or
/// stopped by an unrecoverable error).
///
/// # Safety
/// `system` must be NULL or a live handle; `out_running` NULL or valid for
/// writes.
#[no_mangle]
pub unsafe extern "C" fn barter_system_is_running(
    system: *const BarterSystem,
    out_running: *mut u32,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_running = unsafe { out_param(out_running, "out_running") }?;
        // SAFETY: per this function's contract.
        *out_running = u32::from(unsafe { system_ref(system) }?.is_running());
        Ok(())
    })
}

/// Writes serde's JSON of the audit's first tick, barter's
/// `AuditTick<EngineState>` taken when the engine started, to a new buffer
/// at `*out_buffer`. Fails when the audit is off.
///
/// # Safety
/// `system` must be NULL or a live handle; `out_buffer` NULL or valid for
/// writes.
#[no_mangle]
pub unsafe extern "C" fn barter_system_audit_snapshot(
    system: *const BarterSystem,
    out_buffer: *mut *mut BarterBuffer,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_buffer = unsafe { out_param(out_buffer, "out_buffer") }?;
        *out_buffer = std::ptr::null_mut();
        // SAFETY: per this function's contract.
        let audit = unsafe { system_ref(system) }?.audit()?;
        *out_buffer = into_raw(audit.snapshot.clone());
        Ok(())
    })
}

/// Moves up to `max_ticks` audit ticks, serde's JSON of barter's
/// `AuditTick<EngineAudit<EngineEvent, EngineOutput>>` one per line in
/// engine order, into a new buffer at `*out_buffer`, and their number to
/// `*out_count`. Waits up to `timeout_ms` for the first tick (0: do not
/// wait; `u32::MAX`: without limit); returns at once with 0 ticks once the
/// audit has ended and been drained (see `barter_system_audit_stats`).
///
/// # Safety
/// `system` must be NULL or a live handle; the out-parameters NULL or valid
/// for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_system_audit_drain(
    system: *const BarterSystem,
    max_ticks: usize,
    timeout_ms: u32,
    out_buffer: *mut *mut BarterBuffer,
    out_count: *mut usize,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_buffer = unsafe { out_param(out_buffer, "out_buffer") }?;
        *out_buffer = std::ptr::null_mut();
        // SAFETY: per this function's contract.
        let out_count = unsafe { out_param(out_count, "out_count") }?;
        *out_count = 0;
        // SAFETY: per this function's contract.
        let drained = unsafe { system_ref(system) }?
            .audit()?
            .drain(max_ticks, timeout_ms);
        let mut json = Vec::new();
        for tick in &drained {
            ticks::json_line(&mut json, tick)?;
        }
        *out_buffer = into_raw(json);
        *out_count = drained.len();
        Ok(())
    })
}

/// As `barter_system_audit_drain`, but the ticks as C structs in a new
/// batch at `*out_batch` (see `BarterAuditBatch`), freed by
/// `barter_audit_batch_free`: the usual ticks (an event processed with no
/// output and no error) as the event's struct and the tick's context, the
/// others as serde's JSON.
///
/// # Safety
/// `system` must be NULL or a live handle; `out_batch` NULL or valid for
/// writes.
#[no_mangle]
pub unsafe extern "C" fn barter_system_audit_drain_structs(
    system: *const BarterSystem,
    max_ticks: usize,
    timeout_ms: u32,
    out_batch: *mut *mut BarterAuditBatch,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_batch = unsafe { out_param(out_batch, "out_batch") }?;
        *out_batch = std::ptr::null_mut();
        // SAFETY: per this function's contract.
        let drained = unsafe { system_ref(system) }?
            .audit()?
            .drain(max_ticks, timeout_ms);
        *out_batch = ticks::into_batch(&drained)?;
        Ok(())
    })
}

/// Writes the audit queue's counters to `*out_stats`.
///
/// # Safety
/// `system` must be NULL or a live handle; `out_stats` NULL or valid for
/// writes.
#[no_mangle]
pub unsafe extern "C" fn barter_system_audit_stats(
    system: *const BarterSystem,
    out_stats: *mut BarterAuditStats,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_stats = unsafe { out_param(out_stats, "out_stats") }?;
        // SAFETY: per this function's contract.
        *out_stats = unsafe { system_ref(system) }?.audit()?.queue.stats();
        Ok(())
    })
}

/// Shuts the System down as barter's `System::shutdown` does: a `Shutdown`
/// event to the engine, then the execution components stop gracefully.
/// Every thread is joined; the audit's last ticks stay drainable. Works on
/// an engine already stopped by an error; a second call does nothing.
///
/// # Safety
/// `system` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn barter_system_shutdown(system: *const BarterSystem) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        unsafe { system_ref(system) }?.stop(true);
        Ok(())
    })
}

/// As `barter_system_shutdown`, but the execution components are aborted
/// (barter's `System::abort`).
///
/// # Safety
/// `system` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn barter_system_abort(system: *const BarterSystem) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        unsafe { system_ref(system) }?.stop(false);
        Ok(())
    })
}

/// After shutdown: barter's `TradingSummary` of the engine, for
/// `*risk_free_return` and a `BarterSummaryInterval`, in the JSON form of
/// `summary` (serde's, with `assets` as an array), in a new buffer at
/// `*out_buffer`.
///
/// # Safety
/// `system` must be NULL or a live handle; `risk_free_return` NULL or valid
/// for reads; `out_buffer` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_system_trading_summary(
    system: *const BarterSystem,
    risk_free_return: *const BarterDecimal,
    interval: u32,
    out_buffer: *mut *mut BarterBuffer,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_buffer = unsafe { out_param(out_buffer, "out_buffer") }?;
        *out_buffer = std::ptr::null_mut();
        // SAFETY: per this function's contract.
        let system = unsafe { system_ref(system) }?;
        // SAFETY: per this function's contract.
        let (risk_free_return, interval) =
            unsafe { summary::arguments(risk_free_return, interval) }?;
        *out_buffer = into_raw(system.trading_summary(risk_free_return, interval)?);
        Ok(())
    })
}

/// Shuts the System down if it runs, frees it and sets `*system` to NULL;
/// NULL or a pointer to NULL does nothing. No other call on this handle may
/// be running or start.
///
/// # Safety
/// `*system` must be NULL or a handle from `barter_system_new` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn barter_system_free(system: *mut *mut BarterSystem) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        if let Some(raw) = unsafe { crate::status::take_owned(system) } {
            // SAFETY: `raw` came from `barter_system_new` and is freed once.
            let system = unsafe { Box::from_raw(raw) };
            system.stop(true);
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctypes::arena::Arena;
    use crate::ctypes::ToC;
    use barter_execution::order::id::{ClientOrderId, StrategyId};
    use barter_execution::order::request::{OrderRequestOpen, RequestOpen};
    use barter_execution::order::{OrderEvent, OrderKey, OrderKind, TimeInForce};
    use barter_instrument::exchange::ExchangeIndex;
    use barter_instrument::Side;

    fn market(side: Side, price: Decimal, quantity: Decimal) -> OrderRequestOpen {
        OrderEvent {
            key: OrderKey {
                exchange: ExchangeIndex(0),
                instrument: InstrumentIndex(0),
                strategy: StrategyId::new("test"),
                cid: ClientOrderId::new("cid"),
            },
            state: RequestOpen {
                side,
                price,
                quantity,
                kind: OrderKind::Market,
                time_in_force: TimeInForce::ImmediateOrCancel,
            },
        }
    }

    fn send(system: *const BarterSystem, request: &OrderRequestOpen) -> BarterStatus {
        let mut arena = Arena::with_capacity(256);
        let c = request.to_c(&mut arena).unwrap();
        unsafe { barter_system_send_open_requests(system, &c, 1) }
    }

    #[test]
    fn orders_that_overflow_mockexchange_are_refused() {
        let config = config::tests::BARTER_SYSTEM_CONFIG;
        let mut system = std::ptr::null_mut();
        let status = unsafe {
            barter_system_new(
                config.as_ptr(),
                config.len(),
                std::ptr::null(),
                0,
                std::ptr::null(),
                &mut system,
            )
        };
        assert_eq!(status, BarterStatus::Ok);
        let big = Decimal::MAX / Decimal::TWO;
        for side in [Side::Buy, Side::Sell] {
            assert_eq!(
                send(system, &market(side, big, big)),
                BarterStatus::InvalidArgument
            );
            crate::status::with_last_error(|m| {
                assert!(m.starts_with("requests[0]: price "), "{m}");
                assert!(m.contains("overflow MockExchange"), "{m}");
            });
        }
        // The cost fits; with the 5% fee added it does not.
        let with_fee = market(Side::Buy, Decimal::MAX, Decimal::ONE);
        assert_eq!(send(system, &with_fee), BarterStatus::InvalidArgument);
        let mut limit = market(Side::Buy, big, big);
        limit.state.kind = OrderKind::Limit;
        assert_eq!(send(system, &limit), BarterStatus::Ok);
        let credit = market(Side::Buy, -Decimal::ONE, Decimal::ONE);
        assert_eq!(send(system, &credit), BarterStatus::InvalidArgument);
        crate::status::with_last_error(|m| assert!(m.contains("negative price -1"), "{m}"));
        let fits = market(Side::Sell, Decimal::ONE, Decimal::ONE);
        assert_eq!(send(system, &fits), BarterStatus::Ok);
        assert_eq!(unsafe { barter_system_free(&mut system) }, BarterStatus::Ok);
    }
}
