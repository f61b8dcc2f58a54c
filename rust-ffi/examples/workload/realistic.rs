//! The realistic workload: the benchmark's events as live data brings them.

use super::{write_line, Lcg};
use barter_execution::error::{ApiError, ConnectivityError, OrderError};
use barter_execution::order::id::{ClientOrderId, OrderId, StrategyId};
use barter_execution::order::state::{
    ActiveOrderState, CancelInFlight, Cancelled, InactiveOrderState, Open, OpenInFlight, OrderState,
};
use barter_execution::order::{OrderEvent, OrderKey};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use std::io::Write;

use barter_instrument::asset::{name::AssetNameExchange, AssetIndex};
use barter_instrument::exchange::{ExchangeId, ExchangeIndex};
use barter_instrument::instrument::{name::InstrumentNameExchange, InstrumentIndex};

const EVENTS: u64 = 50_000;

// About a third non-ASCII (two and three byte UTF-8) and a fifth over 23
// bytes, the length past which CPython and PyPy stop treating a string as small.
const STRATEGIES: [&str; 10] = [
    "momentum",
    "market-maker",
    "mean-reversion",
    "stratégie-été",
    "套利-亚洲时段",
    "δ-hedge-σ",
    "statistical-arbitrage-eu-session",
    "cross-venue-basis-trade-quarterly-rollover",
    "momentum",
    "grid",
];

const EXCHANGES: [ExchangeId; 5] = [
    ExchangeId::BinanceSpot,
    ExchangeId::Coinbase,
    ExchangeId::Kraken,
    ExchangeId::Okx,
    ExchangeId::BinanceFuturesUsd,
];

const INSTRUMENTS: [&str; 6] = [
    "btc_usdt",
    "ETH-USD",
    "XBT/EUR",
    "eth_usdt_perpetual",
    "BTC-USD-251226-100000-C",
    "sol_usdc",
];

const MESSAGES: [&str; 4] = [
    "available balance below order value",
    "post-only order would cross",
    "solde insuffisant pour l'ordre: €",
    "注文が拒否されました",
];

/// An indexed key: exchange and instrument by index.
pub fn indexed_key(rng: &mut Lcg) -> (ExchangeIndex, InstrumentIndex) {
    (
        ExchangeIndex(rng.below(8) as usize),
        InstrumentIndex(rng.below(4_000) as usize),
    )
}

/// An unindexed key: the exchange's id and the instrument's name there.
pub fn unindexed_key(rng: &mut Lcg) -> (ExchangeId, InstrumentNameExchange) {
    let exchange = EXCHANGES[rng.below(EXCHANGES.len() as u64) as usize];
    let instrument = INSTRUMENTS[rng.below(INSTRUMENTS.len() as u64) as usize];
    (exchange, InstrumentNameExchange::new(instrument))
}

/// The asset and instrument keys an error names, in the same key form.
pub trait ErrorKeys: Sized {
    type Asset: serde::Serialize;
    type Instrument: serde::Serialize;
    fn asset(rng: &mut Lcg) -> Self::Asset;
    fn instrument(rng: &mut Lcg) -> Self::Instrument;
}

impl ErrorKeys for (ExchangeIndex, InstrumentIndex) {
    type Asset = AssetIndex;
    type Instrument = InstrumentIndex;
    fn asset(rng: &mut Lcg) -> AssetIndex {
        AssetIndex(rng.below(64) as usize)
    }
    fn instrument(rng: &mut Lcg) -> InstrumentIndex {
        indexed_key(rng).1
    }
}

impl ErrorKeys for (ExchangeId, InstrumentNameExchange) {
    type Asset = AssetNameExchange;
    type Instrument = InstrumentNameExchange;
    fn asset(rng: &mut Lcg) -> AssetNameExchange {
        AssetNameExchange::new(["btc", "usdt", "ETH", "€uro"][rng.below(4) as usize])
    }
    fn instrument(rng: &mut Lcg) -> InstrumentNameExchange {
        unindexed_key(rng).1
    }
}

fn pick<'a>(rng: &mut Lcg, from: &[&'a str]) -> &'a str {
    from[rng.below(from.len() as u64) as usize]
}

fn cid(rng: &mut Lcg, order: u64) -> ClientOrderId {
    ClientOrderId::new(match rng.below(10) {
        0..=5 => format!("cid-{order:08}"),
        6..=7 => format!("{:08x}-4e1c-9a7b-{order:012x}", rng.next()),
        8 => format!("ordre-№{order}"),
        _ => format!("注文-{order}"),
    })
}

fn order_id(rng: &mut Lcg, order: u64) -> OrderId {
    OrderId::new(match rng.below(4) {
        0 => format!(
            "{:08x}-{:04x}-{order:012x}",
            rng.next(),
            rng.below(0x1_0000)
        ),
        _ => format!("{}", 7_000_000_000u64 + order),
    })
}

/// 1900-01-01 to 2099-12-31, whole seconds, or with 3, 6 or 9 digits of fraction.
fn timestamp(rng: &mut Lcg) -> DateTime<Utc> {
    const FIRST: i64 = -2_208_988_800;
    const LAST: i64 = 4_102_444_799;
    let seconds = FIRST + ((rng.next() << 31 | rng.next()) % (LAST - FIRST + 1) as u64) as i64;
    let nanos = match rng.below(4) {
        0 => 0,
        1 => (1 + rng.below(999)) * 1_000_000,
        2 => (1 + rng.below(999_999)) * 1_000,
        _ => 1 + rng.below(999_999_999),
    } as u32;
    DateTime::from_timestamp(seconds, nanos).expect("inside chrono's range")
}

/// Scale 0 to 28 with a mantissa of 1 to 96 bits.
fn decimal(rng: &mut Lcg) -> Decimal {
    let bits = 1 + rng.below(96);
    let wide =
        (u128::from(rng.next()) << 62) | (u128::from(rng.next()) << 31) | u128::from(rng.next());
    let mantissa = (wide | u128::from(rng.next()) << 93) & ((1u128 << bits) - 1);
    Decimal::from_i128_with_scale(mantissa as i128, rng.below(29) as u32)
}

fn open(rng: &mut Lcg, order: u64) -> Open {
    Open {
        id: order_id(rng, order),
        time_exchange: timestamp(rng),
        filled_quantity: decimal(rng),
    }
}

fn error<K: ErrorKeys>(rng: &mut Lcg) -> OrderError<K::Asset, K::Instrument> {
    let message = pick(rng, &MESSAGES).to_string();
    match rng.below(10) {
        0 => OrderError::Connectivity(ConnectivityError::Timeout),
        1 => OrderError::Connectivity(ConnectivityError::ExchangeOffline(
            EXCHANGES[rng.below(EXCHANGES.len() as u64) as usize],
        )),
        2 => OrderError::Connectivity(ConnectivityError::Socket(message)),
        3 => OrderError::Rejected(ApiError::RateLimit),
        4 => OrderError::Rejected(ApiError::AssetInvalid(K::asset(rng), message)),
        5 => OrderError::Rejected(ApiError::InstrumentInvalid(K::instrument(rng), message)),
        6 => OrderError::Rejected(ApiError::BalanceInsufficient(K::asset(rng), message)),
        7 => OrderError::Rejected(ApiError::OrderRejected(message)),
        8 => OrderError::Rejected(ApiError::OrderAlreadyCancelled),
        _ => OrderError::Rejected(ApiError::OrderAlreadyFullyFilled),
    }
}

fn state<K: ErrorKeys>(rng: &mut Lcg, order: u64) -> OrderState<K::Asset, K::Instrument> {
    match rng.below(100) {
        0..=34 => OrderState::Active(ActiveOrderState::Open(open(rng, order))),
        35..=49 => OrderState::Active(ActiveOrderState::OpenInFlight(OpenInFlight)),
        50..=59 => OrderState::Active(ActiveOrderState::CancelInFlight(CancelInFlight {
            order: (rng.below(2) == 0).then(|| open(rng, order)),
        })),
        60..=69 => OrderState::Inactive(InactiveOrderState::Cancelled(Cancelled {
            id: order_id(rng, order),
            time_exchange: timestamp(rng),
        })),
        70..=84 => OrderState::fully_filled(),
        85..=94 => OrderState::Inactive(InactiveOrderState::OpenFailed(error::<K>(rng))),
        _ => OrderState::expired(),
    }
}

/// Writes the realistic workload with keys made by `key`.
pub fn write<E, I>(out: &mut impl Write, key: fn(&mut Lcg) -> (E, I)) -> std::io::Result<()>
where
    (E, I): ErrorKeys,
    E: serde::Serialize,
    I: serde::Serialize,
{
    let mut rng = Lcg(0x7ea1_1571_c000);
    for order in 0..EVENTS {
        let (exchange, instrument) = key(&mut rng);
        let key = OrderKey {
            exchange,
            instrument,
            strategy: StrategyId::new(pick(&mut rng, &STRATEGIES)),
            cid: cid(&mut rng, order),
        };
        let state = state::<(E, I)>(&mut rng, order);
        write_line(out, &OrderEvent { key, state })?;
    }
    Ok(())
}
