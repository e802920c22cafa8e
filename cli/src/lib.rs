//! The `carechain` command line for back offices.

pub mod dates;
pub mod gs1;
