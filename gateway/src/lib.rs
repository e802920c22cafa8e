//! The record gateway: encrypted record versions stored off chain and released only against the
//! chain's decision. See `protocol` for the wire format, `release` for the rules, `server` for
//! the HTTP server and `client` for the gateway's client and the scenario's data plane.

pub mod client;
pub mod protocol;
pub mod release;
pub mod server;

pub use client::{GatewayClient, GatewayError, VaultPlane};
pub use protocol::Refusal;
pub use server::{open_store, router, spawn, Config, Gateway};
