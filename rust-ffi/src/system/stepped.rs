//! A backtest the caller steps through: barter's `Engine` processes the
//! market data event by event on the calling thread, and the caller reads
//! the engine's state and audit and sends commands between steps. Nothing
//! runs between calls, and nothing calls back.
//!
//! It is deterministic: the same data, config and commands give the same
//! audit ticks and summary on every run.
//! - The engine's clock reads only the market data (`EventClock`), where
//!   barter's `HistoricalClock` adds wall-clock time.
//! - MockExchange runs on a current-thread Tokio runtime whose clock is
//!   paused: its latency passes in virtual time, and only while a call waits
//!   for the execution to answer.
//! - After each command the call waits until the execution is quiet (every
//!   request answered), then the engine processes the account events in a
//!   canonical order (`canonical`), where barter delivers an order's answer
//!   and its balance and trade updates on two paths in either order.
//! - `close_positions` orders are named `close-1`, `close-2`, ... in the
//!   order the engine makes them, where barter's `DefaultStrategy` makes
//!   random client order ids.
//!
//! So a command lands after every market event of the steps before it and
//! before any of the next: the engine has seen exactly the events processed
//! so far, and the command's execution (fills, balances, rejections) is
//! processed before the next market event, whatever the mock's latency.

use super::commands::{trading_state, Rules};
use super::filter::BarterInstrumentFilter;
use super::summary::{self, BarterSummaryInterval};
use super::{config, lock, MarketEvent, State};
use crate::batch::{input_slice, Decoded};
use crate::buffer::{into_raw, BarterBuffer};
use crate::ctypes::decimal::BarterDecimal;
use crate::ctypes::flag;
use crate::ctypes::order_event::{BarterOrderRequestCancel, BarterOrderRequestOpen};
use crate::ctypes::timestamp::BarterTimestamp;
use crate::json::Origin;
use crate::messages::{BarterBatch, BarterKeys, BarterMessage, BatchBox};
use crate::status::{at, ffi_call, out_param, take_owned, BarterStatus, FfiError};
use crate::system::backtest::BarterMarketData;
use barter::engine::audit::AuditTick;
use barter::engine::clock::EngineClock;
use barter::engine::command::Command;
use barter::engine::execution_tx::MultiExchangeTxMap;
use barter::engine::state::builder::EngineStateBuilder;
use barter::engine::state::global::DefaultGlobalData;
use barter::engine::state::instrument::data::DefaultInstrumentMarketData;
use barter::engine::state::instrument::filter::InstrumentFilter;
use barter::engine::state::trading::TradingState;
use barter::engine::{process_with_audit, Engine, Processor};
use barter::execution::builder::{ExecutionBuild, ExecutionBuilder};
use barter::execution::AccountStreamEvent;
use barter::risk::DefaultRiskManager;
use barter::strategy::algo::AlgoStrategy;
use barter::strategy::close_positions::{
    close_open_positions_with_market_orders, ClosePositionsStrategy,
};
use barter::strategy::on_disconnect::OnDisconnectStrategy;
use barter::strategy::on_trading_disabled::OnTradingDisabled;
use barter::system::config::ExecutionConfig;
use barter::EngineEvent;
use barter_data::streams::reconnect::Event;
use barter_execution::order::id::{ClientOrderId, StrategyId};
use barter_execution::order::request::{OrderRequestCancel, OrderRequestOpen};
use barter_execution::AccountEventKind;
use barter_instrument::asset::AssetIndex;
use barter_instrument::exchange::{ExchangeId, ExchangeIndex};
use barter_instrument::instrument::InstrumentIndex;
use barter_integration::Terminal;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// The engine's clock: the latest `time_exchange` of the market events it
/// has processed (it never goes back).
#[derive(Debug, Clone)]
pub struct EventClock(Arc<Mutex<DateTime<Utc>>>);

impl EventClock {
    fn new(start: DateTime<Utc>) -> Self {
        EventClock(Arc::new(Mutex::new(start)))
    }
}

impl EngineClock for EventClock {
    fn time(&self) -> DateTime<Utc> {
        *lock(&self.0)
    }
}

impl Processor<&EngineEvent> for EventClock {
    type Audit = ();

    fn process(&mut self, event: &EngineEvent) {
        if let EngineEvent::Market(Event::Item(item)) = event {
            let mut time = lock(&self.0);
            *time = (*time).max(item.time_exchange);
        }
    }
}

/// The engine's own strategy: no algorithmic orders (the caller trades
/// with commands), and barter's `close_open_positions_with_market_orders`
/// with counted client order ids.
pub struct SteppedStrategy {
    id: StrategyId,
    closes: AtomicU64,
}

impl Default for SteppedStrategy {
    fn default() -> Self {
        SteppedStrategy {
            id: StrategyId::new("default"),
            closes: AtomicU64::new(0),
        }
    }
}

impl AlgoStrategy for SteppedStrategy {
    type State = State;

    fn generate_algo_orders(
        &self,
        _: &State,
    ) -> (
        impl IntoIterator<Item = OrderRequestCancel<ExchangeIndex, InstrumentIndex>>,
        impl IntoIterator<Item = OrderRequestOpen<ExchangeIndex, InstrumentIndex>>,
    ) {
        (std::iter::empty(), std::iter::empty())
    }
}

impl ClosePositionsStrategy for SteppedStrategy {
    type State = State;

    fn close_positions_requests<'a>(
        &'a self,
        state: &'a State,
        filter: &'a InstrumentFilter,
    ) -> (
        impl IntoIterator<Item = OrderRequestCancel<ExchangeIndex, InstrumentIndex>> + 'a,
        impl IntoIterator<Item = OrderRequestOpen<ExchangeIndex, InstrumentIndex>> + 'a,
    )
    where
        ExchangeIndex: 'a,
        AssetIndex: 'a,
        InstrumentIndex: 'a,
    {
        let closes = &self.closes;
        close_open_positions_with_market_orders(&self.id, state, filter, move |_| {
            ClientOrderId::new(format!(
                "close-{}",
                closes.fetch_add(1, Ordering::Relaxed) + 1
            ))
        })
    }
}

type Risk = DefaultRiskManager<State>;

impl OnDisconnectStrategy<EventClock, State, MultiExchangeTxMap, Risk> for SteppedStrategy {
    type OnDisconnect = ();

    fn on_disconnect(_: &mut SteppedEngine, _: ExchangeId) {}
}

impl OnTradingDisabled<EventClock, State, MultiExchangeTxMap, Risk> for SteppedStrategy {
    type OnTradingDisabled = ();

    fn on_trading_disabled(_: &mut SteppedEngine) {}
}

type SteppedEngine = Engine<EventClock, State, MultiExchangeTxMap, SteppedStrategy, Risk>;

/// Where an account event goes in the canonical order: the account
/// snapshot, then order answers (`OrderSnapshot`, `OrderCancelled`) by
/// instrument and client order id, then balances by asset and time, then
/// trades by instrument and trade id. Equal keys keep their order.
fn canonical(event: &AccountStreamEvent) -> (u8, usize, String) {
    let Event::Item(event) = event else {
        return (0, 0, String::new());
    };
    match &event.kind {
        AccountEventKind::Snapshot(_) => (0, 0, String::new()),
        AccountEventKind::OrderSnapshot(order) => (
            1,
            order.0.key.instrument.index(),
            order.0.key.cid.0.to_string(),
        ),
        AccountEventKind::OrderCancelled(response) => (
            1,
            response.key.instrument.index(),
            response.key.cid.0.to_string(),
        ),
        AccountEventKind::BalanceSnapshot(balance) => (
            2,
            balance.0.asset.index(),
            balance.0.time_exchange.to_rfc3339(),
        ),
        AccountEventKind::Trade(trade) => (3, trade.instrument.index(), trade.id.0.to_string()),
    }
}

/// A stepped backtest. Opaque; calls on one are serialised.
pub struct BarterBacktest {
    inner: Mutex<Stepper>,
}

struct Stepper {
    engine: SteppedEngine,
    account: tokio::sync::mpsc::UnboundedReceiver<AccountStreamEvent>,
    /// Dropped after the engine, whose senders end the execution tasks.
    runtime: tokio::runtime::Runtime,
    /// How long the execution must stay silent, in virtual time, to have
    /// answered everything: past every mock's latency and barter's
    /// one-second request timeout.
    quiet: Duration,
    data: Arc<Vec<MarketEvent>>,
    next: usize,
    rules: Rules,
    /// serde's JSON lines of the ticks not yet drained; `None` with the
    /// audit off.
    ticks: Option<Vec<u8>>,
    latest: Vec<Option<MarketEvent>>,
    /// Why the engine stopped, once it has.
    ended: Option<String>,
}

/// What a step did, and where the backtest is.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct BarterBacktestProgress {
    /// Market events processed by this call.
    pub processed: usize,
    /// Market events processed so far, and in all.
    pub position: usize,
    pub total: usize,
    /// The engine's clock.
    pub time: BarterTimestamp,
    /// 1 once the engine has stopped (an unrecoverable error), else 0.
    pub ended: u32,
    /// Set to zero.
    pub reserved: u32,
}

impl Stepper {
    fn start(
        config: &[u8],
        data: &BarterMarketData,
        trading: TradingState,
        audit: bool,
    ) -> Result<Self, FfiError> {
        let setup = config::parse(config, b"")?;
        let rules = Rules::of(&setup.instruments, &setup.executions);
        rules.scope.check_events(data.events())?;
        let start = data.time_first_event();
        let clock = EventClock::new(start);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .map_err(|e| FfiError::invalid(format!("cannot start the Tokio runtime: {e}")))?;
        let latency = setup
            .executions
            .iter()
            .map(|execution| {
                let ExecutionConfig::Mock(mock) = execution;
                mock.latency_ms
            })
            .max()
            .unwrap_or(0);
        let quiet =
            Duration::from_millis(latency.saturating_mul(2)).saturating_add(Duration::from_secs(2));
        let ExecutionBuild {
            execution_tx_map,
            account_channel,
            futures,
        } = setup
            .executions
            .iter()
            .cloned()
            .try_fold(
                ExecutionBuilder::new(&setup.instruments),
                |builder, execution| match execution {
                    ExecutionConfig::Mock(mock) => builder.add_mock(mock, clock.clone()),
                },
            )
            .map_err(|e| FfiError::invalid(format!("barter refused the executions: {e}")))?
            .build();
        runtime
            .block_on(futures.init_with_runtime(runtime.handle().clone()))
            .map_err(|e| FfiError::invalid(format!("the executions did not start: {e}")))?;
        let state = EngineStateBuilder::new(&setup.instruments, DefaultGlobalData, |_| {
            DefaultInstrumentMarketData::default()
        })
        .time_engine_start(start)
        .trading_state(trading)
        .balances(setup.balances)
        .build();
        let engine = Engine::new(
            clock,
            state,
            execution_tx_map,
            SteppedStrategy::default(),
            DefaultRiskManager::default(),
        );
        let mut stepper = Stepper {
            engine,
            account: account_channel.rx.rx,
            runtime,
            quiet,
            data: Arc::clone(data.shared()),
            next: 0,
            latest: vec![None; setup.instruments.instruments().len()],
            rules,
            ticks: audit.then(Vec::new),
            ended: None,
        };
        // The account snapshot each execution sends when it starts.
        stepper.settle()?;
        Ok(stepper)
    }

    fn check_running(&self) -> Result<(), FfiError> {
        match &self.ended {
            None => Ok(()),
            Some(why) => Err(FfiError::new(
                BarterStatus::Closed,
                format!("the backtest's engine has stopped: {why}"),
            )),
        }
    }

    fn process(&mut self, event: EngineEvent) -> Result<(), FfiError> {
        let tick = process_with_audit(&mut self.engine, event);
        if let Some(ticks) = &mut self.ticks {
            serde_json::to_writer(&mut *ticks, &tick)
                .map_err(|e| FfiError::invalid(format!("cannot serialise an audit tick: {e}")))?;
            ticks.push(b'\n');
        }
        if tick.event.is_terminal() {
            self.ended = Some(format!("sequence {}", tick.context.sequence.value()));
        }
        Ok(())
    }

    /// Waits (in virtual time) until the execution is quiet, then has the
    /// engine process what it sent, in the canonical order.
    fn settle(&mut self) -> Result<(), FfiError> {
        let (account, quiet) = (&mut self.account, self.quiet);
        let mut events = self.runtime.block_on(async {
            let mut events = Vec::new();
            while let Ok(Some(event)) = tokio::time::timeout(quiet, account.recv()).await {
                events.push(event);
            }
            events
        });
        events.sort_by_cached_key(canonical);
        for event in events {
            if self.ended.is_some() {
                break;
            }
            self.process(EngineEvent::Account(event))?;
        }
        Ok(())
    }

    fn command(&mut self, event: EngineEvent) -> Result<(), FfiError> {
        self.check_running()?;
        self.process(event)?;
        self.settle()
    }

    fn step(&mut self, max_events: usize, until: Option<DateTime<Utc>>) -> Result<usize, FfiError> {
        self.check_running()?;
        let mut processed = 0;
        while processed < max_events && self.next < self.data.len() && self.ended.is_none() {
            let event = &self.data[self.next];
            if let Event::Item(item) = event {
                if until.is_some_and(|until| item.time_exchange > until) {
                    break;
                }
                self.latest[item.instrument.index()] = Some(event.clone());
            }
            let event = event.clone();
            self.next += 1;
            processed += 1;
            self.process(EngineEvent::Market(event))?;
        }
        Ok(processed)
    }

    fn progress(&self, processed: usize) -> BarterBacktestProgress {
        BarterBacktestProgress {
            processed,
            position: self.next,
            total: self.data.len(),
            time: self.engine.clock.time().into(),
            ended: u32::from(self.ended.is_some()),
            reserved: 0,
        }
    }

    fn state_json(&self) -> Result<Vec<u8>, FfiError> {
        let tick: AuditTick<&State, _> = AuditTick {
            event: &self.engine.state,
            context: barter::engine::audit::context::EngineContext {
                sequence: self.engine.meta.sequence,
                time: self.engine.clock.time(),
            },
        };
        serde_json::to_vec(&tick)
            .map_err(|e| FfiError::invalid(format!("cannot serialise the engine state: {e}")))
    }

    fn summary(
        &self,
        risk_free_return: Decimal,
        interval: BarterSummaryInterval,
    ) -> Result<Vec<u8>, FfiError> {
        summary::generate(
            self.engine.trading_summary_generator(risk_free_return),
            interval,
        )
    }
}

impl Drop for Stepper {
    fn drop(&mut self) {
        // Ends the executions' tasks before the runtime drops them.
        self.runtime.block_on(async {
            use barter::shutdown::SyncShutdown;
            self.engine.shutdown();
            tokio::task::yield_now().await;
        });
    }
}

/// # Safety
/// `backtest` must be NULL or a live handle.
unsafe fn stepper<'a>(
    backtest: *const BarterBacktest,
) -> Result<MutexGuard<'a, Stepper>, FfiError> {
    // SAFETY: per this function's contract.
    let backtest = unsafe { backtest.as_ref() }.ok_or_else(|| FfiError::null("backtest"))?;
    Ok(lock(&backtest.inner))
}

/// Starts a stepped backtest at `*out_backtest` over `data`, with the
/// instruments and mock executions of `config` (barter's `SystemConfig`
/// JSON), algorithmic trading enabled unless `trading_disabled` is 1, and
/// the audit kept for `barter_backtest_drain_audit` unless `audit_off` is 1
/// (serialising every tick is most of a step's cost).
/// The data is shared, not copied, and may be freed after this call. Each
/// execution's account snapshot has been processed when it returns; no
/// market event has.
///
/// # Safety
/// `config` must be valid for reads of `config_len` bytes; `data` NULL or
/// live market data; `out_backtest` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_backtest_new(
    config: *const u8,
    config_len: usize,
    data: *const BarterMarketData,
    trading_disabled: u32,
    audit_off: u32,
    out_backtest: *mut *mut BarterBacktest,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out = unsafe { out_param(out_backtest, "out_backtest") }?;
        *out = std::ptr::null_mut();
        // SAFETY: per this function's contract.
        let config = unsafe { input_slice(config, config_len, "config") }?;
        // SAFETY: per this function's contract.
        let data = unsafe { data.as_ref() }.ok_or_else(|| FfiError::null("data"))?;
        let trading = match flag(trading_disabled, "trading_disabled")? {
            false => TradingState::Enabled,
            true => TradingState::Disabled,
        };
        let audit = !flag(audit_off, "audit_off")?;
        let stepper = Stepper::start(config, data, trading, audit)?;
        *out = Box::into_raw(Box::new(BarterBacktest {
            inner: Mutex::new(stepper),
        }));
        Ok(())
    })
}

/// Processes up to `max_events` market events (fewer at the end of the
/// data), stopping before the first market event whose `time_exchange` is
/// after `*until` when `until` is not NULL, and writes where the backtest is
/// to `*out_progress`. A stopped engine (an unrecoverable error) processes
/// nothing more: `BARTER_STATUS_CLOSED`.
///
/// # Safety
/// `backtest` must be NULL or a live handle; `until` NULL or valid for
/// reads; `out_progress` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_backtest_step(
    backtest: *const BarterBacktest,
    max_events: usize,
    until: *const BarterTimestamp,
    out_progress: *mut BarterBacktestProgress,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out = unsafe { out_param(out_progress, "out_progress") }?;
        // SAFETY: per this function's contract.
        let mut stepper = unsafe { stepper(backtest) }?;
        // SAFETY: per this function's contract.
        let until = match unsafe { until.as_ref() } {
            None => None,
            Some(until) => Some(DateTime::<Utc>::try_from(*until).map_err(at("until"))?),
        };
        let processed = stepper.step(max_events, until)?;
        *out = stepper.progress(processed);
        Ok(())
    })
}

/// Writes where the backtest is to `*out_progress` (`processed` 0).
///
/// # Safety
/// `backtest` must be NULL or a live handle; `out_progress` NULL or valid
/// for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_backtest_progress(
    backtest: *const BarterBacktest,
    out_progress: *mut BarterBacktestProgress,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out = unsafe { out_param(out_progress, "out_progress") }?;
        // SAFETY: per this function's contract.
        *out = unsafe { stepper(backtest) }?.progress(0);
        Ok(())
    })
}

/// # Safety
/// `backtest` must be NULL or a live handle.
unsafe fn command(
    backtest: *const BarterBacktest,
    make: impl FnOnce(&Rules) -> Result<EngineEvent, FfiError>,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let mut stepper = unsafe { stepper(backtest) }?;
        let event = make(&stepper.rules)?;
        stepper.command(event)
    })
}

/// barter's `Command::SendOpenRequests`, processed at once with the engine's
/// answers: the call returns when the execution has answered. Refused as
/// `barter_system_send_open_requests` refuses.
///
/// # Safety
/// `backtest` must be NULL or a live handle; `requests` valid for reads of
/// `count` structs with valid views.
#[no_mangle]
pub unsafe extern "C" fn barter_backtest_send_open_requests(
    backtest: *const BarterBacktest,
    requests: *const BarterOrderRequestOpen,
    count: usize,
) -> BarterStatus {
    // SAFETY (both): per this function's contract.
    unsafe {
        command(backtest, |rules| {
            Ok(rules.open_requests(requests, count)?.into())
        })
    }
}

/// barter's `Command::SendCancelRequests`, as
/// `barter_backtest_send_open_requests`.
///
/// # Safety
/// As `barter_backtest_send_open_requests`.
#[no_mangle]
pub unsafe extern "C" fn barter_backtest_send_cancel_requests(
    backtest: *const BarterBacktest,
    requests: *const BarterOrderRequestCancel,
    count: usize,
) -> BarterStatus {
    // SAFETY (both): per this function's contract.
    unsafe {
        command(backtest, |rules| {
            Ok(rules.cancel_requests(requests, count)?.into())
        })
    }
}

/// barter's `Command::ClosePositions(filter)`: market orders that close the
/// matching positions, priced from the market data processed so far, with
/// client order ids `close-1`, `close-2`, ...
///
/// # Safety
/// `backtest` must be NULL or a live handle; `filter` NULL or valid for
/// reads with `indices` valid for reads of its length.
#[no_mangle]
pub unsafe extern "C" fn barter_backtest_close_positions(
    backtest: *const BarterBacktest,
    filter: *const BarterInstrumentFilter,
) -> BarterStatus {
    // SAFETY (both): per this function's contract.
    unsafe {
        command(backtest, |rules| {
            Ok(rules.filtered(filter, Command::ClosePositions)?.into())
        })
    }
}

/// barter's `Command::CancelOrders(filter)`.
///
/// # Safety
/// As `barter_backtest_close_positions`.
#[no_mangle]
pub unsafe extern "C" fn barter_backtest_cancel_orders(
    backtest: *const BarterBacktest,
    filter: *const BarterInstrumentFilter,
) -> BarterStatus {
    // SAFETY (both): per this function's contract.
    unsafe {
        command(backtest, |rules| {
            Ok(rules.filtered(filter, Command::CancelOrders)?.into())
        })
    }
}

/// barter's `TradingState` update: 1 enables algorithmic trading, 0
/// disables it.
///
/// # Safety
/// `backtest` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn barter_backtest_set_trading_enabled(
    backtest: *const BarterBacktest,
    enabled: u32,
) -> BarterStatus {
    // SAFETY: per this function's contract.
    unsafe {
        command(backtest, |_| {
            Ok(EngineEvent::TradingStateUpdate(trading_state(enabled)?))
        })
    }
}

/// Moves the audit ticks made since the last drain (serde's JSON lines of
/// barter's `AuditTick`, in engine order) to a new buffer at `*out_buffer`,
/// and writes their count to `*out_count`. Also after the engine stopped;
/// refused when the audit is off.
///
/// # Safety
/// `backtest` must be NULL or a live handle; the out-pointers NULL or valid
/// for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_backtest_drain_audit(
    backtest: *const BarterBacktest,
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
        let mut stepper = unsafe { stepper(backtest) }?;
        let ticks = stepper
            .ticks
            .as_mut()
            .ok_or_else(|| FfiError::invalid("the backtest was started with its audit off"))?;
        let ticks = std::mem::take(ticks);
        *out_count = ticks.iter().filter(|&&b| b == b'\n').count();
        *out_buffer = into_raw(ticks);
        Ok(())
    })
}

/// Writes the engine's state now, as an audit snapshot (barter's
/// `AuditTick<EngineState>` with the last sequence and the clock's time),
/// to a new buffer at `*out_buffer`.
///
/// # Safety
/// `backtest` must be NULL or a live handle; `out_buffer` NULL or valid for
/// writes.
#[no_mangle]
pub unsafe extern "C" fn barter_backtest_state(
    backtest: *const BarterBacktest,
    out_buffer: *mut *mut BarterBuffer,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_buffer = unsafe { out_param(out_buffer, "out_buffer") }?;
        *out_buffer = std::ptr::null_mut();
        // SAFETY: per this function's contract.
        let json = unsafe { stepper(backtest) }?.state_json()?;
        *out_buffer = into_raw(json);
        Ok(())
    })
}

/// The latest market event processed of each instrument that has one, in
/// instrument order, as a batch of `BarterMarketStreamEvent`
/// (`BARTER_MESSAGE_MARKET_STREAM_EVENT`, indexed keys) at `*out_batch`.
///
/// # Safety
/// `backtest` must be NULL or a live handle; `out_batch` NULL or valid for
/// writes.
#[no_mangle]
pub unsafe extern "C" fn barter_backtest_latest_market(
    backtest: *const BarterBacktest,
    out_batch: *mut *mut BarterBatch,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_batch = unsafe { out_param(out_batch, "out_batch") }?;
        *out_batch = std::ptr::null_mut();
        // SAFETY: per this function's contract.
        let stepper = unsafe { stepper(backtest) }?;
        // The arena holds every string of the events, and none is longer
        // than its JSON.
        let text = stepper
            .latest
            .iter()
            .flatten()
            .map(|event| serde_json::to_vec(event).map_or(0, |json| json.len()))
            .sum();
        let mut decoded = Decoded::with_capacity(text);
        for (index, event) in stepper.latest.iter().flatten().enumerate() {
            decoded.push(Origin::Item(index), Ok(event.clone()), false)?;
        }
        *out_batch = BatchBox::new(decoded).into_raw(
            BarterMessage::MarketStreamEvent as u32,
            BarterKeys::Indexed as u32,
        );
        Ok(())
    })
}

/// Writes barter's `TradingSummary` of the backtest so far (the System's
/// summary form, with ratios per `interval`, a `BarterSummaryInterval`) to
/// a new buffer at `*out_buffer`: at the end of the data, or earlier for a
/// partial one.
///
/// # Safety
/// `backtest` must be NULL or a live handle; `risk_free_return` NULL or
/// valid for reads; `out_buffer` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_backtest_trading_summary(
    backtest: *const BarterBacktest,
    risk_free_return: *const BarterDecimal,
    interval: u32,
    out_buffer: *mut *mut BarterBuffer,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_buffer = unsafe { out_param(out_buffer, "out_buffer") }?;
        *out_buffer = std::ptr::null_mut();
        // SAFETY: per this function's contract.
        let (rate, interval) = unsafe { summary::arguments(risk_free_return, interval) }?;
        // SAFETY: per this function's contract.
        let json = unsafe { stepper(backtest) }?.summary(rate, interval)?;
        *out_buffer = into_raw(json);
        Ok(())
    })
}

/// Frees a stepped backtest (its executions and runtime stopped and
/// joined) and sets `*backtest` to NULL; NULL or a pointer to NULL does
/// nothing. No other call on it may be running or start.
///
/// # Safety
/// `*backtest` must be NULL or a handle from `barter_backtest_new` not yet
/// freed.
#[no_mangle]
pub unsafe extern "C" fn barter_backtest_free(backtest: *mut *mut BarterBacktest) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        if let Some(raw) = unsafe { take_owned(backtest) } {
            // SAFETY: `raw` came from `barter_backtest_new` and is freed once.
            drop(unsafe { Box::from_raw(raw) });
        }
        Ok(())
    })
}
