//! A stepped backtest through the C ABI: barter's engine over barter's
//! example market data, with commands between steps, gives the same audit
//! ticks and summary, byte for byte, on every run.

mod common;

use barter_execution::order::id::{ClientOrderId, StrategyId};
use barter_execution::order::request::{OrderRequestOpen, RequestOpen};
use barter_execution::order::{OrderEvent, OrderKey, OrderKind, TimeInForce};
use barter_ffi::buffer::{barter_buffer_free, BarterBuffer};
use barter_ffi::ctypes::arena::Arena;
use barter_ffi::ctypes::decimal::BarterDecimal;
use barter_ffi::ctypes::ToC;
use barter_ffi::json::BarterJsonFormat;
use barter_ffi::messages::{barter_batch_free, BarterBatch};
use barter_ffi::status::BarterStatus;
use barter_ffi::system::backtest::*;
use barter_ffi::system::filter::{BarterInstrumentFilter, BarterInstrumentFilterKind};
use barter_ffi::system::stepped::*;
use barter_ffi::system::summary::BarterSummaryInterval;
use barter_instrument::exchange::ExchangeIndex;
use barter_instrument::instrument::InstrumentIndex;
use barter_instrument::Side;
use common::{check, Failure};
use rust_decimal::Decimal;
use serde_json::Value;
use std::ptr::null_mut;
use std::str::FromStr;

const CONFIG: &str = include_str!("../../python/barter_python/data/backtest_config.json");
/// barter's example data as the package ships a slice of it.
const MARKET: &str = include_str!("../../python/barter_python/data/market_events.jsonl");

fn system_json() -> String {
    let config: Value = serde_json::from_str(CONFIG).unwrap();
    config["system"].to_string()
}

struct Backtest {
    data: *mut BarterMarketData,
    handle: *mut BarterBacktest,
}

impl Drop for Backtest {
    fn drop(&mut self) {
        assert_eq!(
            unsafe { barter_backtest_free(&mut self.handle) },
            BarterStatus::Ok
        );
        assert!(self.handle.is_null());
        assert_eq!(
            unsafe { barter_market_data_free(&mut self.data) },
            BarterStatus::Ok
        );
    }
}

fn start(market: &str) -> Backtest {
    let mut data = null_mut();
    let lines = BarterJsonFormat::Lines as u32;
    check(unsafe { barter_market_data_from_json(market.as_ptr(), market.len(), lines, &mut data) })
        .unwrap();
    let config = system_json();
    let mut handle = null_mut();
    check(unsafe { barter_backtest_new(config.as_ptr(), config.len(), data, 0, 0, &mut handle) })
        .unwrap();
    Backtest { data, handle }
}

impl Backtest {
    fn step(&self, events: usize) -> BarterBacktestProgress {
        let mut progress = BarterBacktestProgress::default();
        check(unsafe {
            barter_backtest_step(self.handle, events, std::ptr::null(), &mut progress)
        })
        .unwrap();
        progress
    }

    fn open(&self, side: Side, cid: &str, price: &str) -> Result<(), Failure> {
        let request: OrderRequestOpen = OrderEvent {
            key: OrderKey {
                exchange: ExchangeIndex(0),
                instrument: InstrumentIndex(0),
                strategy: StrategyId::new("test"),
                cid: ClientOrderId::new(cid),
            },
            state: RequestOpen {
                side,
                price: Decimal::from_str(price).unwrap(),
                quantity: Decimal::from_str("0.01").unwrap(),
                kind: OrderKind::Market,
                time_in_force: TimeInForce::ImmediateOrCancel,
            },
        };
        let mut arena = Arena::with_capacity(256);
        let c = request.to_c(&mut arena).unwrap();
        check(unsafe { barter_backtest_send_open_requests(self.handle, &c, 1) })
    }

    fn close_all(&self) {
        let filter = BarterInstrumentFilter {
            kind: BarterInstrumentFilterKind::None as u32,
            reserved: 0,
            len: 0,
            indices: std::ptr::null(),
        };
        check(unsafe { barter_backtest_close_positions(self.handle, &filter) }).unwrap();
    }

    fn take(&self, call: impl FnOnce(*mut *mut BarterBuffer) -> BarterStatus) -> Vec<u8> {
        let mut buffer: *mut BarterBuffer = null_mut();
        check(call(&mut buffer)).unwrap();
        let bytes = unsafe { std::slice::from_raw_parts((*buffer).data, (*buffer).len) }.to_vec();
        assert_eq!(unsafe { barter_buffer_free(&mut buffer) }, BarterStatus::Ok);
        bytes
    }

    fn drain(&self) -> Vec<u8> {
        let mut count = 0;
        let ticks =
            self.take(|out| unsafe { barter_backtest_drain_audit(self.handle, out, &mut count) });
        assert_eq!(count, ticks.iter().filter(|&&b| b == b'\n').count());
        ticks
    }

    fn summary(&self) -> Vec<u8> {
        let rate = BarterDecimal::from(Decimal::from_str("0.05").unwrap());
        let daily = BarterSummaryInterval::Daily as u32;
        self.take(|out| unsafe { barter_backtest_trading_summary(self.handle, &rate, daily, out) })
    }
}

/// A round trip on BTCUSDT between steps, then close_positions: the
/// ticks and the summary, as bytes.
fn script() -> (Vec<u8>, Vec<u8>) {
    let backtest = start(MARKET);
    let mut ticks = backtest.drain();
    let progress = backtest.step(6);
    assert_eq!(
        (progress.processed, progress.position, progress.total),
        (6, 6, 24)
    );
    backtest.open(Side::Buy, "buy-1", "87232.01").unwrap();
    backtest.step(10);
    backtest.open(Side::Sell, "sell-1", "87300.5").unwrap();
    backtest.open(Side::Buy, "buy-2", "87250").unwrap();
    backtest.close_all();
    let end = backtest.step(usize::MAX);
    assert_eq!((end.processed, end.position, end.ended), (8, 24, 0));
    assert_eq!(backtest.step(5).processed, 0, "the data has ended");
    ticks.extend(backtest.drain());
    (ticks, backtest.summary())
}

#[test]
fn a_stepped_backtest_repeats_byte_for_byte() {
    let (ticks, summary) = script();
    let lines: Vec<Value> = ticks
        .split(|b| *b == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| serde_json::from_slice(line).unwrap())
        .collect();
    // The snapshot, 24 market events, 4 commands, and the executions' answers.
    assert!(lines.len() > 24 + 4 + 1, "{} ticks", lines.len());
    let sequences: Vec<u64> = lines
        .iter()
        .map(|t| t["context"]["sequence"].as_u64().unwrap())
        .collect();
    assert_eq!(sequences, (0..lines.len() as u64).collect::<Vec<_>>());
    let text = String::from_utf8(ticks.clone()).unwrap();
    assert!(
        text.contains("\"cid\":\"close-1\""),
        "close_positions' counted cid"
    );
    assert!(text.contains("FullyFilled"));
    let summary_json: Value = serde_json::from_slice(&summary).unwrap();
    let pnl = &summary_json["instruments"]["binancespot-btc_usdt"]["pnl"];
    assert_ne!(pnl, "0", "{summary_json}");
    for run in 0..3 {
        let (again, again_summary) = script();
        assert!(again == ticks, "run {run}: the ticks differ");
        assert_eq!(again_summary, summary, "run {run}: the summary differs");
    }
}

#[test]
fn the_latest_market_events_hold_strings_of_any_length() {
    let first = MARKET
        .lines()
        .find(|line| line.contains("\"Trade\""))
        .unwrap();
    let id = "9".repeat(5000);
    let long = first.replacen("\"id\":\"", &format!("\"id\":\"{id}"), 1);
    let backtest = start(&long);
    backtest.step(1);
    let mut batch: *mut BarterBatch = null_mut();
    check(unsafe { barter_backtest_latest_market(backtest.handle, &mut batch) }).unwrap();
    let strings = unsafe { (*batch).strings.len };
    assert!(strings > 5000, "{strings}");
    assert_eq!(unsafe { barter_batch_free(&mut batch) }, BarterStatus::Ok);
}

#[test]
fn state_latest_market_and_a_stopped_engine() {
    let backtest = start(MARKET);
    backtest.step(3);
    let state = backtest.take(|out| unsafe { barter_backtest_state(backtest.handle, out) });
    let state: Value = serde_json::from_slice(&state).unwrap();
    assert!(state["event"]["instruments"].is_object(), "{state}");
    let mut batch: *mut BarterBatch = null_mut();
    check(unsafe { barter_backtest_latest_market(backtest.handle, &mut batch) }).unwrap();
    let len = unsafe { (*batch).len };
    assert!((1..=3).contains(&len), "{len}");
    assert_eq!(unsafe { barter_batch_free(&mut batch) }, BarterStatus::Ok);

    // An open request for an exchange with no execution: barter's
    // unrecoverable IndexError stops the engine.
    let request: OrderRequestOpen = OrderEvent {
        key: OrderKey {
            exchange: ExchangeIndex(7),
            instrument: InstrumentIndex(0),
            strategy: StrategyId::new("test"),
            cid: ClientOrderId::new("lost"),
        },
        state: RequestOpen {
            side: Side::Buy,
            price: Decimal::ONE,
            quantity: Decimal::ONE,
            kind: OrderKind::Market,
            time_in_force: TimeInForce::ImmediateOrCancel,
        },
    };
    let mut arena = Arena::with_capacity(256);
    let c = request.to_c(&mut arena).unwrap();
    check(unsafe { barter_backtest_send_open_requests(backtest.handle, &c, 1) }).unwrap();
    let ticks = String::from_utf8(backtest.drain()).unwrap();
    assert!(ticks.contains("IndexError"), "{ticks}");
    let mut progress = BarterBacktestProgress::default();
    check(unsafe { barter_backtest_progress(backtest.handle, &mut progress) }).unwrap();
    assert_eq!(progress.ended, 1);
    check(unsafe { barter_backtest_step(backtest.handle, 1, std::ptr::null(), &mut progress) })
        .unwrap_err()
        .expect(BarterStatus::Closed, &["the backtest's engine has stopped"]);
    backtest
        .open(Side::Buy, "after", "1")
        .unwrap_err()
        .expect(BarterStatus::Closed, &["has stopped"]);
    // A partial summary is still there.
    assert!(!backtest.summary().is_empty());
    check(unsafe { barter_backtest_step(std::ptr::null(), 1, std::ptr::null(), &mut progress) })
        .unwrap_err()
        .expect(BarterStatus::NullPointer, &["`backtest` must not be NULL"]);
}
