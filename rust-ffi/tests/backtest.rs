//! barter's backtests through the C ABI, against barter's own
//! `run_backtests` on the same inputs: its example backtest config and its
//! example market data (from the barter crate cargo resolves).

mod common;

use barter::backtest::market_data::MarketDataInMemory;
use barter::backtest::{run_backtests, BacktestArgsConstant, BacktestArgsDynamic};
use barter::engine::state::builder::EngineStateBuilder;
use barter::engine::state::global::DefaultGlobalData;
use barter::engine::state::instrument::data::DefaultInstrumentMarketData;
use barter::engine::state::trading::TradingState;
use barter::risk::DefaultRiskManager;
use barter::statistic::time::Annual365;
use barter::strategy::DefaultStrategy;
use barter::system::config::SystemConfig;
use barter_data::event::DataKind;
use barter_data::streams::consumer::MarketStreamEvent;
use barter_ffi::buffer::{barter_buffer_free, BarterBuffer};
use barter_ffi::ctypes::decimal::BarterDecimal;
use barter_ffi::ctypes::strings::BarterStr;
use barter_ffi::json::BarterJsonFormat;
use barter_ffi::status::BarterStatus;
use barter_ffi::system::backtest::*;
use barter_ffi::system::summary::{self, BarterSummaryInterval};
use barter_instrument::index::IndexedInstruments;
use barter_instrument::instrument::InstrumentIndex;
use common::{check, Failure};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;
use smol_str::SmolStr;
use std::path::PathBuf;
use std::ptr::null_mut;
use std::sync::Arc;

const CONFIG: &str = include_str!("../../python/barter_python/data/backtest_config.json");
const LINES: u32 = BarterJsonFormat::Lines as u32;

#[derive(Deserialize)]
struct BacktestConfig {
    risk_free_return: Decimal,
    system: SystemConfig,
}

/// barter's example market data, as its crate ships it.
fn barter_market_data() -> Vec<u8> {
    let metadata = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    let metadata: Value = serde_json::from_slice(&metadata.stdout).expect("cargo metadata");
    let barter = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|package| package["name"] == "barter")
        .expect("barter is a dependency");
    let manifest = PathBuf::from(barter["manifest_path"].as_str().unwrap());
    let path = manifest
        .parent()
        .unwrap()
        .join("examples/data/binance_spot_trades_l1_btcusdt_ethusdt_solusdt.json");
    std::fs::read(path).expect("barter ships its example data")
}

fn system_json() -> String {
    let config: Value = serde_json::from_str(CONFIG).unwrap();
    config["system"].to_string()
}

struct Data(*mut BarterMarketData);

impl Drop for Data {
    fn drop(&mut self) {
        assert_eq!(
            unsafe { barter_market_data_free(&mut self.0) },
            BarterStatus::Ok
        );
        assert!(self.0.is_null());
    }
}

fn load(json: &[u8], format: u32) -> Result<Data, Failure> {
    let mut data = null_mut();
    check(unsafe { barter_market_data_from_json(json.as_ptr(), json.len(), format, &mut data) })?;
    Ok(Data(data))
}

fn run(
    config: &str,
    data: &Data,
    ids: &[&str],
    risk_free_return: Decimal,
) -> Result<Value, Failure> {
    let args: Vec<BarterBacktestArgs> = ids
        .iter()
        .map(|id| BarterBacktestArgs {
            id: BarterStr::borrowing(id),
            risk_free_return: BarterDecimal::from(risk_free_return),
        })
        .collect();
    let mut buffer: *mut BarterBuffer = null_mut();
    check(unsafe {
        barter_backtest_run(
            config.as_ptr(),
            config.len(),
            data.0,
            args.as_ptr(),
            args.len(),
            BarterSummaryInterval::Annual365 as u32,
            &mut buffer,
        )
    })?;
    let json = unsafe { std::slice::from_raw_parts((*buffer).data, (*buffer).len) }.to_vec();
    assert_eq!(unsafe { barter_buffer_free(&mut buffer) }, BarterStatus::Ok);
    Ok(serde_json::from_slice(&json).unwrap())
}

/// barter's own `run_backtests`, as its `backtests_concurrent` example runs
/// it, with each summary in the library's JSON form.
fn barters_own(data: &[u8], ids: &[&str]) -> Value {
    let BacktestConfig {
        risk_free_return,
        system,
    } = serde_json::from_str(CONFIG).unwrap();
    let events: Vec<MarketStreamEvent<InstrumentIndex, DataKind>> = data
        .split(|b| *b == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| serde_json::from_slice(line).unwrap())
        .collect();
    let instruments = IndexedInstruments::new(system.instruments);
    let market_data = MarketDataInMemory::new(Arc::new(events));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let summaries = runtime.block_on(async {
        use barter::backtest::market_data::BacktestMarketData;
        let start = market_data.time_first_event().await.unwrap();
        let engine_state = EngineStateBuilder::new(&instruments, DefaultGlobalData, |_| {
            DefaultInstrumentMarketData::default()
        })
        .time_engine_start(start)
        .trading_state(TradingState::Enabled)
        .build();
        let constant = Arc::new(BacktestArgsConstant {
            instruments,
            executions: system.executions,
            market_data,
            summary_interval: Annual365,
            engine_state,
        });
        let dynamic = ids.iter().map(|id| BacktestArgsDynamic {
            id: SmolStr::new(id),
            risk_free_return,
            strategy: DefaultStrategy::default(),
            risk: DefaultRiskManager::default(),
        });
        run_backtests(constant, dynamic).await.unwrap()
    });
    let summaries: Vec<Value> = summaries
        .summaries
        .into_iter()
        .map(|s| {
            let trading = summary::to_json(s.trading_summary).unwrap();
            serde_json::json!({
                "id": s.id.as_str(),
                "risk_free_return": s.risk_free_return.to_string(),
                "trading_summary": serde_json::from_slice::<Value>(&trading).unwrap(),
            })
        })
        .collect();
    serde_json::json!({"num_backtests": summaries.len(), "summaries": summaries})
}

/// Removes what one run of barter's own backtest does not repeat, after
/// checking what can be checked of it:
/// - `duration`: the run's wall-clock time;
/// - each summary's `time_engine_start` and `time_engine_end`: barter's
///   `HistoricalClock` reads the last event's time plus the wall-clock time
///   since the engine processed it, so both drift by the run's own speed;
/// - each asset's `balance_end`: the config's initial balance when
///   MockExchange's account snapshot reached the engine before the market
///   data ran out, else null. barter's backtest races the two (and with
///   DefaultStrategy nothing else changes a balance).
fn without_timing(mut value: Value) -> Value {
    let config: Value = serde_json::from_str(CONFIG).unwrap();
    let initial = &config["system"]["executions"][0]["initial_state"]["balances"];
    value.as_object_mut().unwrap().remove("duration");
    for summary in value["summaries"].as_array_mut().unwrap() {
        let trading = summary["trading_summary"].as_object_mut().unwrap();
        for field in ["time_engine_start", "time_engine_end"] {
            let time = trading.remove(field).unwrap();
            assert!(
                time.as_str().unwrap().starts_with("2025-03-2"),
                "{field}: {time}"
            );
        }
        for entry in trading["assets"].as_array_mut().unwrap() {
            let sheet = entry["tear_sheet"].as_object_mut().unwrap();
            let balance = sheet.remove("balance_end").unwrap();
            if !balance.is_null() {
                let asset = &entry["asset"];
                let start = initial
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|b| &b["asset"] == asset);
                let total: Decimal = balance["total"].as_str().unwrap().parse().unwrap();
                let expected = start.unwrap()["balance"]["total"].to_string();
                assert_eq!(total, expected.parse::<Decimal>().unwrap(), "{asset}");
            }
        }
    }
    value
}

#[test]
fn run_backtests_gives_barters_own_summaries() {
    let raw = barter_market_data();
    let data = load(&raw, LINES).unwrap();
    let mut len = 0;
    check(unsafe { barter_market_data_len(data.0, &mut len) }).unwrap();
    assert_eq!(len, 50_000);
    let ids = ["a", "b", "ünïcode"];
    let config: BacktestConfig = serde_json::from_str(CONFIG).unwrap();
    let ours = run(&system_json(), &data, &ids, config.risk_free_return).unwrap();
    assert_eq!(ours["num_backtests"], 3);
    let duration = &ours["duration"];
    assert!(
        duration["secs"].is_u64() && duration["nanos"].is_u64(),
        "{duration}"
    );
    assert_eq!(
        without_timing(ours),
        without_timing(barters_own(&raw, &ids))
    );
}

#[test]
fn bad_data_and_arguments_are_refused_with_their_place() {
    let raw = barter_market_data();
    let lines: Vec<&[u8]> = raw.split(|b| *b == b'\n').take(3).collect();
    // Out of time order: a copy of the first event, a minute earlier, second.
    let first = std::str::from_utf8(lines[0]).unwrap();
    let at = "\"time_exchange\":\"2025-03-25T23:07:00.773674205Z\"";
    assert!(first.contains(at), "{first}");
    let earlier = first.replace(at, &at.replace("23:07:00", "23:06:00"));
    let swapped = [first, &earlier].join("\n");
    load(swapped.as_bytes(), LINES).err().unwrap().expect(
        BarterStatus::InvalidData,
        &[
            "event 1: time_exchange 2025-03-25T23:06:00.773674205+00:00 is before \
             2025-03-25T23:07:00.773674205+00:00, that of event 0, the previous \
             l1 of instrument 1",
            "must be in time order",
        ],
    );
    let ordered = [lines[0], lines[1], lines[2]].join(&b'\n');
    load(b"", LINES)
        .err()
        .unwrap()
        .expect(BarterStatus::InvalidData, &["holds no market event"]);
    load(b"{\"Reconnecting\":\"binance_spot\"}\n", LINES)
        .err()
        .unwrap()
        .expect(
            BarterStatus::InvalidData,
            &["holds no market event (1 reconnects)"],
        );
    let truncated = &lines[0][..lines[0].len() - 5];
    let message = load(truncated, LINES).err().unwrap().message;
    assert!(message.starts_with("line 1 column"), "{message}");

    let data = load(&ordered, LINES).unwrap();
    let mut config: Value = serde_json::from_str(&system_json()).unwrap();
    config["instruments"].as_array_mut().unwrap().truncate(1);
    run(&config.to_string(), &data, &["x"], Decimal::ZERO)
        .err()
        .unwrap()
        .expect(
            BarterStatus::InvalidArgument,
            &["event 0: instrument index 1 is out of range"],
        );
    run("{}", &data, &["x"], Decimal::ZERO)
        .err()
        .unwrap()
        .expect(
            BarterStatus::InvalidData,
            &["config", "missing field `instruments`"],
        );
    // No backtest is a run of none, as barter's run_backtests has it.
    let none = run(&system_json(), &data, &[], Decimal::ZERO).unwrap();
    assert_eq!(none["num_backtests"], 0);

    let mut buffer: *mut BarterBuffer = null_mut();
    let config = system_json();
    let status = unsafe {
        barter_backtest_run(
            config.as_ptr(),
            config.len(),
            std::ptr::null(),
            std::ptr::null(),
            0,
            1,
            &mut buffer,
        )
    };
    check(status)
        .unwrap_err()
        .expect(BarterStatus::NullPointer, &["`data` must not be NULL"]);
    let status = unsafe {
        barter_backtest_run(
            config.as_ptr(),
            config.len(),
            data.0,
            std::ptr::null(),
            0,
            9,
            &mut buffer,
        )
    };
    check(status)
        .unwrap_err()
        .expect(BarterStatus::InvalidArgument, &["interval", "9"]);
    assert!(buffer.is_null());
}
