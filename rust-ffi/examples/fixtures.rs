//! Writes the serde fixtures the Python tests and the CLI example read.
//!
//!     cargo run --example fixtures -- <repository root>
//!
//! `tests/fixtures/order_events.jsonl`: one line per sample case,
//! `{"case": NAME, "serde": TEXT}` where TEXT is serde_json's exact output
//! for the event, kept as a string so no re-serialisation can alter it.
//! `tests/fixtures/messages.jsonl`: the same for every other message type,
//! both key forms: `{"message": M, "keys": K, "case": NAME, "serde": TEXT}`.
//! `tests/fixtures/engine_values.jsonl`: barter's engine values, one a line,
//! `{"type": T, "name": NAME, "reprint_error": E, "json": VALUE, "serde": TEXT}`.
//! T is the `BarterEngineValue` the value parses as (`AuditTick`,
//! `EngineEvent`, `Command`, `InstrumentFilter`, `MarketStreamEvent`,
//! `TradingSummaryDaily`); VALUE is serde_json's output written into the
//! line byte for byte, and TEXT the same output as a string (the exact bytes
//! `to_json` must give). E is null, or what serde says when it cannot read
//! its own output back (see `barter_ffi::samples::engine`).
//! `examples/order_events.jsonl`: a short order lifecycle, one event a line.

use barter_ffi::samples::engine::engine_values;
use barter_ffi::samples::{example_events, messages, order_events};
use std::fs;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: fixtures <repository root>")?,
    );

    let mut cases = String::new();
    for (name, event) in order_events() {
        let serde = serde_json::to_string(&event)?;
        let line = serde_json::json!({ "case": name, "serde": serde });
        cases.push_str(&serde_json::to_string(&line)?);
        cases.push('\n');
    }
    fs::create_dir_all(root.join("tests/fixtures"))?;
    fs::write(root.join("tests/fixtures/order_events.jsonl"), cases)?;

    let mut lines = String::new();
    for sample in messages() {
        let keys = match sample.keys {
            barter_ffi::messages::BarterKeys::Indexed => "indexed",
            barter_ffi::messages::BarterKeys::Unindexed => "unindexed",
        };
        let line = serde_json::json!({
            "message": sample.message_name,
            "keys": keys,
            "case": sample.case,
            "serde": sample.serde,
        });
        lines.push_str(&serde_json::to_string(&line)?);
        lines.push('\n');
    }
    fs::write(root.join("tests/fixtures/messages.jsonl"), lines)?;

    let mut engine = String::new();
    for sample in engine_values() {
        // Written by hand so the keys keep this order and `json` is
        // serde's text itself, not a re-serialised copy.
        engine.push_str(&format!(
            r#"{{"type":{},"name":{},"reprint_error":{},"json":{},"serde":{}}}"#,
            serde_json::to_string(sample.type_name)?,
            serde_json::to_string(&sample.name)?,
            serde_json::to_string(&sample.reprint_error)?,
            sample.serde,
            serde_json::to_string(&sample.serde)?,
        ));
        engine.push('\n');
    }
    fs::write(root.join("tests/fixtures/engine_values.jsonl"), engine)?;

    let mut example = String::new();
    for event in example_events() {
        example.push_str(&serde_json::to_string(&event)?);
        example.push('\n');
    }
    fs::create_dir_all(root.join("examples"))?;
    fs::write(root.join("examples/order_events.jsonl"), example)?;
    Ok(())
}
