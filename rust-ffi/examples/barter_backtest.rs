//! barter's own backtest, timed: its `run_backtests` with `DefaultStrategy`
//! over a market data file, as barter's `backtests_concurrent` example runs
//! it, for benchmarks/backtest.py to compare the library's runs with. Prints
//! the seconds the run took (the data already parsed) and the number of
//! events.
//!
//!     cargo run --release --example barter_backtest -- CONFIG DATA [RUNS]

use barter::backtest::market_data::{BacktestMarketData, MarketDataInMemory};
use barter::backtest::{run_backtests, BacktestArgsConstant, BacktestArgsDynamic};
use barter::engine::state::builder::EngineStateBuilder;
use barter::engine::state::global::DefaultGlobalData;
use barter::engine::state::instrument::data::DefaultInstrumentMarketData;
use barter::engine::state::trading::TradingState;
use barter::risk::DefaultRiskManager;
use barter::statistic::time::Daily;
use barter::strategy::DefaultStrategy;
use barter::system::config::SystemConfig;
use barter_data::event::DataKind;
use barter_data::streams::consumer::MarketStreamEvent;
use barter_instrument::index::IndexedInstruments;
use barter_instrument::instrument::InstrumentIndex;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Instant;

#[derive(Deserialize)]
struct BacktestConfig {
    risk_free_return: Decimal,
    system: SystemConfig,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, config, data, rest @ ..] = args.as_slice() else {
        eprintln!("usage: barter_backtest CONFIG DATA [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = rest
        .first()
        .map_or(1, |r| r.parse().expect("RUNS is a number"));
    let config: BacktestConfig =
        serde_json::from_slice(&std::fs::read(config).expect("the config")).expect("a config");
    let events: Vec<MarketStreamEvent<InstrumentIndex, DataKind>> = std::fs::read(data)
        .expect("the data")
        .split(|b| *b == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| serde_json::from_slice(line).expect("barter's market events"))
        .collect();
    let count = events.len();
    let instruments = IndexedInstruments::new(config.system.instruments);
    let market_data = MarketDataInMemory::new(Arc::new(events));
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    let mut best = f64::INFINITY;
    for _ in 0..runs {
        let started = Instant::now();
        runtime.block_on(async {
            let start = market_data.time_first_event().await.expect("a first event");
            let engine_state = EngineStateBuilder::new(&instruments, DefaultGlobalData, |_| {
                DefaultInstrumentMarketData::default()
            })
            .time_engine_start(start)
            .trading_state(TradingState::Enabled)
            .build();
            let constant = Arc::new(BacktestArgsConstant {
                instruments: instruments.clone(),
                executions: config.system.executions.clone(),
                market_data: market_data.clone(),
                summary_interval: Daily,
                engine_state,
            });
            let dynamic = BacktestArgsDynamic {
                id: "barter".into(),
                risk_free_return: config.risk_free_return,
                strategy: DefaultStrategy::default(),
                risk: DefaultRiskManager::default(),
            };
            run_backtests(constant, [dynamic])
                .await
                .expect("barter's backtest runs")
        });
        best = best.min(started.elapsed().as_secs_f64());
    }
    println!("{{\"seconds\": {best}, \"events\": {count}}}");
}
