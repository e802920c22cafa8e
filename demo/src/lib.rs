//! The main job: the healthcare scenario told as a transcript ([`scenario`]), on the in-process
//! chain or on a node, with the record vault's data plane ([`plane`]) through a real gateway
//! process. On the in-process chain the demo serves its chain's reads to that process
//! ([`reads`]) and starts the gateway ([`gateway_process`]).

pub mod gateway_process;
pub mod plane;
pub mod reads;
pub mod scenario;

pub use plane::VaultPlane;
