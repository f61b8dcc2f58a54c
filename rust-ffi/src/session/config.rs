//! The session's configuration, in barter's own `SystemConfig` shape:
//!
//! ```json
//! {"instruments": [{"exchange": "binance_spot", "name_exchange": "BTCUSDT",
//!                   "underlying": {"base": "btc", "quote": "usdt"},
//!                   "quote": "underlying_quote", "kind": "spot"}],
//!  "executions": [{"exchange": "binance_spot",
//!                  "kind": {"type": "Mock", "mocked_exchange": "binance_spot",
//!                           "latency_ms": 100, "fees_percent": 0.05,
//!                           "initial_state": {...}}}]}
//! ```
//!
//! An execution entry may also be a bare `MockExecutionConfig` (barter's
//! older shape). Other top-level fields (`risk_free_return`, ...) are
//! ignored. Everything is parsed by serde into barter's types; the checks
//! below reject what would make MockExchange panic or misbehave, each with
//! a message naming the field.

use crate::status::{BarterStatus, FfiError};
use barter_execution::client::mock::MockExecutionConfig;
use barter_instrument::asset::name::AssetNameExchange;
use barter_instrument::exchange::ExchangeId;
use barter_instrument::instrument::kind::InstrumentKind;
use barter_instrument::instrument::name::{InstrumentNameExchange, InstrumentNameInternal};
use barter_instrument::instrument::quote::InstrumentQuoteAsset;
use barter_instrument::instrument::spec::InstrumentSpec;
use barter_instrument::instrument::Instrument;
use barter_instrument::Underlying;
use fnv::FnvHashMap;
use rust_decimal::Decimal;
use serde::Deserialize;

/// barter's `SystemConfig` (the fields a mock session reads).
#[derive(Debug, Deserialize)]
struct SystemConfig {
    instruments: Vec<InstrumentConfig>,
    executions: Vec<serde_json::Value>,
}

/// barter's `InstrumentConfig`.
#[derive(Debug, Clone, Deserialize)]
struct InstrumentConfig {
    exchange: ExchangeId,
    name_exchange: InstrumentNameExchange,
    underlying: Underlying<AssetNameExchange>,
    quote: InstrumentQuoteAsset,
    kind: InstrumentKind<AssetNameExchange>,
    spec: Option<InstrumentSpec<AssetNameExchange>>,
}

/// barter's `ExecutionConfig { exchange, kind }` with `kind` tagged by `type`.
#[derive(Debug, Deserialize)]
struct ExecutionConfig {
    #[allow(dead_code)]
    exchange: ExchangeId,
    kind: serde_json::Value,
}

/// What a session needs to start a MockExchange.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    pub mock: MockExecutionConfig,
    pub instruments: FnvHashMap<InstrumentNameExchange, Instrument<ExchangeId, AssetNameExchange>>,
}

fn invalid(message: impl Into<String>) -> FfiError {
    FfiError::new(BarterStatus::InvalidData, message)
}

fn serde_error(error: serde_json::Error) -> FfiError {
    let status = if error.is_syntax() || error.is_eof() {
        BarterStatus::InvalidJson
    } else {
        BarterStatus::InvalidData
    };
    FfiError::new(status, error.to_string())
}

fn parse_execution(
    index: usize,
    value: serde_json::Value,
) -> Result<MockExecutionConfig, FfiError> {
    let at = format!("executions[{index}]");
    let mock = if value.get("kind").is_some() {
        let entry: ExecutionConfig =
            serde_json::from_value(value).map_err(|e| invalid(format!("{at}: {e}")))?;
        match entry.kind.get("type").and_then(|t| t.as_str()) {
            Some("Mock") => entry.kind,
            Some(other) => {
                return Err(invalid(format!(
                    "{at}.kind.type is {other:?}: a session runs barter's MockExchange, \
                     so only \"Mock\" executions are supported"
                )))
            }
            None => return Err(invalid(format!("{at}.kind: missing field `type`"))),
        }
    } else {
        value
    };
    serde_json::from_value(mock).map_err(|e| invalid(format!("{at}: {e}")))
}

/// Parses and checks a configuration (JSON text in barter's shape).
pub fn parse(json: &[u8]) -> Result<SessionConfig, FfiError> {
    let config: SystemConfig = serde_json::from_slice(json).map_err(serde_error)?;
    let mut mocks = Vec::new();
    for (index, execution) in config.executions.into_iter().enumerate() {
        mocks.push(parse_execution(index, execution)?);
    }
    let mock = match <[MockExecutionConfig; 1]>::try_from(mocks) {
        Ok([mock]) => mock,
        Err(mocks) => {
            return Err(invalid(format!(
                "executions has {} entries; a session runs exactly one MockExchange",
                mocks.len()
            )))
        }
    };
    check_mock_account(&mock, "executions[0]")?;
    let exchange = mock.mocked_exchange;
    let mut instruments = FnvHashMap::default();
    for (index, instrument) in config.instruments.into_iter().enumerate() {
        if instrument.exchange != exchange {
            // barter's builder gives MockExchange only its own instruments.
            continue;
        }
        let at = format!("instruments[{index}] ({})", instrument.name_exchange);
        let instrument = mock_instrument(instrument, &at)?;
        check_quote_balance(&mock, &instrument.underlying.quote, &at)?;
        if instruments
            .insert(instrument.name_exchange.clone(), instrument)
            .is_some()
        {
            return Err(invalid(format!("{at}: instrument listed twice")));
        }
    }
    if instruments.is_empty() {
        return Err(invalid(format!(
            "no instrument in `instruments` is on the mocked exchange {}",
            exchange.as_str()
        )));
    }
    Ok(SessionConfig { mock, instruments })
}

/// MockExchange panics on an instrument whose quote asset has no balance;
/// `at` names the instrument in the message.
pub(crate) fn check_quote_balance(
    mock: &MockExecutionConfig,
    quote: &AssetNameExchange,
    at: &str,
) -> Result<(), FfiError> {
    if mock
        .initial_state
        .balances
        .iter()
        .any(|b| &b.asset == quote)
    {
        return Ok(());
    }
    Err(invalid(format!(
        "{at}: quote asset {quote} has no balance in the initial_state of the {} \
         execution; MockExchange needs one",
        mock.mocked_exchange.as_str()
    )))
}

/// Refuses what MockExchange would panic or misbehave on; `at` names the
/// execution in messages (`executions[0]`).
pub(crate) fn check_mock_account(mock: &MockExecutionConfig, at: &str) -> Result<(), FfiError> {
    if mock.fees_percent < Decimal::ZERO {
        return Err(invalid(format!(
            "{at}.fees_percent is {}; it must not be negative",
            mock.fees_percent
        )));
    }
    for (index, balance) in mock.initial_state.balances.iter().enumerate() {
        let at = format!("{at}.initial_state.balances[{index}] ({})", balance.asset);
        let (total, free) = (balance.balance.total, balance.balance.free);
        if total < Decimal::ZERO || free < Decimal::ZERO {
            return Err(invalid(format!(
                "{at}: negative balance (total {total}, free {free})"
            )));
        }
        if total != free {
            // MockExchange asserts total == free (it has no resting orders).
            return Err(invalid(format!(
                "{at}: total {total} and free {free} differ; MockExchange needs them equal"
            )));
        }
    }
    Ok(())
}

/// barter's `InstrumentConfig` to the `Instrument` MockExchange holds, as
/// barter's `ExecutionBuilder` builds it (spot only).
fn mock_instrument(
    config: InstrumentConfig,
    at: &str,
) -> Result<Instrument<ExchangeId, AssetNameExchange>, FfiError> {
    let kind = match config.kind {
        InstrumentKind::Spot => InstrumentKind::Spot,
        InstrumentKind::Perpetual(_) | InstrumentKind::Future(_) | InstrumentKind::Option(_) => {
            return Err(invalid(format!(
                "{at}: MockExchange supports spot instruments only"
            )))
        }
    };
    Ok(Instrument {
        exchange: config.exchange,
        name_internal: InstrumentNameInternal::new_from_exchange_underlying(
            config.exchange,
            &config.underlying.base,
            &config.underlying.quote,
        ),
        name_exchange: config.name_exchange,
        underlying: config.underlying,
        quote: config.quote,
        kind,
        spec: config.spec,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const CONFIG: &str = r#"{
      "risk_free_return": 0.05,
      "instruments": [
        {"exchange": "binance_spot", "name_exchange": "BTCUSDT",
         "underlying": {"base": "btc", "quote": "usdt"}, "quote": "underlying_quote", "kind": "spot"},
        {"exchange": "kraken", "name_exchange": "XBTUSD",
         "underlying": {"base": "xbt", "quote": "usd"}, "quote": "underlying_quote", "kind": "spot"}
      ],
      "executions": [{"exchange": "binance_spot", "kind": {"type": "Mock",
        "mocked_exchange": "binance_spot", "latency_ms": 1, "fees_percent": 0.001,
        "initial_state": {"exchange": "binance_spot", "balances": [
          {"asset": "usdt", "balance": {"total": 10000, "free": 10000}, "time_exchange": "2025-03-24T21:30:00Z"},
          {"asset": "btc", "balance": {"total": 0.1, "free": 0.1}, "time_exchange": "2025-03-24T21:30:00Z"}],
          "instruments": [{"instrument": "BTCUSDT", "orders": []}]}}}]
    }"#;

    #[test]
    fn barter_system_config_parses() {
        let config = parse(CONFIG.as_bytes()).unwrap();
        assert_eq!(config.mock.mocked_exchange, ExchangeId::BinanceSpot);
        assert_eq!(config.mock.fees_percent.to_string(), "0.001");
        assert_eq!(config.instruments.len(), 1);
        let btc = &config.instruments[&InstrumentNameExchange::new("BTCUSDT")];
        assert_eq!(btc.name_internal.name().as_str(), "binancespot-btc_usdt");
    }

    #[test]
    fn a_bare_mock_execution_config_parses() {
        let value: serde_json::Value = serde_json::from_str(CONFIG).unwrap();
        let mut value = value;
        let kind = value["executions"][0]["kind"].take();
        value["executions"][0] = kind;
        value["executions"][0]
            .as_object_mut()
            .unwrap()
            .remove("type");
        let config = parse(value.to_string().as_bytes()).unwrap();
        assert_eq!(config.mock.latency_ms, 1);
    }

    fn error_of(edit: impl FnOnce(&mut serde_json::Value)) -> FfiError {
        let mut value: serde_json::Value = serde_json::from_str(CONFIG).unwrap();
        edit(&mut value);
        parse(value.to_string().as_bytes()).unwrap_err()
    }

    #[test]
    fn bad_configs_name_the_problem() {
        let cases: Vec<(FfiError, &str)> = vec![
            (
                error_of(|v| {
                    v["executions"][0]["kind"]["initial_state"]["balances"][1]["balance"] =
                        serde_json::json!({"total": "-1", "free": "-1"})
                }),
                "balances[1] (btc): negative balance (total -1, free -1)",
            ),
            (
                error_of(|v| {
                    v["executions"][0]["kind"]["initial_state"]["balances"][1]["balance"] =
                        serde_json::json!({"total": "2", "free": "1"})
                }),
                "total 2 and free 1 differ",
            ),
            (
                error_of(|v| v["executions"][0]["kind"]["fees_percent"] = "-0.1".into()),
                "fees_percent is -0.1",
            ),
            (
                error_of(|v| v["executions"][0]["kind"]["type"] = "Live".into()),
                "only \"Mock\" executions are supported",
            ),
            (
                error_of(|v| {
                    v["executions"][0]["kind"]["initial_state"]["balances"]
                        .as_array_mut()
                        .unwrap()
                        .remove(0);
                }),
                "quote asset usdt has no balance",
            ),
            (
                error_of(
                    |v| v["instruments"][0]["kind"] = serde_json::json!({"perpetual": {"contract_size": 1, "settlement_asset": "usdt"}}),
                ),
                "spot instruments only",
            ),
            (
                error_of(|v| v["executions"][0]["kind"]["mocked_exchange"] = "nasdaq".into()),
                "executions[0]: unknown variant `nasdaq`",
            ),
            (
                error_of(|v| v["executions"] = serde_json::json!([])),
                "executions has 0 entries",
            ),
        ];
        for (error, expected) in cases {
            assert!(
                error.message.contains(expected),
                "{} !~ {expected}",
                error.message
            );
            assert_eq!(error.status, BarterStatus::InvalidData, "{}", error.message);
        }
        let error = parse(b"{\"instruments\": [").unwrap_err();
        assert_eq!(error.status, BarterStatus::InvalidJson);
        assert!(
            error.message.contains("line 1 column 17"),
            "{}",
            error.message
        );
    }
}
