//! Every message of every contract as a typed constant: `Msg<Args, Ret>` with the contract, the
//! label its metadata gives it, what kind of message it is and its pause rule. A call with the
//! wrong argument or return type does not compile; `tests/messages.rs` (in this crate) checks once
//! that each constant's types have the same SCALE shape as the contract's metadata says, and that
//! the table covers every message. The authorisation and pause matrices and the benchmarks use
//! the same table.
//!
//! Arguments: `()` for none, the type itself for one, a tuple for several (SCALE encodes a tuple
//! as its elements in order, which is how ink! reads message arguments).

use crate::contracts::Contract;
use carechain_common::*;
use ink::primitives::AccountId;
use scale::{Decode, Encode};
use scale_info::{MetaType, TypeInfo};
use std::marker::PhantomData;

/// What a message does.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// Changes state; unauthorised callers get a typed error and nothing changes.
    Write,
    /// An access decision: everyone gets an answer (logged); only the authorised are granted.
    Decision,
    /// Reads state (`&self`).
    Read,
}

/// Whether a pause of the message's contract stops it (the contract declares the same with
/// `Governance::enter`; `tests/tests/pause.rs` checks the two agree).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PauseRule {
    /// Refused with `Paused`.
    Stops,
    /// Works while its contract is paused (governance, flushing queued audit entries); it may
    /// still need a contract it calls to be running.
    Never,
    /// A restriction (revoke, suspend, quarantine, recall, cancel a recovery, ...): works while
    /// any contract of the suite is paused, and whatever the audit log answers.
    Restriction,
    /// Depends on the arguments: works while paused only when the call only takes something
    /// away (a role, a custodian, a relying contract, ...).
    Restricting,
    /// A read: never refused.
    Read,
}

/// A message with typed arguments and return value.
pub struct Msg<A, R> {
    pub contract: Contract,
    pub label: &'static str,
    pub kind: Kind,
    pub pause: PauseRule,
    types: PhantomData<fn(A) -> R>,
}

impl<A, R> Clone for Msg<A, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<A, R> Copy for Msg<A, R> {}

impl<A, R> std::fmt::Debug for Msg<A, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.contract.name(), self.label)
    }
}

impl<A, R> Msg<A, R> {
    pub const fn new(
        contract: Contract,
        label: &'static str,
        kind: Kind,
        pause: PauseRule,
    ) -> Self {
        Msg {
            contract,
            label,
            kind,
            pause,
            types: PhantomData,
        }
    }
}

impl<A: Encode + TypeInfo + 'static, R: Decode + TypeInfo + 'static> Msg<A, R> {
    /// The message without its types, for tables.
    pub fn erase(&self) -> AnyMsg {
        AnyMsg {
            contract: self.contract,
            label: self.label,
            kind: self.kind,
            pause: self.pause,
            args: MetaType::new::<A>(),
            ret: MetaType::new::<R>(),
        }
    }
}

/// A message of the table, its types as `scale_info` meta types.
#[derive(Clone, Debug)]
pub struct AnyMsg {
    pub contract: Contract,
    pub label: &'static str,
    pub kind: Kind,
    pub pause: PauseRule,
    pub args: MetaType,
    pub ret: MetaType,
}

/// A constructor with typed arguments.
pub struct Ctor<A> {
    pub contract: Contract,
    pub label: &'static str,
    types: PhantomData<fn(A)>,
}

impl<A> Clone for Ctor<A> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<A> Copy for Ctor<A> {}

impl<A> Ctor<A> {
    pub const fn new(contract: Contract, label: &'static str) -> Self {
        Ctor {
            contract,
            label,
            types: PhantomData,
        }
    }
}

impl<A: Encode + TypeInfo + 'static> Ctor<A> {
    pub fn erase(&self) -> AnyCtor {
        AnyCtor {
            contract: self.contract,
            label: self.label,
            args: MetaType::new::<A>(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct AnyCtor {
    pub contract: Contract,
    pub label: &'static str,
    pub args: MetaType,
}

/// The arguments type of a message: `()`, the type, or a tuple.
macro_rules! args {
    () => { () };
    ($a:ty) => { $a };
    ($($a:ty),+) => { ($($a),+) };
}

/// Declare a contract's messages: `NAME: "label" [Kind, PauseRule] (args) -> ret;`, plus `all()`.
macro_rules! messages {
    ($contract:expr; $( $(#[$meta:meta])* $name:ident : $label:literal [$kind:ident, $pause:ident] ($($a:ty),*) -> $r:ty; )*) => {
        $(
            $(#[$meta])*
            pub const $name: Msg<args!($($a),*), $r> =
                Msg::new($contract, $label, Kind::$kind, PauseRule::$pause);
        )*
        /// Every message of this contract.
        pub fn all() -> Vec<AnyMsg> {
            vec![$($name.erase()),*]
        }
    };
}

pub mod audit_log {
    use super::*;
    pub const NEW: Ctor<()> = Ctor::new(Contract::AuditLog, "new");
    messages! { Contract::AuditLog;
        ADD_WRITER: "add_writer" [Write, Stops] (AccountId) -> Result<()>;
        REMOVE_WRITER: "remove_writer" [Write, Restriction] (AccountId) -> Result<()>;
        APPEND: "AuditSink::append" [Write, Stops] (Vec<AuditRecord>) -> Result<u64>;
        GOVERN: "Governed::govern" [Write, Never] (GovAction) -> Result<()>;
    }
}

pub mod access {
    use super::*;
    pub const NEW: Ctor<AccountId> = Ctor::new(Contract::Access, "new");
    messages! { Contract::Access;
        CHECK_ACCESS: "check_access" [Decision, Stops]
            (PatientId, DataCategory, Purpose) -> Result<Decision>;
        CHECK_ACCESS_BATCH: "check_access_batch" [Decision, Stops]
            (PatientId, Vec<AccessRequest>) -> Result<Vec<Decision>>;
        ACCESS_RECORD: "access_record" [Decision, Stops] (RecordId, Purpose) -> Result<RecordAccess>;
        WIRE: "wire" [Write, Restricting] (Wiring) -> Result<()>;
        LOOKUP: "AccessGate::lookup" [Read, Read]
            (Option<PatientId>, AccountId, Option<AccountId>) -> Facts;
        UPDATE: "AccessGate::update" [Write, Restricting] (Update, bool) -> Result<()>;
        AUTHORIZE_DISCLOSURE: "AccessGate::authorize_disclosure" [Write, Stops]
            (PatientId, RecordId, AccountId, AccountId, Purpose) -> Result<Disclosure>;
        GOVERN: "Governed::govern" [Write, Never] (GovAction) -> Result<()>;
    }
}

pub mod registry {
    use super::*;
    pub const NEW: Ctor<AccountId> = Ctor::new(Contract::Registry, "new");
    messages! { Contract::Registry;
        REGISTER_ORGANISATION: "register_organisation" [Write, Stops]
            (AccountId, RoleSet, Digest, EncryptionKey) -> Result<()>;
        UPDATE_ORGANISATION: "update_organisation" [Write, Restricting]
            (AccountId, RoleSet, Digest) -> Result<()>;
        SUSPEND_ORGANISATION: "suspend_organisation" [Write, Restriction] (AccountId) -> Result<()>;
        REINSTATE_ORGANISATION: "reinstate_organisation" [Write, Stops] (AccountId) -> Result<()>;
        REVOKE_ORGANISATION: "revoke_organisation" [Write, Restriction] (AccountId) -> Result<()>;
        ROTATE_ORGANISATION_KEY: "rotate_organisation_key" [Write, Stops] (EncryptionKey) -> Result<()>;
        REGISTER_PATIENT: "register_patient" [Write, Stops] (PatientId, EncryptionKey) -> Result<u64>;
        ROTATE_KEY: "rotate_key" [Write, Stops] (PatientId, EncryptionKey) -> Result<()>;
        PROPOSE_CONTROLLER: "propose_controller" [Write, Stops]
            (PatientId, Option<AccountId>) -> Result<()>;
        ACCEPT_CONTROL: "accept_control" [Write, Stops] (PatientId) -> Result<()>;
        ADD_DELEGATE: "add_delegate" [Write, Stops]
            (PatientId, AccountId, DelegateKind, Option<Timestamp>) -> Result<()>;
        REMOVE_DELEGATE: "remove_delegate" [Write, Restriction] (PatientId, AccountId) -> Result<()>;
        SET_CUSTODIAN: "set_custodian" [Write, Restricting] (PatientId, Option<AccountId>) -> Result<()>;
        SET_BREAK_GLASS_REFUSAL: "set_break_glass_refusal" [Write, Restricting] (PatientId, bool) -> Result<()>;
        SET_GUARDIANS: "set_guardians" [Write, Stops] (PatientId, Vec<AccountId>, u8) -> Result<()>;
        APPROVE_RECOVERY: "approve_recovery" [Write, Stops] (PatientId, AccountId) -> Result<u8>;
        COMPLETE_RECOVERY: "complete_recovery" [Write, Stops] (PatientId, EncryptionKey) -> Result<()>;
        CANCEL_RECOVERY: "cancel_recovery" [Write, Restriction] (PatientId) -> Result<()>;
        DEREGISTER_PATIENT: "deregister_patient" [Write, Restriction] (PatientId) -> Result<()>;
        SET_RECOVERY_DELAY: "set_recovery_delay" [Write, Stops] (Timestamp) -> Result<()>;
        GOVERN: "Governed::govern" [Write, Never] (GovAction) -> Result<()>;
    }
}

pub mod consent {
    use super::*;
    pub const NEW: Ctor<(AccountId, AccountId)> = Ctor::new(Contract::Consent, "new");
    messages! { Contract::Consent;
        CREATE_GRANT: "create_grant" [Write, Stops]
            (PatientId, Grantee, GrantScope, Effect) -> Result<GrantId>;
        CHANGE_GRANT: "change_grant" [Write, Stops] (GrantId, GrantScope) -> Result<()>;
        REVOKE_GRANT: "revoke_grant" [Write, Restriction] (GrantId) -> Result<()>;
        ADD_RECORD: "add_record" [Decision, Stops]
            (RecordId, PatientId, DataCategory, Purpose, Digest, EncryptedLocator) -> Result<RecordWrite>;
        AMEND_RECORD: "amend_record" [Write, Stops]
            (RecordId, RecordId, Purpose, Digest, EncryptedLocator) -> Result<RecordWrite>;
        BREAK_GLASS: "break_glass" [Decision, Stops] (PatientId, EmergencyReason) -> Result<BreakGlass>;
        CLOSE_EMERGENCY: "close_emergency" [Write, Restriction] (EmergencyId) -> Result<()>;
        REVIEW_EMERGENCY: "review_emergency" [Write, Stops] (EmergencyId, Digest) -> Result<()>;
        SET_EMERGENCY_WINDOW: "set_emergency_window" [Write, Stops] (Timestamp) -> Result<()>;
        FLUSH_AUDIT: "flush_audit" [Write, Never] () -> Result<u64>;
        GOVERN: "Governed::govern" [Write, Never] (GovAction) -> Result<()>;
    }
}

pub mod provenance {
    use super::*;
    pub const NEW: Ctor<(AccountId, AccountId)> = Ctor::new(Contract::Provenance, "new");
    messages! { Contract::Provenance;
        ASSIGN_GTIN: "assign_gtin" [Write, Stops] (Gtin, AccountId) -> Result<()>;
        REGISTER_BATCH: "register_batch" [Write, Stops]
            (Gtin, LotNumber, Timestamp, u64, u64, u64, Digest) -> Result<BatchId>;
        SHIP: "ship" [Write, Stops] (BatchId, AccountId, u64, Digest) -> Result<u64>;
        SHIP_SERIALS: "ship_serials" [Write, Stops] (BatchId, AccountId, Vec<u64>, Digest) -> Result<u64>;
        RETURN_PACKS: "return_packs" [Write, Stops] (BatchId, AccountId, Vec<u64>, Digest) -> Result<u64>;
        ACCEPT: "accept" [Write, Stops] (BatchId, u64) -> Result<()>;
        REJECT: "reject" [Write, Stops] (BatchId, u64) -> Result<()>;
        CANCEL: "cancel" [Write, Stops] (BatchId, u64) -> Result<()>;
        DISPENSE: "dispense" [Write, Stops] (BatchId, u64) -> Result<DispenseOutcome>;
        DESTROY: "destroy" [Write, Stops] (BatchId, Vec<u64>) -> Result<()>;
        QUARANTINE: "quarantine" [Write, Restriction] (BatchId, QuarantineReason) -> Result<()>;
        CLEAR_QUARANTINE: "clear_quarantine" [Write, Stops] (BatchId) -> Result<()>;
        CLEAR_SUSPECT: "clear_suspect" [Write, Stops] (BatchId, u64) -> Result<()>;
        RECALL: "recall" [Write, Restriction] (BatchId, RecallReason) -> Result<()>;
        VERIFY: "verify" [Read, Read] (Gtin, LotNumber, u64) -> Verification;
        FLUSH_AUDIT: "flush_audit" [Write, Never] () -> Result<u64>;
        VERIFY_SERIAL: "ProvenanceView::verify_serial" [Read, Read] (BatchId, u64) -> Verification;
        GOVERN: "Governed::govern" [Write, Never] (GovAction) -> Result<()>;
    }
}

pub mod claims {
    use super::*;
    pub const NEW: Ctor<(AccountId, AccountId)> = Ctor::new(Contract::Claims, "new");
    messages! { Contract::Claims;
        CREATE_POLICY: "create_policy" [Write, Stops] (PatientId, PolicyTerms) -> Result<PolicyId>;
        CLOSE_POLICY: "close_policy" [Write, Stops] (PolicyId) -> Result<()>;
        DEPOSIT: "deposit" [Write, Stops] () -> Result<()>;
        WITHDRAW: "withdraw" [Write, Stops] (Balance) -> Result<()>;
        SUBMIT_CLAIM: "submit_claim" [Write, Stops]
            (PolicyId, PatientId, RecordId, Vec<ClaimLine>) -> Result<SubmitOutcome>;
        REPLACE_CLAIM: "replace_claim" [Write, Stops]
            (ClaimId, RecordId, Vec<ClaimLine>) -> Result<SubmitOutcome>;
        VOID_CLAIM: "void_claim" [Write, Stops] (ClaimId) -> Result<()>;
        ADJUDICATE: "adjudicate" [Write, Stops] (ClaimId, Vec<LineDecision>) -> Result<ClaimStatus>;
        PEND: "pend" [Write, Stops] (ClaimId, DenialReason) -> Result<()>;
        APPEAL: "appeal" [Write, Stops] (ClaimId) -> Result<()>;
        SETTLE: "settle" [Write, Stops] (ClaimId) -> Result<Balance>;
        GOVERN: "Governed::govern" [Write, Never] (GovAction) -> Result<()>;
    }
}

pub mod credentials {
    use super::*;
    pub const NEW: Ctor<(AccountId, AccountId, AccountId)> =
        Ctor::new(Contract::Credentials, "new");
    messages! { Contract::Credentials;
        ISSUE: "issue" [Write, Stops] (Digest, u8, DrugRef) -> Result<CredentialId>;
        SUSPEND: "suspend" [Write, Restriction] (CredentialId) -> Result<()>;
        REVOKE: "revoke" [Write, Restriction] (CredentialId) -> Result<()>;
        REINSTATE: "reinstate" [Write, Stops] (CredentialId) -> Result<()>;
        VERIFY_PRESENTATION: "verify_presentation" [Write, Stops]
            (CredentialId, Digest, Vec<ProvenLeaf>, HolderOpening, HolderSignature)
            -> Result<PresentationResult>;
        FLUSH_AUDIT: "flush_audit" [Write, Never] () -> Result<u64>;
        GOVERN: "Governed::govern" [Write, Never] (GovAction) -> Result<()>;
    }
}

/// Every message of every contract.
pub fn all() -> Vec<AnyMsg> {
    let mut all = audit_log::all();
    all.extend(access::all());
    all.extend(registry::all());
    all.extend(consent::all());
    all.extend(provenance::all());
    all.extend(claims::all());
    all.extend(credentials::all());
    all
}

/// Every constructor.
pub fn constructors() -> Vec<AnyCtor> {
    vec![
        audit_log::NEW.erase(),
        access::NEW.erase(),
        registry::NEW.erase(),
        consent::NEW.erase(),
        provenance::NEW.erase(),
        claims::NEW.erase(),
        credentials::NEW.erase(),
    ]
}

/// The governance message of a contract.
pub fn govern(contract: Contract) -> Msg<GovAction, Result<()>> {
    Msg::new(contract, "Governed::govern", Kind::Write, PauseRule::Never)
}
