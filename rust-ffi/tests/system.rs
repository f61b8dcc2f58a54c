//! A barter System through the C ABI, as C (or Python) drives it: barter's
//! example config, commands in, audit ticks out, shutdown and summary.

mod common;

use barter_execution::order::id::{ClientOrderId, StrategyId};
use barter_execution::order::request::{OrderRequestOpen, RequestOpen};
use barter_execution::order::{OrderEvent, OrderKey, OrderKind, TimeInForce};
use barter_ffi::buffer::{barter_buffer_free, BarterBuffer};
use barter_ffi::ctypes::arena::Arena;
use barter_ffi::ctypes::decimal::BarterDecimal;
use barter_ffi::ctypes::ToC;
use barter_ffi::json::BarterJsonFormat;
use barter_ffi::status::BarterStatus;
use barter_ffi::system::audit::BarterAuditStats;
use barter_ffi::system::filter::{BarterInstrumentFilter, BarterInstrumentFilterKind};
use barter_ffi::system::summary::BarterSummaryInterval;
use barter_ffi::system::values::{barter_engine_json_normalize, BarterEngineValue};
use barter_ffi::system::*;
use barter_instrument::exchange::ExchangeIndex;
use barter_instrument::instrument::InstrumentIndex;
use barter_instrument::Side;
use common::{check, Failure};
use rust_decimal::Decimal;
use serde_json::Value;
use std::ptr::{null, null_mut};
use std::str::FromStr;
use std::time::{Duration, Instant};

const CONFIG: &str = include_str!("../../python/barter_python/data/system_config.json");

/// An order book top for BTCUSDT (instrument 0), so positions have prices.
const BOOK: &str = r#"{"Item":{"time_exchange":"2025-03-25T23:07:00.773674205Z","time_received":"2025-03-25T23:07:00.773684644Z","exchange":"binance_spot","instrument":0,"kind":{"OrderBookL1":{"last_update_time":"2025-03-25T23:07:00.773674205Z","best_bid":{"price":"87000.10","amount":"1.5"},"best_ask":{"price":"87000.20","amount":"2.5"}}}}}"#;

struct System(*mut BarterSystem);

impl Drop for System {
    fn drop(&mut self) {
        assert_eq!(unsafe { barter_system_free(&mut self.0) }, BarterStatus::Ok);
        assert!(self.0.is_null());
    }
}

fn options(audit: u32) -> BarterSystemOptions {
    BarterSystemOptions {
        audit,
        ..Default::default()
    }
}

fn start(config: &str, options: BarterSystemOptions) -> Result<System, Failure> {
    let mut system = null_mut();
    check(unsafe {
        barter_system_new(
            config.as_ptr(),
            config.len(),
            null(),
            0,
            &options,
            &mut system,
        )
    })?;
    Ok(System(system))
}

fn take(buffer: *mut BarterBuffer) -> String {
    let mut buffer = buffer;
    let text = unsafe { std::slice::from_raw_parts((*buffer).data, (*buffer).len) }.to_vec();
    assert_eq!(unsafe { barter_buffer_free(&mut buffer) }, BarterStatus::Ok);
    String::from_utf8(text).unwrap()
}

fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn market_buy(exchange: usize, cid: &str, quantity: &str) -> OrderRequestOpen {
    OrderEvent {
        key: OrderKey {
            exchange: ExchangeIndex(exchange),
            instrument: InstrumentIndex(0),
            strategy: StrategyId::new("test"),
            cid: ClientOrderId::new(cid),
        },
        state: RequestOpen {
            side: Side::Buy,
            price: d("87000.20"),
            quantity: d(quantity),
            kind: OrderKind::Market,
            time_in_force: TimeInForce::ImmediateOrCancel,
        },
    }
}

fn send_open(system: &System, request: &OrderRequestOpen) -> Result<(), Failure> {
    let mut arena = Arena::with_capacity(256);
    let c = request.to_c(&mut arena).unwrap();
    check(unsafe { barter_system_send_open_requests(system.0, &c, 1) })
}

impl System {
    fn feed(&self, json: &str) -> Result<(), Failure> {
        check(unsafe {
            barter_system_feed_market(
                self.0,
                json.as_ptr(),
                json.len(),
                BarterJsonFormat::Lines as u32,
            )
        })
    }

    /// The ticks of one drain, as the engine's serde printed them.
    fn drain(&self, timeout_ms: u32) -> Vec<String> {
        let mut buffer = null_mut();
        let mut count = 0;
        check(unsafe {
            barter_system_audit_drain(self.0, 1000, timeout_ms, &mut buffer, &mut count)
        })
        .unwrap();
        let ticks: Vec<String> = take(buffer).lines().map(str::to_owned).collect();
        assert_eq!(ticks.len(), count);
        ticks
    }

    /// Drains until `done` holds for the ticks so far (10 s at most).
    fn drain_until(&self, ticks: &mut Vec<String>, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !done(&ticks.concat()) {
            assert!(Instant::now() < deadline, "no answer in time: {ticks:#?}");
            ticks.extend(self.drain(100));
        }
    }

    fn stats(&self) -> BarterAuditStats {
        let mut stats = BarterAuditStats::default();
        check(unsafe { barter_system_audit_stats(self.0, &mut stats) }).unwrap();
        stats
    }

    fn running(&self) -> bool {
        let mut running = 7;
        check(unsafe { barter_system_is_running(self.0, &mut running) }).unwrap();
        running == 1
    }
}

fn has_trade(text: &str, cid: &str) -> bool {
    text.contains("\"Trade\"") && text.contains(cid) && text.contains("FullyFilled")
}

/// barter's serde parses each line and prints the very same bytes again.
fn assert_serde_round_trip(value: BarterEngineValue, lines: &[String]) {
    let input: String = lines.iter().map(|line| format!("{line}\n")).collect();
    let mut out = null_mut();
    check(unsafe {
        barter_engine_json_normalize(
            value as u32,
            BarterJsonFormat::Lines as u32,
            input.as_ptr(),
            input.len(),
            &mut out,
        )
    })
    .unwrap();
    assert_eq!(take(out), input);
}

#[test]
fn a_market_buy_fills_and_an_unknown_exchange_stops_the_engine() {
    let system = start(CONFIG, options(1)).unwrap();
    assert!(system.running());
    let mut snapshot = null_mut();
    check(unsafe { barter_system_audit_snapshot(system.0, &mut snapshot) }).unwrap();
    let snapshot = take(snapshot);
    let state: Value = serde_json::from_str(&snapshot).unwrap();
    assert_eq!(state["context"]["sequence"], 0);
    assert_eq!(state["event"]["trading"], "Enabled");

    system.feed(BOOK).unwrap();
    send_open(&system, &market_buy(0, "buy-1", "0.01")).unwrap();
    let mut ticks = Vec::new();
    system.drain_until(&mut ticks, |t| has_trade(t, "buy-1"));

    // A request for an exchange with no execution: barter's IndexError.
    send_open(&system, &market_buy(7, "lost", "0.01")).unwrap();
    system.drain_until(&mut ticks, |t| t.contains("IndexError"));
    let deadline = Instant::now() + Duration::from_secs(5);
    while system.running() {
        assert!(Instant::now() < deadline, "the engine did not stop");
        std::thread::sleep(Duration::from_millis(10));
    }
    send_open(&system, &market_buy(0, "late", "0.01"))
        .unwrap_err()
        .expect(BarterStatus::Closed, &["stopped"]);

    check(unsafe { barter_system_shutdown(system.0) }).unwrap();
    ticks.extend(system.drain(0));
    let sequences: Vec<u64> = ticks
        .iter()
        .map(|t| {
            serde_json::from_str::<Value>(t).unwrap()["context"]["sequence"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(sequences, (1..=sequences.len() as u64).collect::<Vec<_>>());
    let stats = system.stats();
    assert_eq!(stats.ended, 1);
    assert_eq!(stats.received, ticks.len() as u64);
    assert_eq!(stats.delivered, stats.received);
    assert_serde_round_trip(BarterEngineValue::AuditTick, &ticks);
    assert_serde_round_trip(BarterEngineValue::StateSnapshot, &[snapshot]);

    let risk_free = BarterDecimal::from(d("0.05"));
    let mut summary = null_mut();
    check(unsafe {
        barter_system_trading_summary(
            system.0,
            &risk_free,
            BarterSummaryInterval::Daily as u32,
            &mut summary,
        )
    })
    .unwrap();
    let summary = take(summary);
    let parsed: Value = serde_json::from_str(&summary).unwrap();
    assert!(parsed["assets"].is_array(), "{summary}");
    let mut again = null_mut();
    check(unsafe {
        barter_engine_json_normalize(
            BarterEngineValue::TradingSummaryDaily as u32,
            BarterJsonFormat::One as u32,
            summary.as_ptr(),
            summary.len(),
            &mut again,
        )
    })
    .unwrap();
    assert_eq!(take(again), summary);
}

#[test]
fn commands_are_checked_and_a_stopped_system_refuses_them() {
    let system = start(CONFIG, options(0)).unwrap();
    let out_of_range = [5usize];
    let filter = BarterInstrumentFilter {
        kind: BarterInstrumentFilterKind::Instruments as u32,
        reserved: 0,
        len: 1,
        indices: out_of_range.as_ptr(),
    };
    check(unsafe { barter_system_close_positions(system.0, &filter) })
        .unwrap_err()
        .expect(
            BarterStatus::InvalidArgument,
            &["filter", "instrument index 5"],
        );
    check(unsafe { barter_system_cancel_orders(system.0, null()) })
        .unwrap_err()
        .expect(BarterStatus::NullPointer, &["filter"]);
    check(unsafe { barter_system_set_trading_enabled(system.0, 2) })
        .unwrap_err()
        .expect(BarterStatus::InvalidArgument, &["expected 0 or 1"]);
    system
        .feed("{\"Item\":{}}\n")
        .unwrap_err()
        .expect(BarterStatus::InvalidData, &["line 1", "missing field"]);
    system
        .feed(&BOOK.replace("\"instrument\":0", "\"instrument\":3"))
        .unwrap_err()
        .expect(
            BarterStatus::InvalidArgument,
            &["line 1", "instrument index 3"],
        );
    system
        .feed(&BOOK.replace("binance_spot", "kraken"))
        .unwrap_err()
        .expect(
            BarterStatus::InvalidArgument,
            &["line 1", "exchange kraken"],
        );
    system
        .feed(r#"{"Reconnecting":"okx"}"#)
        .unwrap_err()
        .expect(BarterStatus::InvalidArgument, &["exchange okx"]);
    let mut buffer = null_mut();
    let mut count = 0;
    check(unsafe { barter_system_audit_drain(system.0, 1, 0, &mut buffer, &mut count) })
        .unwrap_err()
        .expect(BarterStatus::InvalidArgument, &["audit off"]);
    let everything = BarterInstrumentFilter {
        kind: BarterInstrumentFilterKind::None as u32,
        reserved: 0,
        len: 0,
        indices: null(),
    };
    check(unsafe { barter_system_cancel_orders(system.0, &everything) }).unwrap();
    check(unsafe { barter_system_set_trading_enabled(system.0, 0) }).unwrap();

    check(unsafe { barter_system_abort(system.0) }).unwrap();
    assert!(!system.running());
    check(unsafe { barter_system_set_trading_enabled(system.0, 1) })
        .unwrap_err()
        .expect(BarterStatus::Closed, &["stopped"]);
    check(unsafe { barter_system_shutdown(system.0) }).unwrap();
}

#[test]
fn a_bad_config_names_the_field_and_starts_nothing() {
    let mut config: Value = serde_json::from_str(CONFIG).unwrap();
    config["executions"][0]["fees_percent"] = Value::from(-1);
    let failure = start(&config.to_string(), options(0)).err().unwrap();
    failure.expect(BarterStatus::InvalidData, &["executions[0].fees_percent"]);
    start("{", options(0))
        .err()
        .unwrap()
        .expect(BarterStatus::InvalidJson, &["config"]);
    let bad_mode = BarterSystemOptions {
        feed_mode: 9,
        ..Default::default()
    };
    start(CONFIG, bad_mode)
        .err()
        .unwrap()
        .expect(BarterStatus::InvalidArgument, &["feed_mode"]);
    let mut null_out = null_mut::<BarterSystem>();
    assert_eq!(
        unsafe { barter_system_new(null(), 5, null(), 0, null(), &mut null_out) },
        BarterStatus::NullPointer
    );
    assert_eq!(unsafe { barter_system_free(null_mut()) }, BarterStatus::Ok);
}

#[test]
fn the_iterator_feed_mode_runs_and_shuts_down() {
    let system = start(
        CONFIG,
        BarterSystemOptions {
            feed_mode: BarterFeedMode::Iterator as u32,
            audit: 1,
            ..Default::default()
        },
    )
    .unwrap();
    check(unsafe { barter_system_set_trading_enabled(system.0, 0) }).unwrap();
    let mut ticks = Vec::new();
    system.drain_until(&mut ticks, |t| {
        t.contains(r#""event":{"TradingStateUpdate":"Disabled"}"#)
    });
    check(unsafe { barter_system_shutdown(system.0) }).unwrap();
    assert!(!system.running());
}
