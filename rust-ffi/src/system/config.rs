//! A System's configuration: barter's own `SystemConfig` JSON, parsed by
//! serde into barter's types, plus the checks that keep barter from
//! panicking on a config it would accept. Every refusal names its field.

use crate::session::config::{check_mock_account, check_quote_balance};
use crate::status::{at, BarterStatus, FfiError};
use barter::system::config::{ExecutionConfig, InstrumentConfig};
use barter_execution::balance::Balance;
use barter_execution::client::mock::MockExecutionConfig;
use barter_instrument::asset::name::AssetNameInternal;
use barter_instrument::asset::ExchangeAsset;
use barter_instrument::index::IndexedInstruments;
use barter_instrument::instrument::kind::InstrumentKind;
use barter_instrument::Keyed;
use serde::Deserialize;

/// barter's `SystemConfig`, with each execution kept as JSON until it is
/// parsed on its own: `ExecutionConfig` is untagged, so serde's error for a
/// bad one would only say that it matched no variant.
#[derive(Debug, Deserialize)]
struct RawSystemConfig {
    instruments: Vec<InstrumentConfig>,
    executions: Vec<serde_json::Value>,
}

/// What a System is built from.
pub struct SystemSetup {
    pub instruments: IndexedInstruments,
    pub executions: Vec<ExecutionConfig>,
    pub balances: Vec<Keyed<ExchangeAsset<AssetNameInternal>, Balance>>,
}

fn invalid(message: impl Into<String>) -> FfiError {
    FfiError::new(BarterStatus::InvalidData, message)
}

fn serde_error(error: serde_json::Error) -> FfiError {
    crate::json::serde_error(error)
}

/// Parses `config` (barter's `SystemConfig` JSON; other top-level fields
/// such as `risk_free_return` are ignored) and `balances` (empty, or a JSON
/// array of barter's `Keyed<ExchangeAsset<AssetNameInternal>, Balance>`).
/// Errors start with the argument they are about: `config` or `balances`.
pub fn parse(config: &[u8], balances: &[u8]) -> Result<SystemSetup, FfiError> {
    let (instruments, executions) = parse_config(config).map_err(at("config"))?;
    let balances = if balances.iter().all(u8::is_ascii_whitespace) {
        Vec::new()
    } else {
        serde_json::from_slice(balances).map_err(|e| serde_error(e).at("balances"))?
    };
    check_balances(&balances, &instruments)?;
    Ok(SystemSetup {
        instruments,
        executions,
        balances,
    })
}

fn parse_config(config: &[u8]) -> Result<(IndexedInstruments, Vec<ExecutionConfig>), FfiError> {
    let raw: RawSystemConfig = serde_json::from_slice(config).map_err(serde_error)?;
    if raw.instruments.is_empty() {
        return Err(invalid("instruments is empty: a System needs at least one"));
    }
    let mut mocks: Vec<MockExecutionConfig> = Vec::new();
    for (index, value) in raw.executions.into_iter().enumerate() {
        let at = format!("executions[{index}]");
        let mock: MockExecutionConfig =
            serde_json::from_value(value).map_err(|e| invalid(format!("{at}: {e}")))?;
        if mocks
            .iter()
            .any(|m| m.mocked_exchange == mock.mocked_exchange)
        {
            return Err(invalid(format!(
                "{at}: a second execution for {}",
                mock.mocked_exchange.as_str()
            )));
        }
        check_mock_account(&mock, &at)?;
        mocks.push(mock);
    }
    for (index, instrument) in raw.instruments.iter().enumerate() {
        let at = format!("instruments[{index}] ({})", instrument.name_exchange);
        let Some(mock) = mocks
            .iter()
            .find(|m| m.mocked_exchange == instrument.exchange)
        else {
            continue;
        };
        if !matches!(instrument.kind, InstrumentKind::Spot) {
            return Err(invalid(format!(
                "{at}: MockExchange supports spot instruments only"
            )));
        }
        check_quote_balance(mock, &instrument.underlying.quote, &at)?;
    }
    let mut names = std::collections::HashSet::new();
    for (index, instrument) in raw.instruments.iter().enumerate() {
        if !names.insert((instrument.exchange, instrument.name_exchange.clone())) {
            return Err(invalid(format!(
                "instruments[{index}] ({}): instrument listed twice",
                instrument.name_exchange
            )));
        }
    }
    Ok((
        IndexedInstruments::new(raw.instruments),
        mocks.into_iter().map(ExecutionConfig::Mock).collect(),
    ))
}

fn check_balances(
    balances: &[Keyed<ExchangeAsset<AssetNameInternal>, Balance>],
    instruments: &IndexedInstruments,
) -> Result<(), FfiError> {
    for (index, Keyed { key, value }) in balances.iter().enumerate() {
        // barter's EngineState builder panics on a balance of an asset that
        // no instrument has.
        if instruments
            .find_asset_index(key.exchange, &key.asset)
            .is_err()
        {
            return Err(invalid(format!(
                "balances[{index}] ({} {}): no instrument of the config has this asset",
                key.exchange.as_str(),
                key.asset
            )));
        }
        if value.total.is_sign_negative() || value.free.is_sign_negative() {
            return Err(invalid(format!(
                "balances[{index}] ({} {}): negative balance (total {}, free {})",
                key.exchange.as_str(),
                key.asset,
                value.total,
                value.free
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// barter's shipped `examples/config/system_config.json`, as it is.
    pub(crate) const BARTER_SYSTEM_CONFIG: &str =
        include_str!("../../../python/barter_python/data/system_config.json");

    #[test]
    fn barters_example_config_parses_as_it_is() {
        let setup = parse(BARTER_SYSTEM_CONFIG.as_bytes(), b"").unwrap();
        assert_eq!(setup.instruments.instruments().len(), 3);
        assert_eq!(setup.executions.len(), 1);
        assert!(setup.balances.is_empty());
    }

    #[test]
    fn a_bad_execution_names_its_index_and_field() {
        let mut value: serde_json::Value = serde_json::from_str(BARTER_SYSTEM_CONFIG).unwrap();
        value["executions"][0]
            .as_object_mut()
            .unwrap()
            .remove("latency_ms");
        let err = parse(value.to_string().as_bytes(), b"").err().unwrap();
        assert_eq!(err.status, BarterStatus::InvalidData);
        assert!(
            err.message
                .starts_with("config: executions[0]: missing field `latency_ms`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn bad_balances_are_refused() {
        let err = parse(BARTER_SYSTEM_CONFIG.as_bytes(), b"[{\"key\":1}]")
            .err()
            .unwrap();
        assert!(err.message.starts_with("balances: "), "{}", err.message);
        let unknown = br#"[{"key":{"exchange":"binance_spot","asset":"doge"},
                           "value":{"total":"1","free":"1"}}]"#;
        let err = parse(BARTER_SYSTEM_CONFIG.as_bytes(), unknown)
            .err()
            .unwrap();
        assert_eq!(err.status, BarterStatus::InvalidData);
        assert!(
            err.message
                .starts_with("balances[0] (binance_spot doge): no instrument"),
            "{}",
            err.message
        );
    }
}
