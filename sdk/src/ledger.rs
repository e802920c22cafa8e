//! One way to reach a chain, whichever it is: the in-process chain (`carechain-backend-sandbox`,
//! pallet-contracts in process) or a node (`carechain-backend-node`, subxt). Two sides:
//! [`ChainRead`] (storage, time, balances: what views and the gateway's release rule need) and
//! [`ChainWrite`] (keys, signed calls, dry runs, deployment). Everything above them — the
//! scenario, the audit tools, deployment, the gateway, the command line — is written against
//! these traits. Calls are typed ([`crate::msg::Msg`]); reads are served from contract storage
//! ([`crate::storage`]).

use crate::contracts::{Artifact, Contract};
use crate::msg::{Ctor, Msg};
use carechain_common::{Error, PatientId};
use ink::primitives::AccountId;
use scale::{Decode, Encode};
use std::fmt::Debug;

/// An event a contract emitted.
#[derive(Clone, Debug)]
pub struct RawEvent {
    pub contract: AccountId,
    pub topics: Vec<[u8; 32]>,
    pub data: Vec<u8>,
}

/// How a call ended when it did not return normally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The contract trapped or the pallet refused the call (module error name).
    Trapped(String),
    /// The contract answered `LangError` (unknown selector, undecodable input).
    LangError,
    /// The returned bytes did not decode as the expected type.
    Undecodable(String),
    /// The included transaction's events do not give the call's answer (or, where the output is
    /// the call's own, give a different one): see [`crate::answers`].
    Unconfirmed(String),
}

/// Everything observed about one call.
#[derive(Clone, Debug)]
pub struct CallReport {
    pub contract: AccountId,
    pub message: String,
    pub actor: AccountId,
    pub value: u128,
    pub ref_time: u64,
    pub proof_size: u64,
    /// Storage deposit charged (positive) or refunded (negative).
    pub deposit: i128,
    /// Set when the contract reverted (a message returning `Err`).
    pub reverted: bool,
    /// Raw output: `Result<T, LangError>` encoded, when the call returned.
    pub output: Result<Vec<u8>, Failure>,
    /// The output is the dry run's prediction for a transaction that was then included (a
    /// node answers a transaction with events only); the SDK rebuilds the answer from `events`
    /// ([`crate::answers::settle`]).
    pub predicted: bool,
    /// The events of the included transaction (none when nothing was committed).
    pub events: Vec<RawEvent>,
}

impl CallReport {
    /// Events of type `E`, decoded.
    pub fn events_of<E: ink::env::Event + Decode>(&self) -> Vec<E> {
        let Some(signature) = E::SIGNATURE_TOPIC else {
            return Vec::new();
        };
        self.events
            .iter()
            .filter(|e| e.topics.first() == Some(&signature))
            .filter_map(|e| E::decode(&mut &e.data[..]).ok())
            .collect()
    }

    /// The answer decoded as the message's declared return type.
    pub fn decode<R: Decode>(&self) -> Result<R, Failure> {
        decode_answer(self.output.as_ref().map_err(Clone::clone)?)
    }
}

/// `Result<R, LangError>` bytes into `R`.
pub fn decode_answer<R: Decode>(bytes: &[u8]) -> Result<R, Failure> {
    match <Result<R, ink::LangError>>::decode(&mut &bytes[..]) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_)) => Err(Failure::LangError),
        Err(e) => Err(Failure::Undecodable(format!(
            "{e}: 0x{}",
            hex::encode(bytes)
        ))),
    }
}

/// Reading a chain the suite runs on: contract storage (at the best or the finalized block),
/// time, balances, and where the suite's contracts and bundles are. Views, the gateway's release
/// rule and every list a user sees need only this side.
pub trait ChainRead {
    /// A readable name for an account (actor names, contract names).
    fn name_of(&self, account: &AccountId) -> String;
    /// Where one of the suite's contracts lives.
    fn address(&self, contract: Contract) -> AccountId;
    /// A contract bundle (loaded once): selectors, metadata and storage layout.
    fn artifact(&mut self, name: &str) -> &Artifact;
    /// A contract's raw storage value under an (unhashed) ink! storage key.
    fn storage(&mut self, address: AccountId, key: &[u8]) -> Option<Vec<u8>>;
    /// The same at the latest finalized block (the in-process chain finalizes every block).
    fn finalized_storage(&mut self, address: AccountId, key: &[u8]) -> Option<Vec<u8>> {
        self.storage(address, key)
    }
    /// Block timestamp in milliseconds.
    fn now(&mut self) -> u64;
    fn balance(&mut self, account: &AccountId) -> u128;
}

#[rustfmt::skip]
impl<T: ChainRead + ?Sized> ChainRead for Box<T> {
    fn name_of(&self, account: &AccountId) -> String { (**self).name_of(account) }
    fn address(&self, contract: Contract) -> AccountId { (**self).address(contract) }
    fn artifact(&mut self, name: &str) -> &Artifact { (**self).artifact(name) }
    fn storage(&mut self, address: AccountId, key: &[u8]) -> Option<Vec<u8>> {
        (**self).storage(address, key)
    }
    fn finalized_storage(&mut self, address: AccountId, key: &[u8]) -> Option<Vec<u8>> {
        (**self).finalized_storage(address, key)
    }
    fn now(&mut self) -> u64 { (**self).now() }
    fn balance(&mut self, account: &AccountId) -> u128 { (**self).balance(account) }
}

/// Writing to a chain the suite runs on: accounts and their keys, signed calls, dry runs and
/// deployment.
pub trait ChainWrite: ChainRead {
    /// The account that deploys and governs the suite.
    fn admin(&self) -> AccountId;
    /// A funded account for a name (created and funded on first use).
    fn actor(&mut self, name: &str) -> AccountId;
    /// Make `actor` the signer of the next calls; returns the previous one.
    fn set_actor(&mut self, actor: AccountId) -> AccountId;
    fn current_actor(&self) -> AccountId;
    fn set_name(&mut self, account: AccountId, name: &str);
    fn set_address(&mut self, contract: Contract, address: AccountId);
    /// Instantiate a bundle's code (uploading it if needed) with encoded constructor input
    /// (selector included), as the current actor.
    fn instantiate(
        &mut self,
        bundle: &str,
        input: Vec<u8>,
        salt: Vec<u8>,
    ) -> Result<AccountId, String>;
    /// Execute a call (a transaction) to any contract with encoded input (selector included).
    fn submit_to(
        &mut self,
        address: AccountId,
        label: &str,
        input: Vec<u8>,
        value: u128,
    ) -> CallReport;
    /// Dry-run a call as the current actor; nothing is committed. Returns the raw
    /// `Result<T, LangError>` bytes.
    fn read_at(&mut self, address: AccountId, input: Vec<u8>) -> Result<Vec<u8>, Failure>;
    /// A fresh pseudonymous patient id (32 random bytes from the client's point of view).
    fn fresh_patient_id(&mut self) -> PatientId;
    /// Sign `message` with `account`'s sr25519 key, if this ledger holds it (requests to the
    /// record gateway are signed by the caller's chain account).
    fn sign(&self, account: &AccountId, message: &[u8]) -> Option<[u8; 64]>;
    /// The last call's report.
    fn last(&self) -> Option<&CallReport>;
    fn verbose(&self) -> bool;
    fn set_verbose(&mut self, verbose: bool);

    // ------------------------------------------------------------------------ typed helpers

    /// Encode `msg(args)`: the selector from the contract's metadata, then the arguments.
    fn encode<A: Encode, R>(&mut self, msg: Msg<A, R>, args: &A) -> Vec<u8>
    where
        Self: Sized,
    {
        let selector = self
            .artifact(msg.contract.name())
            .selector(msg.label)
            .unwrap_or_else(|| panic!("{msg:?} is not in the contract's metadata"));
        let mut data = selector.to_vec();
        args.encode_to(&mut data);
        data
    }

    /// Call a suite contract, sending `value`, and decode its declared return type.
    fn call_with_value<A: Encode, R: Decode + Debug>(
        &mut self,
        msg: Msg<A, R>,
        args: A,
        value: u128,
    ) -> Result<R, Failure>
    where
        Self: Sized,
    {
        let input = self.encode(msg, &args);
        let address = self.address(msg.contract);
        let mut report = self.submit_to(address, msg.label, input, value);
        crate::answers::settle(&mut report, msg.contract, &|c| self.address(c));
        let decoded = report.decode::<R>();
        if self.verbose() {
            print_line(&*self, msg.contract, &report, &decoded);
        }
        decoded
    }

    fn call<A: Encode, R: Decode + Debug>(&mut self, msg: Msg<A, R>, args: A) -> Result<R, Failure>
    where
        Self: Sized,
    {
        self.call_with_value(msg, args, 0)
    }

    /// A state-changing message returning `Result<T, Error>`: the contract's answer. A trap or
    /// `LangError` here is a harness failure and panics.
    fn tx_with_value<A: Encode, T: Decode + Debug>(
        &mut self,
        msg: Msg<A, Result<T, Error>>,
        args: A,
        value: u128,
    ) -> Result<T, Error>
    where
        Self: Sized,
    {
        let answer = self
            .call_with_value(msg, args, value)
            .unwrap_or_else(|f| panic!("{msg:?} failed: {f:?}"));
        let reverted = self.last().map(|r| r.reverted).unwrap_or(false);
        assert_eq!(
            reverted,
            answer.is_err(),
            "{msg:?}: an Err answer must revert and an Ok answer must not"
        );
        answer
    }

    fn tx<A: Encode, T: Decode + Debug>(
        &mut self,
        msg: Msg<A, Result<T, Error>>,
        args: A,
    ) -> Result<T, Error>
    where
        Self: Sized,
    {
        self.tx_with_value(msg, args, 0)
    }

    /// A message run as a dry run (nothing is committed).
    fn query<A: Encode, R: Decode + Debug>(&mut self, msg: Msg<A, R>, args: A) -> R
    where
        Self: Sized,
    {
        let input = self.encode(msg, &args);
        let address = self.address(msg.contract);
        let bytes = self
            .read_at(address, input)
            .unwrap_or_else(|f| panic!("{msg:?} failed: {f:?}"));
        decode_answer(&bytes).unwrap_or_else(|f| panic!("{msg:?}: {f:?}"))
    }

    /// Instantiate one of the suite's contracts with typed constructor arguments and remember
    /// its address.
    fn deploy<A: Encode>(
        &mut self,
        ctor: Ctor<A>,
        args: A,
        salt: &[u8],
    ) -> Result<AccountId, String>
    where
        Self: Sized,
    {
        let name = ctor.contract.name();
        let selector = self
            .artifact(name)
            .constructor(ctor.label)
            .ok_or_else(|| format!("{name} has no constructor {}", ctor.label))?;
        let mut input = selector.to_vec();
        args.encode_to(&mut input);
        let address = self.instantiate(name, input, salt.to_vec())?;
        self.set_address(ctor.contract, address);
        self.set_name(address, name);
        Ok(address)
    }

    /// Instantiate any bundle (test doubles, the reference token) with a constructor by label;
    /// a fresh salt each time.
    fn instantiate_bundle(
        &mut self,
        bundle: &str,
        constructor: &str,
        args: impl Encode,
    ) -> Result<AccountId, String>
    where
        Self: Sized,
    {
        let selector = self
            .artifact(bundle)
            .constructor(constructor)
            .ok_or_else(|| format!("{bundle} has no constructor {constructor}"))?;
        let mut input = selector.to_vec();
        args.encode_to(&mut input);
        let salt = self.fresh_patient_id().0.to_vec();
        let address = self.instantiate(bundle, input, salt)?;
        self.set_name(address, bundle);
        Ok(address)
    }

    /// Call a message by label on any contract (test doubles, the reference token).
    fn call_at(
        &mut self,
        address: AccountId,
        bundle: &str,
        message: &str,
        args: impl Encode,
        value: u128,
    ) -> CallReport
    where
        Self: Sized,
    {
        let selector = self
            .artifact(bundle)
            .selector(message)
            .unwrap_or_else(|| panic!("{bundle} has no message {message}"));
        let mut data = selector.to_vec();
        args.encode_to(&mut data);
        self.submit_to(address, message, data, value)
    }

    /// Events of type `E` in the last call, decoded.
    fn events<E: ink::env::Event + Decode>(&self) -> Vec<E>
    where
        Self: Sized,
    {
        self.last().map(|r| r.events_of::<E>()).unwrap_or_default()
    }

    /// Run `f` as `actor`, then return to the previous actor.
    fn as_actor<T>(&mut self, actor: AccountId, f: impl FnOnce(&mut Self) -> T) -> T
    where
        Self: Sized,
    {
        let previous = self.set_actor(actor);
        let result = f(self);
        self.set_actor(previous);
        result
    }
}

fn print_line<L: ChainWrite + ?Sized, R: Debug>(
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

/// An account shown by its first bytes, for accounts without a name.
pub fn short_name(account: &AccountId) -> String {
    let bytes: &[u8; 32] = account.as_ref();
    format!("0x{}..", hex::encode(&bytes[..4]))
}

/// Reads through `L` at its latest *finalized* state: what the record gateway releases against.
pub struct Finalized<'a, L: ChainRead>(pub &'a mut L);

#[rustfmt::skip]
impl<L: ChainRead> ChainRead for Finalized<'_, L> {
    fn name_of(&self, account: &AccountId) -> String { self.0.name_of(account) }
    fn address(&self, contract: Contract) -> AccountId { self.0.address(contract) }
    fn artifact(&mut self, name: &str) -> &Artifact { self.0.artifact(name) }
    fn storage(&mut self, address: AccountId, key: &[u8]) -> Option<Vec<u8>> {
        self.0.finalized_storage(address, key)
    }
    fn now(&mut self) -> u64 { self.0.now() }
    fn balance(&mut self, account: &AccountId) -> u128 { self.0.balance(account) }
}

/// A ledger several threads use (the scenario and an in-process gateway): each call locks the
/// inner ledger for its own duration only. Bundles are loaded per handle.
pub struct Shared<L> {
    inner: std::sync::Arc<std::sync::Mutex<L>>,
    bundles: crate::contracts::Bundles,
    last: Option<CallReport>,
}

impl<L> Clone for Shared<L> {
    fn clone(&self) -> Self {
        Shared {
            inner: self.inner.clone(),
            bundles: crate::contracts::Bundles::default(),
            last: None,
        }
    }
}

impl<L> Shared<L> {
    pub fn new(ledger: L) -> Self {
        Shared {
            inner: std::sync::Arc::new(std::sync::Mutex::new(ledger)),
            bundles: crate::contracts::Bundles::default(),
            last: None,
        }
    }

    /// The inner ledger, locked.
    pub fn lock(&self) -> std::sync::MutexGuard<'_, L> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[rustfmt::skip]
impl<L: ChainRead> ChainRead for Shared<L> {
    fn name_of(&self, account: &AccountId) -> String { self.lock().name_of(account) }
    fn address(&self, contract: Contract) -> AccountId { self.lock().address(contract) }
    fn artifact(&mut self, name: &str) -> &Artifact { self.bundles.get(name) }
    fn storage(&mut self, address: AccountId, key: &[u8]) -> Option<Vec<u8>> {
        self.lock().storage(address, key)
    }
    fn finalized_storage(&mut self, address: AccountId, key: &[u8]) -> Option<Vec<u8>> {
        self.lock().finalized_storage(address, key)
    }
    fn now(&mut self) -> u64 { self.lock().now() }
    fn balance(&mut self, account: &AccountId) -> u128 { self.lock().balance(account) }
}

#[rustfmt::skip]
impl<L: ChainWrite> ChainWrite for Shared<L> {
    fn admin(&self) -> AccountId { self.lock().admin() }
    fn actor(&mut self, name: &str) -> AccountId { self.lock().actor(name) }
    fn set_actor(&mut self, actor: AccountId) -> AccountId { self.lock().set_actor(actor) }
    fn current_actor(&self) -> AccountId { self.lock().current_actor() }
    fn set_name(&mut self, account: AccountId, name: &str) { self.lock().set_name(account, name) }
    fn set_address(&mut self, contract: Contract, address: AccountId) {
        self.lock().set_address(contract, address)
    }
    fn instantiate(&mut self, bundle: &str, input: Vec<u8>, salt: Vec<u8>) -> Result<AccountId, String> {
        self.lock().instantiate(bundle, input, salt)
    }
    fn submit_to(&mut self, address: AccountId, label: &str, input: Vec<u8>, value: u128) -> CallReport {
        let report = self.lock().submit_to(address, label, input, value);
        self.last = Some(report.clone());
        report
    }
    fn read_at(&mut self, address: AccountId, input: Vec<u8>) -> Result<Vec<u8>, Failure> {
        self.lock().read_at(address, input)
    }
    fn fresh_patient_id(&mut self) -> PatientId { self.lock().fresh_patient_id() }
    fn sign(&self, account: &AccountId, message: &[u8]) -> Option<[u8; 64]> {
        self.lock().sign(account, message)
    }
    fn last(&self) -> Option<&CallReport> { self.last.as_ref() }
    fn verbose(&self) -> bool { self.lock().verbose() }
    fn set_verbose(&mut self, verbose: bool) { self.lock().set_verbose(verbose) }
}
