//! A PyO3 extension that decodes barter order events written the obvious
//! way: serde parses each JSON line into barter's own types, then each value
//! becomes a `#[pyclass]` with `#[pyo3(get)]` fields, an eager `Decimal`
//! (PyO3's `rust_decimal` conversion, from text) and an aware `datetime`
//! (PyO3's `chrono` conversion, which keeps microseconds; `nanos` keeps the
//! rest). It is the suite's yardstick for "what a PyO3 binding costs", not a
//! product: it lives under benchmarks/ and is built only to be measured.

use barter_execution::error::{ApiError, ConnectivityError, OrderError as BarterOrderError};
use barter_execution::order::state::{
    ActiveOrderState, InactiveOrderState, Open as BarterOpen, OrderState,
};
use barter_execution::order::OrderEvent as BarterOrderEvent;
use barter_instrument::asset::{name::AssetNameExchange, AssetIndex};
use barter_instrument::exchange::{ExchangeId, ExchangeIndex};
use barter_instrument::instrument::{name::InstrumentNameExchange, InstrumentIndex};
use chrono::{DateTime, Timelike, Utc};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::IntoPyObjectExt;
use serde::de::DeserializeOwned;

#[pyclass(frozen, get_all, module = "barter_pyo3_peer")]
struct OrderEvent {
    key: Py<OrderKey>,
    state: Py<PyAny>,
}

#[pyclass(frozen, get_all, module = "barter_pyo3_peer")]
struct OrderKey {
    exchange: Py<PyAny>,
    instrument: Py<PyAny>,
    strategy: String,
    cid: String,
}

#[pyclass(frozen, module = "barter_pyo3_peer")]
struct OpenInFlight;

#[pyclass(frozen, get_all, module = "barter_pyo3_peer")]
struct Open {
    id: String,
    time_exchange: Py<PyAny>,
    nanos: u32,
    filled_quantity: Py<PyAny>,
}

#[pyclass(frozen, get_all, module = "barter_pyo3_peer")]
struct CancelInFlight {
    order: Option<Py<Open>>,
}

#[pyclass(frozen, get_all, module = "barter_pyo3_peer")]
struct Cancelled {
    id: String,
    time_exchange: Py<PyAny>,
    nanos: u32,
}

#[pyclass(frozen, module = "barter_pyo3_peer")]
struct FullyFilled;

#[pyclass(frozen, module = "barter_pyo3_peer")]
struct Expired;

#[pyclass(frozen, get_all, module = "barter_pyo3_peer")]
struct OpenFailed {
    error: Py<OrderError>,
}

/// A leaf of barter's `OrderError`: its variant name, the key it names
/// (an asset, an instrument or an exchange) and its message.
#[pyclass(frozen, get_all, module = "barter_pyo3_peer")]
struct OrderError {
    kind: &'static str,
    key: Option<Py<PyAny>>,
    message: Option<String>,
}

/// How a key form's exchange, asset and instrument keys become Python values.
trait Keys {
    type Exchange: DeserializeOwned;
    type Asset: DeserializeOwned;
    type Instrument: DeserializeOwned;
    fn exchange(py: Python<'_>, key: Self::Exchange) -> PyResult<Py<PyAny>>;
    fn asset(py: Python<'_>, key: Self::Asset) -> PyResult<Py<PyAny>>;
    fn instrument(py: Python<'_>, key: Self::Instrument) -> PyResult<Py<PyAny>>;
}

struct Indexed;
struct Unindexed;

fn any<'py, T: IntoPyObject<'py>>(py: Python<'py>, value: T) -> PyResult<Py<PyAny>> {
    value.into_py_any(py)
}

impl Keys for Indexed {
    type Exchange = ExchangeIndex;
    type Asset = AssetIndex;
    type Instrument = InstrumentIndex;
    fn exchange(py: Python<'_>, key: ExchangeIndex) -> PyResult<Py<PyAny>> {
        any(py, key.index())
    }
    fn asset(py: Python<'_>, key: AssetIndex) -> PyResult<Py<PyAny>> {
        any(py, key.index())
    }
    fn instrument(py: Python<'_>, key: InstrumentIndex) -> PyResult<Py<PyAny>> {
        any(py, key.index())
    }
}

impl Keys for Unindexed {
    type Exchange = ExchangeId;
    type Asset = AssetNameExchange;
    type Instrument = InstrumentNameExchange;
    fn exchange(py: Python<'_>, key: ExchangeId) -> PyResult<Py<PyAny>> {
        any(py, key.as_str())
    }
    fn asset(py: Python<'_>, key: AssetNameExchange) -> PyResult<Py<PyAny>> {
        any(py, key.name().as_str())
    }
    fn instrument(py: Python<'_>, key: InstrumentNameExchange) -> PyResult<Py<PyAny>> {
        any(py, key.name().as_str())
    }
}

fn stamp(py: Python<'_>, time: DateTime<Utc>) -> PyResult<(Py<PyAny>, u32)> {
    Ok((any(py, time)?, time.nanosecond()))
}

fn open(py: Python<'_>, open: BarterOpen) -> PyResult<Py<Open>> {
    let (time_exchange, nanos) = stamp(py, open.time_exchange)?;
    Py::new(
        py,
        Open {
            id: open.id.0.to_string(),
            time_exchange,
            nanos,
            filled_quantity: any(py, open.filled_quantity)?,
        },
    )
}

fn error<K: Keys>(
    py: Python<'_>,
    error: BarterOrderError<K::Asset, K::Instrument>,
) -> PyResult<OrderError> {
    let leaf = |kind, key, message| OrderError { kind, key, message };
    Ok(match error {
        BarterOrderError::Connectivity(error) => match error {
            ConnectivityError::ExchangeOffline(exchange) => {
                leaf("ExchangeOffline", Some(any(py, exchange.as_str())?), None)
            }
            ConnectivityError::Timeout => leaf("Timeout", None, None),
            ConnectivityError::Socket(message) => leaf("Socket", None, Some(message)),
        },
        BarterOrderError::Rejected(error) => match error {
            ApiError::AssetInvalid(asset, message) => {
                leaf("AssetInvalid", Some(K::asset(py, asset)?), Some(message))
            }
            ApiError::InstrumentInvalid(instrument, message) => leaf(
                "InstrumentInvalid",
                Some(K::instrument(py, instrument)?),
                Some(message),
            ),
            ApiError::RateLimit => leaf("RateLimit", None, None),
            ApiError::BalanceInsufficient(asset, message) => leaf(
                "BalanceInsufficient",
                Some(K::asset(py, asset)?),
                Some(message),
            ),
            ApiError::OrderRejected(message) => leaf("OrderRejected", None, Some(message)),
            ApiError::OrderAlreadyCancelled => leaf("OrderAlreadyCancelled", None, None),
            ApiError::OrderAlreadyFullyFilled => leaf("OrderAlreadyFullyFilled", None, None),
        },
    })
}

fn state<K: Keys>(
    py: Python<'_>,
    state: OrderState<K::Asset, K::Instrument>,
) -> PyResult<Py<PyAny>> {
    Ok(match state {
        OrderState::Active(ActiveOrderState::OpenInFlight(_)) => {
            Py::new(py, OpenInFlight)?.into_any()
        }
        OrderState::Active(ActiveOrderState::Open(order)) => open(py, order)?.into_any(),
        OrderState::Active(ActiveOrderState::CancelInFlight(state)) => {
            let order = state.order.map(|order| open(py, order)).transpose()?;
            Py::new(py, CancelInFlight { order })?.into_any()
        }
        OrderState::Inactive(InactiveOrderState::Cancelled(cancelled)) => {
            let (time_exchange, nanos) = stamp(py, cancelled.time_exchange)?;
            let id = cancelled.id.0.to_string();
            Py::new(
                py,
                Cancelled {
                    id,
                    time_exchange,
                    nanos,
                },
            )?
            .into_any()
        }
        OrderState::Inactive(InactiveOrderState::FullyFilled) => {
            Py::new(py, FullyFilled)?.into_any()
        }
        OrderState::Inactive(InactiveOrderState::Expired) => Py::new(py, Expired)?.into_any(),
        OrderState::Inactive(InactiveOrderState::OpenFailed(failed)) => {
            let error = Py::new(py, error::<K>(py, failed)?)?;
            Py::new(py, OpenFailed { error })?.into_any()
        }
    })
}

type Event<K> = BarterOrderEvent<
    OrderState<<K as Keys>::Asset, <K as Keys>::Instrument>,
    <K as Keys>::Exchange,
    <K as Keys>::Instrument,
>;

fn decode<K: Keys>(py: Python<'_>, data: &[u8]) -> PyResult<Vec<Py<OrderEvent>>> {
    let mut events = Vec::new();
    for (number, line) in data.split(|byte| *byte == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let event: Event<K> = serde_json::from_slice(line)
            .map_err(|error| PyValueError::new_err(format!("line {}: {error}", number + 1)))?;
        let key = Py::new(
            py,
            OrderKey {
                exchange: K::exchange(py, event.key.exchange)?,
                instrument: K::instrument(py, event.key.instrument)?,
                strategy: event.key.strategy.0.to_string(),
                cid: event.key.cid.0.to_string(),
            },
        )?;
        let state = state::<K>(py, event.state)?;
        events.push(Py::new(py, OrderEvent { key, state })?);
    }
    Ok(events)
}

/// Order events from JSON lines; `indexed` picks the key form.
#[pyfunction]
fn decode_lines(py: Python<'_>, data: &[u8], indexed: bool) -> PyResult<Vec<Py<OrderEvent>>> {
    if indexed {
        decode::<Indexed>(py, data)
    } else {
        decode::<Unindexed>(py, data)
    }
}

#[pymodule]
fn barter_pyo3_peer(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(decode_lines, module)?)?;
    module.add_class::<OrderEvent>()?;
    module.add_class::<OrderKey>()?;
    module.add_class::<OpenInFlight>()?;
    module.add_class::<Open>()?;
    module.add_class::<CancelInFlight>()?;
    module.add_class::<Cancelled>()?;
    module.add_class::<FullyFilled>()?;
    module.add_class::<Expired>()?;
    module.add_class::<OpenFailed>()?;
    module.add_class::<OrderError>()?;
    Ok(())
}
