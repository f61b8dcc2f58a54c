//! barter's backtests (`backtest::run_backtests`, with `DefaultStrategy` and
//! `DefaultRiskManager`) over market data the library holds, configured by
//! barter's own `SystemConfig`. A run blocks the calling thread on a Tokio
//! runtime of its own, which is shut down, its threads joined, before the
//! call returns.

use super::market::{read_structs, MarketScope};
use super::summary::{BarterSummaryInterval, Form};
use super::{config, MarketEvent, State};
use crate::batch::input_slice;
use crate::buffer::{into_raw, BarterBuffer};
use crate::ctypes::decimal::BarterDecimal;
use crate::ctypes::key::smol;
use crate::ctypes::market::BarterMarketStreamEvent;
use crate::ctypes::strings::BarterStr;
use crate::json::{parse_each, BarterJsonFormat};
use crate::status::{at, ffi_call, out_param, take_owned, BarterStatus, FfiError};
use barter::backtest::market_data::MarketDataInMemory;
use barter::backtest::{run_backtests, BacktestArgsConstant, BacktestArgsDynamic};
use barter::engine::state::builder::EngineStateBuilder;
use barter::engine::state::global::DefaultGlobalData;
use barter::engine::state::instrument::data::DefaultInstrumentMarketData;
use barter::engine::state::trading::TradingState;
use barter::risk::DefaultRiskManager;
use barter::statistic::summary::instrument::TearSheet;
use barter::statistic::time::{Annual252, Annual365, Daily, TimeInterval};
use barter::strategy::DefaultStrategy;
use barter::system::config::ExecutionConfig;
use barter_data::event::DataKind;
use barter_data::streams::consumer::MarketStreamResult;
use barter_data::streams::reconnect::Event;
use barter_instrument::index::IndexedInstruments;
use barter_instrument::instrument::InstrumentIndex;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::Serialize;
use smol_str::SmolStr;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// barter-data's market events for backtests, in time order. Opaque;
/// read-only once made, so any number of runs may share it.
pub struct BarterMarketData {
    events: Arc<Vec<MarketEvent>>,
    /// `time_exchange` of the first `Item`: where barter's clock starts.
    time_first_event: DateTime<Utc>,
}

impl BarterMarketData {
    /// Refuses what barter's backtest cannot run: data without a market
    /// event (`MarketDataInMemory` panics on it), and an instrument's events
    /// of one kind going back in time. Exchanges stamp each stream on its
    /// own, so streams interleave out of order (barter's example data does)
    /// and only each one is checked.
    fn new(events: Vec<MarketEvent>) -> Result<Self, FfiError> {
        let mut last: HashMap<(usize, &str), (usize, DateTime<Utc>)> = HashMap::new();
        for (index, event) in events.iter().enumerate() {
            let Event::Item(item) = event else { continue };
            let stream = (item.instrument.index(), item.kind.kind_name());
            let time = item.time_exchange;
            if let Some((previous, before)) = last.insert(stream, (index, time)) {
                if time < before {
                    return Err(invalid_data(format!(
                        "event {index}: time_exchange {} is before {}, that of event \
                         {previous}, the previous {} of instrument {}: each instrument's \
                         events of a kind must be in time order",
                        time.to_rfc3339(),
                        before.to_rfc3339(),
                        stream.1,
                        stream.0
                    )));
                }
            }
        }
        let time_first_event = events
            .iter()
            .find_map(|event| match event {
                Event::Item(item) => Some(item.time_exchange),
                Event::Reconnecting(_) => None,
            })
            .ok_or_else(|| {
                invalid_data(format!(
                    "the market data holds no market event ({} reconnects): a backtest needs one",
                    events.len()
                ))
            })?;
        Ok(BarterMarketData {
            events: Arc::new(events),
            time_first_event,
        })
    }
}

impl BarterMarketData {
    pub(crate) fn events(&self) -> &[MarketEvent] {
        &self.events
    }

    pub(crate) fn shared(&self) -> &Arc<Vec<MarketEvent>> {
        &self.events
    }

    pub(crate) fn time_first_event(&self) -> DateTime<Utc> {
        self.time_first_event
    }
}

/// What varies between the backtests of one run (barter's
/// `BacktestArgsDynamic`; the strategy and risk manager are barter's
/// defaults).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterBacktestArgs {
    /// The backtest's id, echoed in its summary.
    pub id: BarterStr,
    pub risk_free_return: BarterDecimal,
}

/// One backtest's summary as JSON: barter's `BacktestSummary` (which has no
/// serde form), with the System's `TradingSummary` form.
#[derive(Serialize)]
#[serde(bound = "TearSheet<I>: Serialize + DeserializeOwned")]
struct SummaryJson<I> {
    id: SmolStr,
    risk_free_return: Decimal,
    trading_summary: Form<I>,
}

/// barter's `MultiBacktestSummary` as JSON; `duration` is serde's
/// `Duration` (`{"secs", "nanos"}`).
#[derive(Serialize)]
#[serde(bound = "TearSheet<I>: Serialize + DeserializeOwned")]
struct MultiJson<I> {
    num_backtests: usize,
    duration: Duration,
    summaries: Vec<SummaryJson<I>>,
}

fn invalid_data(message: String) -> FfiError {
    FfiError::new(BarterStatus::InvalidData, message)
}

type Dynamic = BacktestArgsDynamic<DefaultStrategy<State>, DefaultRiskManager<State>>;

fn run<I>(
    instruments: IndexedInstruments,
    executions: Vec<ExecutionConfig>,
    data: &BarterMarketData,
    dynamic: Vec<Dynamic>,
    interval: I,
) -> Result<Vec<u8>, FfiError>
where
    I: TimeInterval + Send + Sync + 'static,
    TearSheet<I>: Serialize + DeserializeOwned,
{
    let engine_state = EngineStateBuilder::new(&instruments, DefaultGlobalData, |_| {
        DefaultInstrumentMarketData::default()
    })
    .time_engine_start(data.time_first_event)
    .trading_state(TradingState::Enabled)
    .build();
    let constant = Arc::new(BacktestArgsConstant {
        instruments,
        executions,
        market_data: MarketDataInMemory::new(Arc::clone(&data.events)),
        summary_interval: interval,
        engine_state,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .thread_name("barter-backtest")
        .enable_all()
        .build()
        .map_err(|e| FfiError::invalid(format!("cannot start the Tokio runtime: {e}")))?;
    let result = runtime.block_on(run_backtests(constant, dynamic));
    // Joins the runtime's threads before the summaries leave the call.
    drop(runtime);
    let multi = result.map_err(|e| FfiError::invalid(format!("backtest failed: {e}")))?;
    let json = MultiJson {
        num_backtests: multi.num_backtests,
        duration: multi.duration,
        summaries: multi
            .summaries
            .into_iter()
            .map(|summary| SummaryJson {
                id: summary.id,
                risk_free_return: summary.risk_free_return,
                trading_summary: summary.trading_summary.into(),
            })
            .collect(),
    };
    serde_json::to_vec(&json)
        .map_err(|e| FfiError::invalid(format!("cannot serialise the summaries: {e}")))
}

type MarketResult = MarketStreamResult<InstrumentIndex, DataKind>;

fn parse_all<T: DeserializeOwned>(
    data: &[u8],
    format: BarterJsonFormat,
) -> Result<Vec<T>, FfiError> {
    let mut values = Vec::new();
    parse_each::<T>(data, format, |_, value| {
        values.push(value?);
        Ok(())
    })?;
    Ok(values)
}

/// The market event of a `MarketStreamResult` item; a `DataError` is
/// refused, as a backtest replays market events only.
fn ok_event(index: usize, result: MarketResult) -> Result<MarketEvent, FfiError> {
    Ok(match result {
        Event::Item(Ok(event)) => Event::Item(event),
        Event::Reconnecting(exchange) => Event::Reconnecting(exchange),
        Event::Item(Err(error)) => {
            return Err(invalid_data(format!(
                "event {index} is a DataError ({error}): a backtest replays market events only"
            )))
        }
    })
}

fn into_handle(data: BarterMarketData, out: &mut *mut BarterMarketData) {
    *out = Box::into_raw(Box::new(data));
}

/// Reads `len` bytes of barter-data's `MarketStreamEvent<InstrumentIndex,
/// DataKind>` JSON framed as `format` (barter's example data is JSON lines)
/// into new market data at `*out_data`; `MarketStreamResult` JSON (whose
/// items are `Item(Ok(event))`) is read too, a `DataError` refused. The
/// first bad event fails the call, named by its line or index with serde's
/// message as a `MarketStreamEvent`; so do data without a market event and
/// events out of time order.
///
/// # Safety
/// `data` must be valid for reads of `len` bytes; `out_data` NULL or valid
/// for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_market_data_from_json(
    data: *const u8,
    len: usize,
    format: u32,
    out_data: *mut *mut BarterMarketData,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_data = unsafe { out_param(out_data, "out_data") }?;
        *out_data = std::ptr::null_mut();
        let format = BarterJsonFormat::from_raw(format).map_err(at("format"))?;
        // SAFETY: per this function's contract.
        let data = unsafe { input_slice(data, len, "data") }?;
        let events = match parse_all::<MarketEvent>(data, format) {
            Ok(events) => events,
            // barter's example data also comes as results (`Item(Ok(..))`):
            // read in that form, its market events are the same.
            Err(error) => match parse_all::<MarketResult>(data, format) {
                Ok(results) => results
                    .into_iter()
                    .enumerate()
                    .map(|(index, result)| ok_event(index, result))
                    .collect::<Result<_, _>>()?,
                Err(_) => return Err(error),
            },
        };
        into_handle(BarterMarketData::new(events)?, out_data);
        Ok(())
    })
}

/// New market data at `*out_data` from `len` `BarterMarketStreamEvent`s with
/// `InstrumentIndex` keys (`Item` or `Reconnecting`), which are not
/// retained. The first bad item fails the call, named by its index.
///
/// # Safety
/// `items` must be NULL only if `len` is 0, else valid for reads of `len`
/// structs whose views and arrays are valid; `out_data` NULL or valid for
/// writes.
#[no_mangle]
pub unsafe extern "C" fn barter_market_data_from_events(
    items: *const BarterMarketStreamEvent,
    len: usize,
    out_data: *mut *mut BarterMarketData,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_data = unsafe { out_param(out_data, "out_data") }?;
        *out_data = std::ptr::null_mut();
        // SAFETY: per this function's contract.
        let items = unsafe { input_slice(items, len, "items") }?;
        // SAFETY: per this function's contract.
        let events = unsafe { read_structs(items) }?;
        into_handle(BarterMarketData::new(events)?, out_data);
        Ok(())
    })
}

/// Writes the number of events (market events and reconnects) to `*out_len`.
///
/// # Safety
/// `data` must be NULL or live market data; `out_len` NULL or valid for
/// writes.
#[no_mangle]
pub unsafe extern "C" fn barter_market_data_len(
    data: *const BarterMarketData,
    out_len: *mut usize,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_len = unsafe { out_param(out_len, "out_len") }?;
        // SAFETY: per this function's contract.
        let data = unsafe { data.as_ref() }.ok_or_else(|| FfiError::null("data"))?;
        *out_len = data.events.len();
        Ok(())
    })
}

/// Frees market data and sets `*data` to NULL; NULL or a pointer to NULL
/// does nothing. No run may be using it.
///
/// # Safety
/// `*data` must be NULL or market data not yet freed.
#[no_mangle]
pub unsafe extern "C" fn barter_market_data_free(data: *mut *mut BarterMarketData) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        if let Some(raw) = unsafe { take_owned(data) } {
            // SAFETY: `raw` came from a barter_market_data_* call, freed once.
            drop(unsafe { Box::from_raw(raw) });
        }
        Ok(())
    })
}

/// Runs `args_len` backtests of barter's `DefaultStrategy` and
/// `DefaultRiskManager` (barter's `run_backtests`, concurrently) over
/// `data`, with the instruments and mock executions of `config` (barter's
/// `SystemConfig` JSON), and writes their summaries to a new buffer at
/// `*out_buffer`: `{"num_backtests", "duration": {"secs", "nanos"},
/// "summaries": [{"id", "risk_free_return", "trading_summary"}]}`, each
/// trading summary in the System's form with ratios per `interval` (a
/// `BarterSummaryInterval`). Blocks until every backtest has ended.
///
/// An event of an instrument or exchange the config does not have fails
/// the call before anything runs, named by its index.
///
/// # Safety
/// `config` must be valid for reads of `config_len` bytes; `data` NULL or
/// live market data; `args` NULL only if `args_len` is 0, else valid for
/// reads of `args_len` structs whose views are valid; `out_buffer` NULL or
/// valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_backtest_run(
    config: *const u8,
    config_len: usize,
    data: *const BarterMarketData,
    args: *const BarterBacktestArgs,
    args_len: usize,
    interval: u32,
    out_buffer: *mut *mut BarterBuffer,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_buffer = unsafe { out_param(out_buffer, "out_buffer") }?;
        *out_buffer = std::ptr::null_mut();
        // SAFETY: per this function's contract.
        let config = unsafe { input_slice(config, config_len, "config") }?;
        // SAFETY: per this function's contract.
        let data = unsafe { data.as_ref() }.ok_or_else(|| FfiError::null("data"))?;
        // SAFETY: per this function's contract.
        let args = unsafe { input_slice(args, args_len, "args") }?;
        let interval = BarterSummaryInterval::from_raw(interval).map_err(at("interval"))?;
        let setup = config::parse(config, b"")?;
        MarketScope::of(&setup.instruments).check_events(&data.events)?;
        let dynamic = args
            .iter()
            .enumerate()
            .map(|(index, arg)| {
                let at = |field: &str| format!("args[{index}].{field}");
                Ok(BacktestArgsDynamic {
                    // SAFETY: per this function's contract.
                    id: smol(unsafe { arg.id.as_str() }, &at("id"))?,
                    risk_free_return: Decimal::try_from(arg.risk_free_return)
                        .map_err(|e| e.at(at("risk_free_return")))?,
                    strategy: DefaultStrategy::default(),
                    risk: DefaultRiskManager::default(),
                })
            })
            .collect::<Result<Vec<Dynamic>, FfiError>>()?;
        let (instruments, executions) = (setup.instruments, setup.executions);
        let json = match interval {
            BarterSummaryInterval::Daily => run(instruments, executions, data, dynamic, Daily),
            BarterSummaryInterval::Annual252 => {
                run(instruments, executions, data, dynamic, Annual252)
            }
            BarterSummaryInterval::Annual365 => {
                run(instruments, executions, data, dynamic, Annual365)
            }
        }?;
        *out_buffer = into_raw(json);
        Ok(())
    })
}
