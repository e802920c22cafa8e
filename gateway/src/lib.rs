//! The record gateway: encrypted record versions stored off chain and released only against the
//! chain's decision. The HTTP server is [`server`]; the wire protocol, the release rules and the
//! client are in the SDK (`carechain_sdk::gateway`), shared with every client. The binary
//! (`carechain-gateway`) serves a node's suite.

pub mod limits;
pub mod server;

pub use server::{
    open_store, router, serve, serve_in_background, spawn, Config, Gateway, Timeouts,
};
