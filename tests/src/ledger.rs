//! What the scenario and the tools need from a chain, whichever it is: the in-process chain
//! ([`crate::Chain`], drink) or a running node (the `carechain-e2e` crate). Calls are encoded from
//! the shared crate's types (selector from the bundle's metadata + SCALE arguments) and decoded
//! back into them.

use crate::chain::{CallReport, Contract, Failure};
use carechain_common::{Error, PatientId};
use ink::primitives::AccountId;
use scale::{Decode, Encode};
use std::fmt::Debug;

pub trait Ledger {
    /// The account that deployed and governs the suite.
    fn admin(&self) -> AccountId;
    /// A funded account for a name (created and funded on first use).
    fn actor(&mut self, name: &str) -> AccountId;
    /// Make `actor` the signer of the next calls; returns the previous one.
    fn set_actor(&mut self, actor: AccountId) -> AccountId;
    fn current_actor(&self) -> AccountId;
    fn address(&self, contract: Contract) -> AccountId;
    /// A readable name for an account (actor names, contract names).
    fn name_of(&self, account: &AccountId) -> String;
    /// The message's selector, from the contract's metadata.
    fn selector(&mut self, contract: Contract, message: &str) -> [u8; 4];
    /// Execute a call (a transaction) with already encoded input (selector included).
    fn submit(
        &mut self,
        contract: Contract,
        message: &str,
        input: Vec<u8>,
        value: u128,
    ) -> CallReport;
    /// Dry-run a call; nothing is committed. Returns the raw `Result<T, LangError>` bytes.
    fn read(
        &mut self,
        contract: Contract,
        message: &str,
        input: Vec<u8>,
    ) -> Result<Vec<u8>, Failure>;
    /// Block timestamp in milliseconds.
    fn now(&mut self) -> u64;
    fn balance(&mut self, account: &AccountId) -> u128;
    /// A fresh pseudonymous patient id (32 random bytes from the client's point of view).
    fn fresh_patient_id(&mut self) -> PatientId;
    /// The last call's report.
    fn last(&self) -> Option<&CallReport>;
    fn verbose(&self) -> bool;
    fn set_verbose(&mut self, verbose: bool);

    /// Encode `message(args)` for `contract`.
    fn encode_call(&mut self, contract: Contract, message: &str, args: impl Encode) -> Vec<u8>
    where
        Self: Sized,
    {
        let mut data = self.selector(contract, message).to_vec();
        args.encode_to(&mut data);
        data
    }

    /// Call a suite contract and decode its declared return type `R`.
    fn call_with_value<R: Decode + Debug>(
        &mut self,
        contract: Contract,
        message: &str,
        args: impl Encode,
        value: u128,
    ) -> Result<R, Failure>
    where
        Self: Sized,
    {
        let input = self.encode_call(contract, message, args);
        let report = self.submit(contract, message, input, value);
        let decoded = report.decode::<R>();
        if self.verbose() {
            print_line(&*self, contract, &report, &decoded);
        }
        decoded
    }

    fn call<R: Decode + Debug>(
        &mut self,
        contract: Contract,
        message: &str,
        args: impl Encode,
    ) -> Result<R, Failure>
    where
        Self: Sized,
    {
        self.call_with_value(contract, message, args, 0)
    }

    /// A state-changing message returning `Result<T, Error>`: the contract's answer. A trap or
    /// `LangError` here is a harness failure and panics.
    fn tx_with_value<T: Decode + Debug>(
        &mut self,
        contract: Contract,
        message: &str,
        args: impl Encode,
        value: u128,
    ) -> Result<T, Error>
    where
        Self: Sized,
    {
        let answer = self
            .call_with_value::<Result<T, Error>>(contract, message, args, value)
            .unwrap_or_else(|f| panic!("{}.{message} failed: {f:?}", contract.name()));
        let reverted = self.last().expect("a report").reverted;
        assert_eq!(
            reverted,
            answer.is_err(),
            "{}.{message}: an Err answer must revert and an Ok answer must not",
            contract.name()
        );
        answer
    }

    fn tx<T: Decode + Debug>(
        &mut self,
        contract: Contract,
        message: &str,
        args: impl Encode,
    ) -> Result<T, Error>
    where
        Self: Sized,
    {
        self.tx_with_value(contract, message, args, 0)
    }

    /// A read, run as a dry run (nothing is committed).
    fn query<R: Decode + Debug>(
        &mut self,
        contract: Contract,
        message: &str,
        args: impl Encode,
    ) -> R
    where
        Self: Sized,
    {
        let input = self.encode_call(contract, message, args);
        let bytes = self
            .read(contract, message, input)
            .unwrap_or_else(|f| panic!("{}.{message} failed: {f:?}", contract.name()));
        match <Result<R, ink::LangError>>::decode(&mut &bytes[..]) {
            Ok(Ok(value)) => value,
            other => panic!("{}.{message}: unexpected answer {other:?}", contract.name()),
        }
    }

    /// Events of type `E` in the last call, decoded.
    fn events<E: ink::env::Event + Decode>(&self) -> Vec<E>
    where
        Self: Sized,
    {
        self.last().map(|r| r.events_of::<E>()).unwrap_or_default()
    }
}

fn print_line<L: Ledger + ?Sized, R: Debug>(
    ledger: &L,
    contract: Contract,
    report: &CallReport,
    decoded: &Result<R, Failure>,
) {
    let answer = match decoded {
        Ok(value) => format!("{value:?}"),
        Err(failure) => format!("FAILED {failure:?}"),
    };
    let answer = if answer.chars().count() > 150 {
        format!("{}…", answer.chars().take(150).collect::<String>())
    } else {
        answer
    };
    println!(
        "  {:<12} → {}.{}  ⇒ {}\n  {:<12}   gas: ref_time {:>13}  proof {:>7}  deposit {:>+6}",
        ledger.name_of(&report.actor),
        contract.name(),
        report.message,
        answer,
        "",
        report.ref_time,
        report.proof_size,
        report.deposit,
    );
}
