//! The audit's ticks as C structs (`barter_system_audit_drain_structs`).
//!
//! A System's ticks are mostly the engine processing a market or an account
//! event with nothing to show for it: no output, no error. Those cross as
//! the C structs the library already has for the event (`BarterMarketStreamEvent`,
//! `BarterAccountEvent`) plus the tick's `EngineContext`, so a binding builds
//! them as it builds any decoded market item or account event. Every other
//! tick (commands, outputs, errors, shutdown, reconnecting account streams)
//! crosses as serde's JSON of the whole tick: they are few, and their types
//! are many.

use super::values::SystemAuditTick;
use crate::ctypes::account::BarterAccountEvent;
use crate::ctypes::arena::Arena;
use crate::ctypes::c_tag;
use crate::ctypes::market::BarterMarketStreamEvent;
use crate::ctypes::strings::BarterStr;
use crate::ctypes::timestamp::BarterTimestamp;
use crate::ctypes::ToC;
use crate::sink::string_sizes;
use crate::status::{ffi_call, take_owned, BarterStatus, FfiError};
use barter::engine::audit::{EngineAudit, ProcessAudit};
use barter::EngineEvent;
use barter_data::streams::reconnect::Event;
use barter_execution::AccountEvent;
use barter_instrument::asset::AssetIndex;
use barter_instrument::exchange::ExchangeIndex;
use barter_instrument::instrument::InstrumentIndex;

/// How a drained tick crosses: which array of the batch holds it.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterAuditTickKind {
    /// Any tick not below: serde's JSON of the whole tick, line `index` of
    /// the batch's `json`.
    Json = 1,
    /// `Process` of `EngineEvent::Market(event)`, no outputs, no errors:
    /// `market_events[index]`.
    Market = 2,
    /// `Process` of `EngineEvent::Account(Event::Item(event))`, no outputs,
    /// no errors: `account_events[index]`.
    Account = 3,
}

c_tag!(BarterAuditTickKind {
    Json,
    Market,
    Account
});

/// One drained tick: its `EngineContext`, and where its event is.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterAuditEntry {
    /// `EngineContext.sequence`.
    pub sequence: u64,
    /// `EngineContext.time`.
    pub time: BarterTimestamp,
    /// A `BarterAuditTickKind`.
    pub kind: u32,
    /// Set to zero.
    pub reserved: u32,
    /// The tick's position in the array (or line) its kind names.
    pub index: usize,
}

/// The ticks of one drain, in engine order. Every pointer in it and every
/// view inside its items points into memory the batch owns: valid until
/// `barter_audit_batch_free`. Read-only.
#[repr(C)]
pub struct BarterAuditBatch {
    /// `len` entries in engine order, one per tick.
    pub entries: *const BarterAuditEntry,
    pub len: usize,
    pub market_events: *const BarterMarketStreamEvent,
    pub market_events_len: usize,
    pub account_events: *const BarterAccountEvent,
    pub account_events_len: usize,
    /// serde's JSON of each `BARTER_AUDIT_TICK_KIND_JSON` tick, one line
    /// each (newline-terminated), in engine order.
    pub json: BarterStr,
    /// The one buffer all string views of the events point into.
    pub strings: BarterStr,
}

/// The allocation behind a batch; the view comes first so the pointer
/// handed out is also the pointer to free.
#[repr(C)]
struct OwnedBatch {
    view: BarterAuditBatch,
    entries: Vec<BarterAuditEntry>,
    market_events: Vec<BarterMarketStreamEvent>,
    account_events: Vec<BarterAccountEvent>,
    json: Vec<u8>,
    arena: Arena,
}

/// The event of a tick that crosses as a C struct.
enum Structured<'a> {
    Market(&'a super::MarketEvent),
    Account(&'a AccountEvent<ExchangeIndex, AssetIndex, InstrumentIndex>),
}

fn structured(tick: &SystemAuditTick) -> Option<Structured<'_>> {
    let EngineAudit::Process(ProcessAudit {
        event,
        outputs,
        errors,
    }) = &tick.event
    else {
        return None;
    };
    if !outputs.is_none() || !errors.is_none() {
        return None;
    }
    match event {
        EngineEvent::Market(event) => Some(Structured::Market(event)),
        EngineEvent::Account(Event::Item(event)) => Some(Structured::Account(event)),
        _ => None,
    }
}

/// The tick's event as its C struct, `None` if it holds a value the struct
/// cannot (a string past the limit): that tick crosses as JSON.
fn convert(event: &Structured<'_>, arena: &mut Arena) -> Option<Converted> {
    Some(match event {
        Structured::Market(event) => Converted::Market(event.to_c(arena).ok()?),
        Structured::Account(event) => Converted::Account(Box::new(event.to_c(arena).ok()?)),
    })
}

enum Converted {
    Market(BarterMarketStreamEvent),
    Account(Box<BarterAccountEvent>),
}

/// Appends serde's JSON of `tick` and a newline to `out`.
pub(super) fn json_line(out: &mut Vec<u8>, tick: &SystemAuditTick) -> Result<(), FfiError> {
    serde_json::to_writer(&mut *out, tick)
        .map_err(|e| FfiError::invalid(format!("cannot serialise an audit tick: {e}")))?;
    out.push(b'\n');
    Ok(())
}

/// The ticks as a batch handed to C.
pub(super) fn into_batch(ticks: &[SystemAuditTick]) -> Result<*mut BarterAuditBatch, FfiError> {
    let events: Vec<Option<Structured<'_>>> = ticks.iter().map(structured).collect();
    // The arena cannot grow (views into it would dangle): its size is the
    // string bytes of every event that may cross as a struct, a bound
    // whether or not its conversion succeeds.
    let string_bytes = events
        .iter()
        .flatten()
        .map(|event| match event {
            Structured::Market(event) => string_sizes(event),
            Structured::Account(event) => string_sizes(event),
        })
        .try_fold(0usize, |total, sizes| {
            Ok::<_, FfiError>(total + sizes?.total)
        })?;
    let mut owned = Box::new(OwnedBatch {
        view: BarterAuditBatch {
            entries: std::ptr::null(),
            len: 0,
            market_events: std::ptr::null(),
            market_events_len: 0,
            account_events: std::ptr::null(),
            account_events_len: 0,
            json: BarterStr::EMPTY,
            strings: BarterStr::EMPTY,
        },
        entries: Vec::with_capacity(ticks.len()),
        market_events: Vec::new(),
        account_events: Vec::new(),
        json: Vec::new(),
        arena: Arena::with_capacity(string_bytes),
    });
    let mut json_lines = 0;
    for (tick, event) in ticks.iter().zip(&events) {
        let converted = event
            .as_ref()
            .and_then(|event| convert(event, &mut owned.arena));
        let (kind, index) = match converted {
            Some(Converted::Market(c)) => {
                owned.market_events.push(c);
                (BarterAuditTickKind::Market, owned.market_events.len() - 1)
            }
            Some(Converted::Account(c)) => {
                owned.account_events.push(*c);
                (BarterAuditTickKind::Account, owned.account_events.len() - 1)
            }
            None => {
                json_line(&mut owned.json, tick)?;
                json_lines += 1;
                (BarterAuditTickKind::Json, json_lines - 1)
            }
        };
        owned.entries.push(BarterAuditEntry {
            sequence: tick.context.sequence.value(),
            time: tick.context.time.into(),
            kind: kind as u32,
            reserved: 0,
            index,
        });
    }
    owned.view = BarterAuditBatch {
        entries: owned.entries.as_ptr(),
        len: owned.entries.len(),
        market_events: owned.market_events.as_ptr(),
        market_events_len: owned.market_events.len(),
        account_events: owned.account_events.as_ptr(),
        account_events_len: owned.account_events.len(),
        json: BarterStr {
            ptr: owned.json.as_ptr(),
            len: owned.json.len(),
        },
        strings: owned.arena.as_view(),
    };
    Ok(Box::into_raw(owned).cast())
}

/// Frees the batch `*batch` points to and sets `*batch` to NULL. Passing
/// NULL, or a pointer to NULL, does nothing.
///
/// # Safety
/// `*batch` must be NULL or a batch from `barter_system_audit_drain_structs`
/// not yet freed.
#[no_mangle]
pub unsafe extern "C" fn barter_audit_batch_free(
    batch: *mut *mut BarterAuditBatch,
) -> BarterStatus {
    ffi_call(|| {
        // SAFETY: per this function's contract.
        if let Some(raw) = unsafe { take_owned(batch) } {
            // SAFETY: `raw` came from `into_batch` and is freed once.
            drop(unsafe { Box::from_raw(raw.cast::<OwnedBatch>()) });
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctypes::FromC;
    use crate::samples::engine::{audit_ticks, engine_events};
    use barter::engine::audit::context::EngineContext;
    use barter::engine::audit::AuditTick;
    use barter::Sequence;
    use barter_integration::collection::none_one_or_many::NoneOneOrMany;
    use chrono::{DateTime, Utc};

    /// Every engine event sample processed with nothing to show, then every
    /// audit tick sample (outputs, errors, FeedEnded).
    fn ticks() -> Vec<SystemAuditTick> {
        let time = DateTime::<Utc>::from_timestamp(1_759_659_300, 123_456_789).unwrap();
        let processed = engine_events().into_iter().map(|(_, event)| {
            EngineAudit::Process(ProcessAudit {
                event,
                outputs: NoneOneOrMany::None,
                errors: NoneOneOrMany::None,
            })
        });
        let mut ticks: Vec<SystemAuditTick> = processed
            .enumerate()
            .map(|(n, event)| AuditTick {
                event,
                context: EngineContext {
                    sequence: Sequence(n as u64 + 7),
                    time: time + chrono::Duration::nanoseconds(n as i64),
                },
            })
            .collect();
        ticks.extend(audit_ticks().into_iter().map(|(_, tick)| tick));
        ticks
    }

    fn json<T: serde::Serialize>(value: &T) -> String {
        serde_json::to_string(value).unwrap()
    }

    #[test]
    fn each_tick_crosses_as_its_event_struct_or_as_serdes_json() {
        let ticks = ticks();
        let mut raw = into_batch(&ticks).unwrap();
        // SAFETY: a batch just made, freed below.
        let batch = unsafe { &*raw };
        assert_eq!(batch.len, ticks.len());
        // SAFETY (every slice): the batch's arrays, as long as it lives.
        let entries = unsafe { std::slice::from_raw_parts(batch.entries, batch.len) };
        let markets =
            unsafe { std::slice::from_raw_parts(batch.market_events, batch.market_events_len) };
        let accounts =
            unsafe { std::slice::from_raw_parts(batch.account_events, batch.account_events_len) };
        let lines: Vec<&str> = unsafe { batch.json.as_str() }.unwrap().lines().collect();
        let mut kinds = [0; 4];
        for (tick, entry) in ticks.iter().zip(entries) {
            assert_eq!(entry.sequence, tick.context.sequence.value());
            assert_eq!(DateTime::try_from(entry.time).unwrap(), tick.context.time);
            kinds[entry.kind as usize] += 1;
            let event = match &tick.event {
                EngineAudit::Process(ProcessAudit { event, .. }) => Some(event),
                EngineAudit::FeedEnded => None,
            };
            match (BarterAuditTickKind::from_raw(entry.kind).unwrap(), event) {
                (BarterAuditTickKind::Market, Some(EngineEvent::Market(event))) => {
                    // SAFETY: a struct of the batch, valid while it lives.
                    let back = unsafe { super::super::MarketEvent::from_c(&markets[entry.index]) };
                    // serde's form: NaN is not equal to itself, its JSON is.
                    assert_eq!(json(&back.unwrap()), json(event));
                }
                (BarterAuditTickKind::Account, Some(EngineEvent::Account(Event::Item(event)))) => {
                    // SAFETY: as above.
                    let back = unsafe {
                        AccountEvent::<ExchangeIndex, AssetIndex, InstrumentIndex>::from_c(
                            &accounts[entry.index],
                        )
                    };
                    assert_eq!(json(&back.unwrap()), json(event));
                }
                (BarterAuditTickKind::Json, _) => {
                    assert_eq!(lines[entry.index], json(tick));
                    assert!(structured(tick).is_none(), "{}", json(tick));
                }
                (kind, _) => panic!("{kind:?} for {}", json(tick)),
            }
        }
        assert!(kinds[1..].iter().all(|&n| n > 0), "{kinds:?}");
        assert_eq!(lines.len(), kinds[BarterAuditTickKind::Json as usize]);
        // SAFETY: the batch from into_batch, freed once.
        assert_eq!(
            unsafe { barter_audit_batch_free(&mut raw) },
            BarterStatus::Ok
        );
        assert!(raw.is_null());
    }
}
