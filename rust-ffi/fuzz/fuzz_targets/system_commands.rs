//! One System (barter's example config, audit on) started once per process,
//! then fuzz-chosen sequences of calls on it: open and cancel requests from
//! arbitrary C structs (src/structs.rs) aimed mostly at the System's keys,
//! close positions and cancel orders with arbitrary filters, trading state
//! updates with any u32, market events (barter's example data framed as
//! asked, or fuzzer bytes), audit drains without waiting (as JSON lines or as
//! C structs), and calls on NULL.
//!
//! An open request for an exchange without an execution makes barter end
//! the engine (its unrecoverable IndexError); that is allowed. From then on
//! no command may succeed; after the input the System is shut down, its
//! audit checked to the end, and a fresh one started.
#![no_main]
use arbitrary::{Result, Unstructured};
use barter_ffi::ctypes::key::BarterOrderKey;
use barter_ffi::ctypes::order_event::{BarterOrderRequestCancel, BarterOrderRequestOpen};
use barter_ffi::status::BarterStatus;
use barter_ffi::system::{
    barter_system_audit_drain, barter_system_cancel_orders, barter_system_close_positions,
    barter_system_feed_market, barter_system_send_cancel_requests,
    barter_system_send_open_requests, barter_system_set_trading_enabled, BarterSystem,
    BarterSystemOptions,
};
use barter_ffi_fuzz::structs::Gen;
use barter_ffi_fuzz::system::{
    call, decimal, example_config, AuditLog, Failure, System, MARKET_EVENTS,
};
use libfuzzer_sys::fuzz_target;
use std::ptr::{null, null_mut};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Small, so that the audit pump meets a full queue now and then.
const AUDIT_CAPACITY: usize = 32;

struct Live {
    system: System,
    log: AuditLog,
    /// `barter_system_is_running` has said 0: no command may succeed now.
    stopped: bool,
}

static LIVE: Mutex<Option<Live>> = Mutex::new(None);

impl Live {
    fn start() -> Live {
        let options = BarterSystemOptions {
            audit: 1,
            audit_capacity: AUDIT_CAPACITY,
            ..Default::default()
        };
        let system = System::start(example_config(1).as_bytes(), b"", Some(&options))
            .unwrap_or_else(|f| panic!("the example System does not start: {f:?}"));
        Live {
            system,
            log: AuditLog::default(),
            stopped: false,
        }
    }

    /// Checks a command's outcome against the engine's state.
    fn check(&mut self, outcome: std::result::Result<(), Failure>) {
        match &outcome {
            Ok(()) => assert!(!self.stopped, "a command succeeded on a stopped engine"),
            Err(failure) if failure.status == BarterStatus::Closed => {
                // The feed closes as the engine task ends, a moment before
                // the task reports itself finished.
                let deadline = Instant::now() + Duration::from_secs(5);
                while self.system.is_running() {
                    assert!(Instant::now() < deadline, "CLOSED from a running engine");
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
            Err(_) => {}
        }
        let running = self.system.is_running();
        if self.stopped {
            assert!(!running, "a stopped engine runs again");
        }
        self.stopped = !running;
    }
}

/// `items` as the C caller passes them; now and then NULL with a count.
fn array_of<T>(gen: &mut Gen, items: &[T]) -> Result<(*const T, usize)> {
    if gen.u().ratio(1, 16)? {
        return Ok((null(), gen.u().int_in_range(1..=usize::MAX)?));
    }
    Ok((items.as_ptr(), items.len()))
}

/// Aims a request at the System: exchange 0 (its one execution) nearly
/// always, one of its 3 instruments mostly.
fn aim(gen: &mut Gen, key: &mut BarterOrderKey) -> Result<()> {
    key.exchange = gen.index_key(1, 64)?;
    key.instrument = gen.index_key(3, 16)?;
    Ok(())
}

fn open_request(gen: &mut Gen) -> Result<BarterOrderRequestOpen> {
    let mut request = gen.order_request_open()?;
    aim(gen, &mut request.key)?;
    // Half of them priced like the example market data, so that
    // MockExchange fills some and positions open.
    if gen.u().ratio(1, 2)? {
        request.state.price = decimal(gen.u().int_in_range(1..=9_000_000)?, 2);
        request.state.quantity = decimal(gen.u().int_in_range(1..=1_000)?, 4);
    }
    Ok(request)
}

fn cancel_request(gen: &mut Gen) -> Result<BarterOrderRequestCancel> {
    let mut request = gen.order_request_cancel()?;
    aim(gen, &mut request.key)?;
    Ok(request)
}

/// Market events: lines of barter's example data framed as `format`, or
/// fuzzer bytes.
fn market_data(gen: &mut Gen, format: u32) -> Result<Vec<u8>> {
    if gen.u().ratio(1, 4)? {
        let len = gen.u().int_in_range(0..=512)?;
        return Ok(gen.u().bytes(len)?.to_vec());
    }
    let lines: Vec<&str> = MARKET_EVENTS.lines().collect();
    let start = gen.u().int_in_range(0..=lines.len() - 1)?;
    let end = (start + gen.u().int_in_range(1..=4)?).min(lines.len());
    let lines = &lines[start..end];
    Ok(match format {
        1 => lines[0].into(),
        2 => format!("[{}]", lines.join(",")).into(),
        _ => lines
            .iter()
            .map(|l| format!("{l}\n"))
            .collect::<String>()
            .into(),
    })
}

/// A call on a NULL System: refused as a NULL argument.
fn on_null(gen: &mut Gen) -> Result<()> {
    let system: *const BarterSystem = null();
    let filter = gen.instrument_filter()?;
    let status = unsafe {
        match gen.u().int_in_range(0..=3)? {
            0 => barter_system_close_positions(system, &filter),
            1 => barter_system_set_trading_enabled(system, 1),
            2 => barter_system_feed_market(system, null(), 0, 3),
            _ => barter_system_audit_drain(system, 1, 0, null_mut(), null_mut()),
        }
    };
    call(status)
        .unwrap_err()
        .expect(BarterStatus::NullPointer, &["must not be NULL"]);
    Ok(())
}

fn step(gen: &mut Gen, live: &mut Live) -> Result<()> {
    let system = live.system.raw();
    let outcome = match gen.u().int_in_range(0..=8)? {
        0 => {
            let requests = (0..gen.count(3)?)
                .map(|_| open_request(gen))
                .collect::<Result<Vec<_>>>()?;
            let (requests, count) = array_of(gen, &requests)?;
            call(unsafe { barter_system_send_open_requests(system, requests, count) })
        }
        1 => {
            let requests = (0..gen.count(3)?)
                .map(|_| cancel_request(gen))
                .collect::<Result<Vec<_>>>()?;
            let (requests, count) = array_of(gen, &requests)?;
            call(unsafe { barter_system_send_cancel_requests(system, requests, count) })
        }
        op @ (2 | 3) => {
            let filter = gen.instrument_filter()?;
            let filter: *const _ = if gen.u().ratio(1, 32)? {
                null()
            } else {
                &filter
            };
            call(unsafe {
                if op == 2 {
                    barter_system_close_positions(system, filter)
                } else {
                    barter_system_cancel_orders(system, filter)
                }
            })
        }
        4 => {
            let enabled = match gen.u().int_in_range(0..=7)? {
                0 => gen.u().arbitrary()?,
                n => n % 3,
            };
            call(unsafe { barter_system_set_trading_enabled(system, enabled) })
        }
        5 | 6 => {
            let format = gen.tag(3)?;
            let data = market_data(gen, format)?;
            let bytes: *const u8 = if gen.u().ratio(1, 32)? {
                null()
            } else {
                data.as_ptr()
            };
            call(unsafe { barter_system_feed_market(system, bytes, data.len(), format) })
        }
        7 => {
            let max_ticks = match gen.u().int_in_range(0..=3)? {
                0 => 0,
                1 => 1,
                2 => gen.u().int_in_range(2..=16)?,
                _ => usize::MAX,
            };
            // Not a command: it works on a stopped engine too.
            if gen.u().arbitrary()? {
                let log = &mut live.log;
                let drained = live
                    .system
                    .drain_structs(max_ticks, |b| log.check_structs(b));
                drained.expect("a drain failed");
            } else {
                let (ticks, _) = live.system.drain(max_ticks, 0).expect("a drain failed");
                live.log.check(ticks.bytes());
            }
            return Ok(());
        }
        _ => return on_null(gen),
    };
    live.check(outcome);
    Ok(())
}

fn run(data: &[u8], live: &mut Live) -> Result<()> {
    let mut u = Unstructured::new(data);
    let mut gen = Gen::new(&mut u)?;
    for _ in 0..gen.count(16)? {
        step(&mut gen, live)?;
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut slot = LIVE.lock().unwrap_or_else(|p| p.into_inner());
    let live = slot.get_or_insert_with(Live::start);
    let _ = run(data, live);
    live.log.drain_queued(&live.system);
    if live.stopped || !live.system.is_running() {
        live.system.shutdown();
        live.log.drain_to_end(&live.system);
        *slot = None;
        *slot = Some(Live::start());
    }
});
