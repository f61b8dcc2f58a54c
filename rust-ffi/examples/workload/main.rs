//! Writes a benchmark workload of order events built from real barter values
//! and serialised by serde, one per line, to stdout. Deterministic (a fixed
//! linear congruential generator), so the committed files can be checked
//! against it.
//!
//! - no argument: 100,000 indexed events of mixed states, ASCII names,
//!   timestamps within one day (the suite's first workload);
//! - `realistic indexed` or `realistic unindexed`: 50,000 events of one key
//!   form with what live data brings: non-ASCII and long strategy and cid
//!   strings, timestamps over two centuries with 0, 3, 6 or 9 fractional
//!   digits, decimals at every scale from 0 to 28, every state and every
//!   order error.
//!
//!     cargo run --release --example workload | gzip -n > ../benchmarks/data/order_events_100k.jsonl.gz

use barter_execution::error::{ApiError, ConnectivityError, OrderError};
use barter_execution::order::id::{ClientOrderId, OrderId, StrategyId};
use barter_execution::order::state::{
    ActiveOrderState, CancelInFlight, Cancelled, InactiveOrderState, Open, OpenInFlight, OrderState,
};
use barter_execution::order::{OrderEvent, OrderKey};
use barter_instrument::asset::AssetIndex;
use barter_instrument::exchange::{ExchangeId, ExchangeIndex};
use barter_instrument::instrument::InstrumentIndex;
use chrono::DateTime;
use rust_decimal::Decimal;
use serde::Serialize;
use std::io::{BufWriter, Write};

mod realistic;

const EVENTS: u64 = 100_000;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn open(rng: &mut Lcg, order: u64, at_ns: i64) -> Open {
    let scale = [0, 2, 4, 8][rng.below(4) as usize];
    Open {
        id: OrderId::new(format!("{}", 7_000_000_000u64 + order)),
        time_exchange: DateTime::from_timestamp_nanos(at_ns),
        filled_quantity: Decimal::new(rng.below(5_000_000) as i64, scale),
    }
}

fn error(rng: &mut Lcg) -> OrderError {
    match rng.below(6) {
        0 => OrderError::Connectivity(ConnectivityError::Timeout),
        1 => OrderError::Connectivity(ConnectivityError::ExchangeOffline(ExchangeId::BinanceSpot)),
        2 => OrderError::Rejected(ApiError::RateLimit),
        3 => OrderError::Rejected(ApiError::BalanceInsufficient(
            AssetIndex(rng.below(8) as usize),
            "available balance below order value".into(),
        )),
        4 => OrderError::Rejected(ApiError::OrderRejected(
            "post-only order would cross".into(),
        )),
        _ => OrderError::Rejected(ApiError::InstrumentInvalid(
            InstrumentIndex(rng.below(40) as usize),
            "instrument not trading".into(),
        )),
    }
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = std::io::stdout();
    let mut out = BufWriter::new(out.lock());
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => benchmark(&mut out)?,
        ["realistic", "indexed"] => realistic::write(&mut out, realistic::indexed_key)?,
        ["realistic", "unindexed"] => realistic::write(&mut out, realistic::unindexed_key)?,
        _ => {
            eprintln!("usage: workload [realistic indexed|unindexed]");
            std::process::exit(2);
        }
    }
    out.flush()
}

fn benchmark(out: &mut impl Write) -> std::io::Result<()> {
    let mut rng = Lcg(0x005e_edba_27e7);
    // 2025-10-05T10:15:00Z, advancing a few microseconds to milliseconds per event.
    let mut at_ns: i64 = 1_759_659_300_000_000_000;
    for order in 0..EVENTS {
        at_ns += 1_000 + rng.below(2_000_000) as i64;
        let key = OrderKey {
            exchange: ExchangeIndex(rng.below(4) as usize),
            instrument: InstrumentIndex(rng.below(40) as usize),
            strategy: StrategyId::new(
                ["momentum", "market-maker", "mean-reversion"][rng.below(3) as usize],
            ),
            cid: ClientOrderId::new(format!("cid-{order:08}")),
        };
        let state = match rng.below(100) {
            0..=39 => OrderState::Active(ActiveOrderState::Open(open(&mut rng, order, at_ns))),
            40..=54 => OrderState::Active(ActiveOrderState::OpenInFlight(OpenInFlight)),
            55..=64 => OrderState::Active(ActiveOrderState::CancelInFlight(CancelInFlight {
                order: (rng.below(2) == 0).then(|| open(&mut rng, order, at_ns)),
            })),
            65..=74 => OrderState::Inactive(InactiveOrderState::Cancelled(Cancelled {
                id: OrderId::new(format!("{}", 7_000_000_000u64 + order)),
                time_exchange: DateTime::from_timestamp_nanos(at_ns),
            })),
            75..=89 => OrderState::fully_filled(),
            90..=94 => OrderState::Inactive(InactiveOrderState::OpenFailed(error(&mut rng))),
            _ => OrderState::expired(),
        };
        write_line(out, &OrderEvent { key, state })?;
    }
    Ok(())
}

fn write_line(out: &mut impl Write, value: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}
