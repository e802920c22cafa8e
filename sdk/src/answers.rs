//! A call's answer as the chain gave it: read from the events of the included transaction.
//!
//! A node answers a transaction with events, not with the message's return value. The dry run
//! that sizes a call's gas also predicts its answer, but the prediction is made against the state
//! before the transaction: when two users write at once, both are predicted the same next grant
//! id, audit sequence number or batch id, and one of them is told a number that is not theirs.
//! So every answer that carries something the chain assigns or decides (ids, sequence numbers,
//! outcomes, amounts) is rebuilt here from the transaction's own events, for every message whose
//! answer is not `Ok(())` (`Ok(())` is certain once the transaction succeeded: a message that
//! returns `Err` reverts, and a reverted call fails its transaction).
//!
//! Two answers also carry a fact the call only read from storage: `access_record`'s locator (a
//! record's locator never changes) and `authorize_disclosure`'s registration and roles (only the
//! claims contract may call it). Those keep the dry run's value; the decision comes from the log.
//!
//! The in-process chain returns the real output; there the SDK rebuilds the answer too and
//! refuses a difference ([`settle`]), so every scenario and test checks these rules against the
//! contracts' real answers.

use crate::contracts::Contract;
use crate::ledger::{CallReport, Failure, RawEvent};
use carechain_common::events::{
    audit::Appended, claims as claim_events, consent as consent_events,
    credentials as credential_events, provenance as provenance_events, registry as registry_events,
    AuditFlushed,
};
use carechain_common::*;
use ink::primitives::AccountId;
use scale::{Decode, Encode};
use std::result::Result;

/// The messages whose answer is rebuilt from events (every message that changes state and
/// answers more than `Ok(())`; `tests/answers.rs` checks the list against the message table).
pub const FROM_EVENTS: &[(Contract, &str)] = &[
    (Contract::AuditLog, "AuditSink::append"),
    (Contract::Access, "check_access"),
    (Contract::Access, "check_access_batch"),
    (Contract::Access, "access_record"),
    (Contract::Access, "AccessGate::authorize_disclosure"),
    (Contract::Registry, "register_patient"),
    (Contract::Registry, "approve_recovery"),
    (Contract::Consent, "create_grant"),
    (Contract::Consent, "add_record"),
    (Contract::Consent, "amend_record"),
    (Contract::Consent, "break_glass"),
    (Contract::Consent, "flush_audit"),
    (Contract::Provenance, "register_batch"),
    (Contract::Provenance, "ship"),
    (Contract::Provenance, "ship_serials"),
    (Contract::Provenance, "return_packs"),
    (Contract::Provenance, "dispense"),
    (Contract::Provenance, "flush_audit"),
    (Contract::Claims, "create_policy"),
    (Contract::Claims, "submit_claim"),
    (Contract::Claims, "replace_claim"),
    (Contract::Claims, "adjudicate"),
    (Contract::Claims, "settle"),
    (Contract::Credentials, "issue"),
    (Contract::Credentials, "verify_presentation"),
    (Contract::Credentials, "flush_audit"),
];

/// The events of one transaction, with where the suite's contracts are.
struct Tx<'a> {
    events: &'a [RawEvent],
    address: &'a dyn Fn(Contract) -> AccountId,
}

impl Tx<'_> {
    /// Events of type `E` emitted by `from`, in order.
    fn of<E: ink::env::Event + Decode>(&self, from: Contract) -> Vec<E> {
        let Some(signature) = E::SIGNATURE_TOPIC else {
            return Vec::new();
        };
        let emitter = (self.address)(from);
        self.events
            .iter()
            .filter(|e| e.contract == emitter && e.topics.first() == Some(&signature))
            .filter_map(|e| E::decode(&mut &e.data[..]).ok())
            .collect()
    }

    fn first<E: ink::env::Event + Decode>(&self, from: Contract) -> Result<E, String> {
        self.of::<E>(from).into_iter().next().ok_or_else(|| {
            format!(
                "the transaction has no {} event of {}",
                type_name::<E>(),
                from.name()
            )
        })
    }

    fn last<E: ink::env::Event + Decode>(&self, from: Contract) -> Result<E, String> {
        self.of::<E>(from).into_iter().last().ok_or_else(|| {
            format!(
                "the transaction has no {} event of {}",
                type_name::<E>(),
                from.name()
            )
        })
    }

    /// The entries `writer` appended to the audit log in this transaction (its first append).
    fn appended_by(&self, writer: AccountId) -> Result<Appended, String> {
        self.of::<Appended>(Contract::AuditLog)
            .into_iter()
            .find(|a| a.writer == writer)
            .ok_or_else(|| "the transaction appended nothing to the audit log".to_owned())
    }

    /// The decisions `writer` logged, in order, with their sequence numbers.
    fn decisions(&self, writer: Contract) -> Result<Vec<Decision>, String> {
        let appended = self.appended_by((self.address)(writer))?;
        appended
            .records
            .iter()
            .enumerate()
            .map(|(i, record)| {
                let i = u64::try_from(i).map_err(|_| "too many entries".to_owned())?;
                Ok(Decision {
                    outcome: record.outcome,
                    audit_seq: appended.first.checked_add(i).ok_or("sequence overflow")?,
                })
            })
            .collect()
    }

    fn decision(&self, writer: Contract) -> Result<Decision, String> {
        self.decisions(writer)?
            .into_iter()
            .next()
            .ok_or_else(|| "the log entry is empty".to_owned())
    }
}

fn type_name<E>() -> &'static str {
    let full = std::any::type_name::<E>();
    full.rsplit("::").next().unwrap_or(full)
}

/// `Ok(Ok(value))` as a message's answer bytes (`Result<Result<T, Error>, LangError>`).
fn answer<T: Encode>(value: T) -> Vec<u8> {
    Ok::<core::result::Result<T, Error>, ink::LangError>(Ok(value)).encode()
}

/// The predicted `Ok` value, for the facts an answer only read from storage.
fn predicted<T: Decode>(output: &[u8]) -> Result<T, String> {
    match <core::result::Result<core::result::Result<T, Error>, ink::LangError>>::decode(
        &mut &output[..],
    ) {
        Ok(Ok(Ok(value))) => Ok(value),
        _ => Err("the dry run's answer is not Ok".into()),
    }
}

/// The answer of a successful call of `label` on `contract`, rebuilt from its transaction's
/// `events` (`output` is the output the call returned or, on a node, the dry run's prediction).
/// `None`: the message's answer needs no events (`Ok(())`, or not a state change).
pub fn from_events(
    contract: Contract,
    label: &str,
    actor: AccountId,
    events: &[RawEvent],
    output: &[u8],
    address: &dyn Fn(Contract) -> AccountId,
) -> Option<Result<Vec<u8>, String>> {
    use Contract::*;
    let tx = Tx { events, address };
    let built = match (contract, label) {
        (AuditLog, "AuditSink::append") => tx.appended_by(actor).map(|a| answer(a.first)),
        (Access, "check_access") => tx.decision(Access).map(answer),
        (Access, "check_access_batch") => tx.decisions(Access).map(answer),
        (Access, "access_record") => (|| {
            let decision = tx.decision(Access)?;
            let seen: RecordAccess = predicted(output)?;
            let locator = if decision.is_granted() {
                seen.locator
            } else {
                None
            };
            Ok(answer(RecordAccess { decision, locator }))
        })(),
        (Access, "AccessGate::authorize_disclosure") => (|| {
            let seen: Disclosure = predicted(output)?;
            Ok(answer(Disclosure {
                decision: tx.decision(Access)?,
                ..seen
            }))
        })(),
        (Registry, "register_patient") => tx
            .first::<registry_events::PatientRegistered>(Registry)
            .map(|e| answer(e.registration)),
        (Registry, "approve_recovery") => tx
            .first::<registry_events::RecoveryApproved>(Registry)
            .map(|e| answer(e.approvals)),
        (Consent, "create_grant") => tx
            .first::<consent_events::GrantCreated>(Consent)
            .map(|e| answer(e.id)),
        (Consent, "add_record" | "amend_record") => (|| {
            let decision = tx.decision(Consent)?;
            let record = tx
                .of::<consent_events::RecordAnchored>(Consent)
                .first()
                .map(|e| e.id);
            Ok(answer(RecordWrite { decision, record }))
        })(),
        (Consent, "break_glass") => {
            match tx.of::<consent_events::EmergencyOpened>(Consent).first() {
                Some(opened) => Ok(answer(BreakGlass::Opened(opened.id))),
                None => tx.decision(Consent).map(|d| answer(BreakGlass::Refused(d))),
            }
        }
        (Consent | Provenance | Credentials, "flush_audit") => {
            tx.first::<AuditFlushed>(contract).map(|e| answer(e.count))
        }
        (Provenance, "register_batch") => tx
            .first::<provenance_events::BatchRegistered>(Provenance)
            .map(|e| answer(e.batch)),
        (Provenance, "ship" | "ship_serials" | "return_packs") => tx
            .first::<provenance_events::Shipped>(Provenance)
            .map(|e| answer(e.index)),
        (Provenance, "dispense") => {
            if !tx
                .of::<provenance_events::SerialDispensed>(Provenance)
                .is_empty()
            {
                Ok(answer(DispenseOutcome::Dispensed))
            } else if !tx
                .of::<provenance_events::SerialFlaggedSuspect>(Provenance)
                .is_empty()
            {
                Ok(answer(DispenseOutcome::FlaggedSuspect))
            } else {
                Err("the transaction neither dispensed nor flagged a serial".into())
            }
        }
        (Claims, "create_policy") => tx
            .first::<claim_events::PolicyCreated>(Claims)
            .map(|e| answer(e.policy)),
        (Claims, "submit_claim" | "replace_claim") => {
            match tx.of::<claim_events::ClaimSubmitted>(Claims).first() {
                Some(submitted) => Ok(answer(SubmitOutcome::Submitted(submitted.claim))),
                None => tx.decision(Access).map(|d| {
                    answer(SubmitOutcome::ConsentDenied {
                        audit_seq: d.audit_seq,
                    })
                }),
            }
        }
        (Claims, "adjudicate") => tx
            .last::<claim_events::ClaimStatusChanged>(Claims)
            .map(|e| answer(e.status)),
        (Claims, "settle") => tx
            .first::<claim_events::ClaimSettled>(Claims)
            .map(|e| answer(e.amount)),
        (Credentials, "issue") => tx
            .first::<credential_events::CredentialIssued>(Credentials)
            .map(|e| answer(e.id)),
        (Credentials, "verify_presentation") => tx
            .first::<credential_events::PresentationVerified>(Credentials)
            .map(|e| {
                answer(PresentationResult {
                    verdict: e.verdict,
                    audit_seq: e.audit_seq,
                })
            }),
        _ => return None,
    };
    Some(built)
}

/// Make `report`'s output the answer the chain gave. A call that reverted or failed keeps its
/// output (nothing changed). When the output is a node's prediction (`report.predicted`), the
/// answer rebuilt from the events replaces it; when it is the call's real output (the in-process
/// chain), the two must agree, and a difference is reported as [`Failure::Unconfirmed`].
pub fn settle(
    report: &mut CallReport,
    contract: Contract,
    address: &dyn Fn(Contract) -> AccountId,
) {
    if report.reverted {
        return;
    }
    let Ok(output) = &report.output else {
        return;
    };
    let Some(built) = from_events(
        contract,
        &report.message,
        report.actor,
        &report.events,
        output,
        address,
    ) else {
        return;
    };
    report.output = match built {
        Ok(bytes) if report.predicted || &bytes == output => Ok(bytes),
        Ok(bytes) => Err(Failure::Unconfirmed(format!(
            "the events give 0x{} where the call answered 0x{}",
            hex::encode(&bytes),
            hex::encode(output)
        ))),
        Err(why) => Err(Failure::Unconfirmed(why)),
    };
}
