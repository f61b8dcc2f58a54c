//! `barter_engine_json_normalize`: barter's engine values parsed by serde
//! and printed again. It is how a binding checks JSON it wrote for these
//! types and gets serde's exact bytes back (`to_json`), and how tests take
//! their expected JSON from Rust.

use super::summary::{self, BarterSummaryInterval};
use super::{MarketEvent, State, SystemEngine};
use crate::batch::input_slice;
use crate::buffer::{into_raw, BarterBuffer};
use crate::ctypes::c_tag;
use crate::json::{parse_each, BarterJsonFormat};
use crate::status::{at, ffi_call, out_param, BarterStatus, FfiError};
use barter::engine::audit::AuditTick;
use barter::engine::command::Command;
use barter::engine::state::instrument::filter::InstrumentFilter;
use barter::engine::Processor;
use barter::EngineEvent;
use barter_data::event::DataKind;
use barter_data::streams::consumer::MarketStreamResult;
use barter_instrument::instrument::InstrumentIndex;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The engine audit tick type of a System.
pub type SystemAuditTick = AuditTick<<SystemEngine as Processor<EngineEvent>>::Audit>;

/// The barter type a JSON input holds.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterEngineValue {
    /// `AuditTick<EngineAudit<EngineEvent, EngineOutput>>`, as drained.
    AuditTick = 1,
    /// `AuditTick<EngineState>`, the audit snapshot.
    StateSnapshot = 2,
    /// barter-data's `MarketStreamEvent<InstrumentIndex, DataKind>`.
    MarketStreamEvent = 3,
    /// `EngineEvent` with indexed keys.
    EngineEvent = 4,
    /// `Command` with indexed keys.
    Command = 5,
    /// `InstrumentFilter` with indexed keys.
    InstrumentFilter = 6,
    /// `TradingSummary<Daily>` in the System's summary form.
    TradingSummaryDaily = 7,
    /// `TradingSummary<Annual252>`, likewise.
    TradingSummaryAnnual252 = 8,
    /// `TradingSummary<Annual365>`, likewise.
    TradingSummaryAnnual365 = 9,
    /// barter-data's `MarketStreamResult<InstrumentIndex, DataKind>`.
    MarketStreamResult = 10,
}

c_tag!(BarterEngineValue {
    AuditTick,
    StateSnapshot,
    MarketStreamEvent,
    EngineEvent,
    Command,
    InstrumentFilter,
    TradingSummaryDaily,
    TradingSummaryAnnual252,
    TradingSummaryAnnual365,
    MarketStreamResult,
});

fn reprint<T: DeserializeOwned + Serialize>(
    input: &[u8],
    format: BarterJsonFormat,
) -> Result<Vec<u8>, FfiError> {
    let mut values: Vec<T> = Vec::new();
    parse_each::<T>(input, format, |_, value| {
        values.push(value?);
        Ok(())
    })?;
    let print = |value: &T| {
        serde_json::to_vec(value).map_err(|e| FfiError::invalid(format!("cannot serialise: {e}")))
    };
    Ok(match format {
        BarterJsonFormat::One => print(&values[0])?,
        BarterJsonFormat::Array => serde_json::to_vec(&values)
            .map_err(|e| FfiError::invalid(format!("cannot serialise: {e}")))?,
        BarterJsonFormat::Lines => {
            let mut out = Vec::new();
            for value in &values {
                out.extend(print(value)?);
                out.push(b'\n');
            }
            out
        }
    })
}

fn summary(input: &[u8], interval: BarterSummaryInterval) -> Result<Vec<u8>, FfiError> {
    let text = crate::json::check_input(input)?;
    summary::normalize(text, interval)
}

/// Parses `len` bytes of JSON holding `value` (a `BarterEngineValue`) framed
/// as `format`, and writes serde's JSON of the parsed values, framed the
/// same way, to a new buffer at `*out_buffer`. Summaries take one value
/// only. Errors name the line or item with serde's message.
///
/// # Safety
/// `data` must be valid for reads of `len` bytes; `out_buffer` NULL or
/// valid for writes.
#[no_mangle]
pub unsafe extern "C" fn barter_engine_json_normalize(
    value: u32,
    format: u32,
    data: *const u8,
    len: usize,
    out_buffer: *mut *mut BarterBuffer,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        let out_buffer = unsafe { out_param(out_buffer, "out_buffer") }?;
        *out_buffer = std::ptr::null_mut();
        let value = BarterEngineValue::from_raw(value).map_err(at("value"))?;
        let format = BarterJsonFormat::from_raw(format).map_err(at("format"))?;
        // SAFETY: per this function's contract.
        let input = unsafe { input_slice(data, len, "data") }?;
        let one_summary = |interval| {
            if format != BarterJsonFormat::One {
                return Err(FfiError::invalid(
                    "a trading summary is one JSON value: use BARTER_JSON_FORMAT_ONE",
                ));
            }
            summary(input, interval)
        };
        let json = match value {
            BarterEngineValue::AuditTick => reprint::<SystemAuditTick>(input, format),
            BarterEngineValue::StateSnapshot => reprint::<AuditTick<State>>(input, format),
            BarterEngineValue::MarketStreamEvent => reprint::<MarketEvent>(input, format),
            BarterEngineValue::MarketStreamResult => {
                reprint::<MarketStreamResult<InstrumentIndex, DataKind>>(input, format)
            }
            BarterEngineValue::EngineEvent => reprint::<EngineEvent>(input, format),
            BarterEngineValue::Command => reprint::<Command>(input, format),
            BarterEngineValue::InstrumentFilter => reprint::<InstrumentFilter>(input, format),
            BarterEngineValue::TradingSummaryDaily => one_summary(BarterSummaryInterval::Daily),
            BarterEngineValue::TradingSummaryAnnual252 => {
                one_summary(BarterSummaryInterval::Annual252)
            }
            BarterEngineValue::TradingSummaryAnnual365 => {
                one_summary(BarterSummaryInterval::Annual365)
            }
        }?;
        *out_buffer = into_raw(json);
        Ok(())
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `barter_engine_json_normalize` of `json`, called as C calls it: the
    /// reprinted text, or the status and `barter_last_error`.
    pub(crate) fn normalize(
        value: BarterEngineValue,
        format: BarterJsonFormat,
        json: &str,
    ) -> Result<String, (BarterStatus, String)> {
        let mut out = std::ptr::null_mut();
        let status = unsafe {
            barter_engine_json_normalize(
                value as u32,
                format as u32,
                json.as_ptr(),
                json.len(),
                &mut out,
            )
        };
        if status != BarterStatus::Ok {
            return Err((status, crate::status::with_last_error(str::to_owned)));
        }
        let text = unsafe { std::slice::from_raw_parts((*out).data, (*out).len) }.to_vec();
        unsafe { crate::buffer::barter_buffer_free(&mut out) };
        Ok(String::from_utf8(text).unwrap())
    }

    #[test]
    fn barters_example_market_data_reprints_as_it_is() {
        let line = r#"{"Item":{"time_exchange":"2025-03-25T23:07:00.773674205Z","time_received":"2025-03-25T23:07:00.773684644Z","exchange":"binance_spot","instrument":1,"kind":{"OrderBookL1":{"last_update_time":"2025-03-25T23:07:00.773674205Z","best_bid":{"price":"2059.10000000","amount":"33.09140000"},"best_ask":{"price":"2059.11000000","amount":"3.01460000"}}}}}"#;
        let out = normalize(
            BarterEngineValue::MarketStreamEvent,
            BarterJsonFormat::Lines,
            line,
        )
        .unwrap();
        assert_eq!(out, format!("{line}\n"));
    }

    #[test]
    fn bad_input_names_the_line_and_the_problem() {
        let (status, message) = normalize(
            BarterEngineValue::InstrumentFilter,
            BarterJsonFormat::Lines,
            "\"None\"\n{\"Bogus\":1}\n",
        )
        .unwrap_err();
        assert_eq!(status, BarterStatus::InvalidData);
        assert!(message.starts_with("line 2 column"), "{message}");
        assert!(message.contains("unknown variant `Bogus`"), "{message}");
        let (status, _) = normalize(
            BarterEngineValue::TradingSummaryDaily,
            BarterJsonFormat::Lines,
            "{}",
        )
        .unwrap_err();
        assert_eq!(status, BarterStatus::InvalidArgument);
    }
}
