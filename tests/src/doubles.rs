//! The test double `tests/faulty`: a callee that refuses, traps or re-enters, and a relay that
//! lets tests act as "a contract of the suite" (an audit-log writer, a relying contract) where
//! plain accounts are refused.

use crate::chain::Chain;
use carechain_sdk::ledger::decode_answer;
use carechain_sdk::msg::Msg;
use carechain_sdk::{ChainRead, ChainWrite, Failure};
use ink::primitives::AccountId;
use scale::{Decode, Encode};

/// `faulty::Mode`, by variant index.
#[derive(Clone, Copy, Debug, Encode)]
pub enum Mode {
    Refuse,
    Trap,
    Reenter,
}

/// Deploy a test double in `mode`, as the admin.
pub fn faulty(chain: &mut Chain, mode: Mode) -> AccountId {
    let admin = chain.admin();
    let previous = chain.set_actor(admin);
    let address = chain
        .instantiate_bundle("faulty", "new", mode)
        .expect("deploy the test double");
    chain.set_actor(previous);
    address
}

/// The current actor asks `relay` to call `msg(args)` on the suite: the suite sees the relay
/// contract as its caller. Returns the suite's answer.
pub fn relay<A: Encode, R: Decode>(
    chain: &mut Chain,
    relay: AccountId,
    msg: Msg<A, R>,
    args: A,
) -> Result<R, Failure> {
    let input = chain.encode(msg, &args);
    let target = chain.address(msg.contract);
    let report = chain.call_at(relay, "faulty", "relay", (target, input), 0);
    let inner = report.decode::<Vec<u8>>()?;
    decode_answer::<R>(&inner)
}

/// Make the double call `msg(args)` back into its caller whenever it is called (re-entry).
pub fn set_callback<A: Encode, R>(chain: &mut Chain, double: AccountId, msg: Msg<A, R>, args: A) {
    let callback = chain.encode(msg, &args);
    let admin = chain.admin();
    let previous = chain.set_actor(admin);
    let report = chain.call_at(double, "faulty", "set_callback", callback, 0);
    assert!(!report.reverted, "set_callback");
    chain.set_actor(previous);
}
