//! Everything that runs against a real node lives in `e2e/`, driven by `scripts/e2e.sh`:
//! `tests/node.rs` (the Rust end-to-end tests: the scenario, the record vault through a gateway
//! process, refusals, deployment, the node's metadata), `cli.sh` (the `carechain` command line on
//! the node) and `browser/` (the web page in headless Chromium). This crate has no code of its own.
