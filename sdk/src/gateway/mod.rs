//! The record gateway's wire protocol ([`protocol`]), its release and upload rules over chain
//! facts ([`release`]: the gateway enforces them, clients check them before they ask), its
//! client ([`client`]) and a record version's client side ([`records`]: seal, upload, fetch). The server is the `carechain-gateway` crate.

pub mod client;
pub mod protocol;
pub mod records;
pub mod release;

pub use client::{rewrap, share_with, GatewayClient, GatewayError};
pub use protocol::Refusal;
