//! The `carechain` command line for back offices: every role's everyday calls, GS1 EPCIS 2.0
//! in and out, pack verification with GS1 Lightweight Messaging / VRS response codes, FHIR R4 and
//! X12 835 out. The commands are written against the client's `ChainWrite`, so the same code runs on
//! a node (the binary) and on the in-process chain (the tests).

pub mod commands;
pub mod epcis;
pub mod keystore;
pub mod vrs;
pub mod x12;

use carechain_common::Error;
use carechain_sdk::msg::Msg;
use carechain_sdk::{ChainWrite, Failure};

/// Send a state-changing message; a refusal comes back as a sentence with the error's name.
pub fn send<L: ChainWrite, A: scale::Encode, T: scale::Decode + std::fmt::Debug>(
    l: &mut L,
    msg: Msg<A, Result<T, Error>>,
    args: A,
) -> Result<T, String> {
    send_with_value(l, msg, args, 0)
}

/// [`send`], transferring `value` with the call (a payable message: an insurer's deposit).
pub fn send_with_value<L: ChainWrite, A: scale::Encode, T: scale::Decode + std::fmt::Debug>(
    l: &mut L,
    msg: Msg<A, Result<T, Error>>,
    args: A,
    value: u128,
) -> Result<T, String> {
    match l.call_with_value(msg, args, value) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(carechain_sdk::errors::sentence(&e)),
        Err(f) => Err(failure(f)),
    }
}

/// A call that did not complete (trap, `LangError`, undecodable answer), in words.
pub fn failure(f: Failure) -> String {
    match f {
        Failure::Trapped(why) => format!("the call trapped or the chain refused it: {why}"),
        Failure::LangError => {
            "the contract did not understand the call (LangError: wrong contract or version?)"
                .into()
        }
        Failure::Undecodable(why) => {
            format!("the answer did not decode (is the deployment current?): {why}")
        }
        Failure::Unconfirmed(why) => {
            format!("the included transaction does not confirm the answer: {why}")
        }
    }
}
