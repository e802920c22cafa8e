//! Invariant fuzzing: random sequences of calls by random actors on the populated fixture
//! (property tests driving the real pallet-contracts runtime in process). After every step:
//!
//! 1. no access is granted after revoke, expiry or a recovery, and deny wins: every granted
//!    decision names a live grant of the current registration and epoch for the requester that
//!    covers the request, with no live deny covering it (denials survive a recovery); the
//!    patient side is the current
//!    controller or an active delegate;
//! 2. the audit chain recomputes to the stored head, and its length only grows;
//! 3. every claim is paid at most once and never more than approved;
//! 4. what an insurer was paid out never exceeds what it escrowed (escrow balance = deposits -
//!    withdrawals - settlements, committed <= balance);
//! 5. batch quantities are neither created nor lost (held + in transit + dispensed + destroyed +
//!    set aside);
//! 6. recalled stock never moves (only destruction reduces it);
//! 7. the registry and the access contract's projection agree on the patient (controller,
//!    registration, epoch, delegates), and on every fixture organisation's effective roles;
//! 8. the policy's accounting: plan used = the sum of what its standing claims (approved,
//!    partially approved, settled) were approved for, deductible met = the sum of their
//!    deductibles, each within the terms — through pend, appeal, replace and void.
//!
//! CARECHAIN_FUZZ_CASES sets the number of cases (default 256; `scripts/fuzz.sh` runs 5,000).

use carechain_sdk::msg::{access, claims, consent, provenance, registry};
use carechain_tests::common::verify::ChainVerifier;
use carechain_tests::common::*;
use carechain_tests::fixture::{service_line, Fixture, Who};
use carechain_tests::{digest, key_for, view, ChainRead, ChainWrite};
use ink::primitives::AccountId;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const ACTORS: [Who; 13] = [
    Who::Admin,
    Who::Provider,
    Who::Manufacturer,
    Who::Distributor,
    Who::Pharmacy,
    Who::Insurer,
    Who::Regulator,
    Who::Suspended,
    Who::Patient,
    Who::Delegate,
    Who::Guardian,
    Who::Ordinary,
    Who::Heir,
];

const CATEGORIES: [DataCategory; 3] = [
    DataCategory::Laboratory,
    DataCategory::Imaging,
    DataCategory::Genomics,
];
const PURPOSES: [Purpose; 4] = [
    Purpose::Treatment,
    Purpose::Payment,
    Purpose::Research,
    Purpose::EmergencyTreatment,
];

#[derive(Clone, Debug)]
enum Action {
    Grant {
        by: usize,
        grantee: usize,
        categories: u8,
        purposes: u8,
        start_h: u8,
        hours: u16,
        deny: bool,
        anyone: bool,
    },
    Revoke {
        by: usize,
        pick: usize,
    },
    Check {
        by: usize,
        category: usize,
        purpose: usize,
    },
    BreakGlass {
        by: usize,
    },
    CloseEmergency {
        by: usize,
    },
    Advance {
        hours: u16,
    },
    AddDelegate {
        by: usize,
        who: usize,
        hours: u16,
    },
    RemoveDelegate {
        by: usize,
        who: usize,
    },
    ApproveRecovery {
        by: usize,
        candidate: usize,
    },
    CompleteRecovery {
        by: usize,
    },
    CancelRecovery {
        by: usize,
    },
    Ship {
        by: usize,
        to: usize,
        quantity: u64,
    },
    Accept {
        by: usize,
        pick: usize,
    },
    Reject {
        by: usize,
        pick: usize,
    },
    Dispense {
        by: usize,
        serial: u64,
    },
    Destroy {
        by: usize,
        serial: u64,
    },
    Quarantine {
        by: usize,
    },
    Clear {
        by: usize,
    },
    Recall {
        by: usize,
    },
    Deposit {
        by: usize,
        amount: u128,
    },
    Withdraw {
        by: usize,
        amount: u128,
    },
    Submit {
        by: usize,
        billed: u128,
    },
    Adjudicate {
        by: usize,
        pick: usize,
        allowed_pct: u8,
    },
    Pend {
        by: usize,
        pick: usize,
    },
    Appeal {
        by: usize,
        pick: usize,
    },
    Replace {
        by: usize,
        pick: usize,
        billed: u128,
    },
    Settle {
        by: usize,
        pick: usize,
    },
    Void {
        by: usize,
        pick: usize,
    },
}

fn actor() -> impl Strategy<Value = usize> {
    0..ACTORS.len()
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        3 => (actor(), actor(), 1u8..8, 1u8..16, 0u8..48, 1u16..200, any::<bool>(), prop::bool::weighted(0.2)).prop_map(
            |(by, grantee, categories, purposes, start_h, hours, deny, anyone)| Action::Grant {
                by, grantee, categories, purposes, start_h, hours, deny, anyone
            }
        ),
        1 => (actor(), any::<usize>()).prop_map(|(by, pick)| Action::Revoke { by, pick }),
        4 => (actor(), 0..CATEGORIES.len(), 0..PURPOSES.len()).prop_map(|(by, category, purpose)| Action::Check { by, category, purpose }),
        1 => actor().prop_map(|by| Action::BreakGlass { by }),
        1 => actor().prop_map(|by| Action::CloseEmergency { by }),
        2 => (0u16..100).prop_map(|hours| Action::Advance { hours }),
        1 => (actor(), actor(), 0u16..100).prop_map(|(by, who, hours)| Action::AddDelegate { by, who, hours }),
        1 => (actor(), actor()).prop_map(|(by, who)| Action::RemoveDelegate { by, who }),
        1 => (actor(), actor()).prop_map(|(by, candidate)| Action::ApproveRecovery { by, candidate }),
        1 => actor().prop_map(|by| Action::CompleteRecovery { by }),
        1 => actor().prop_map(|by| Action::CancelRecovery { by }),
        2 => (actor(), actor(), 1u64..30).prop_map(|(by, to, quantity)| Action::Ship { by, to, quantity }),
        2 => (actor(), any::<usize>()).prop_map(|(by, pick)| Action::Accept { by, pick }),
        1 => (actor(), any::<usize>()).prop_map(|(by, pick)| Action::Reject { by, pick }),
        2 => (actor(), 1u64..110).prop_map(|(by, serial)| Action::Dispense { by, serial }),
        1 => (actor(), 1u64..110).prop_map(|(by, serial)| Action::Destroy { by, serial }),
        1 => actor().prop_map(|by| Action::Quarantine { by }),
        1 => actor().prop_map(|by| Action::Clear { by }),
        1 => actor().prop_map(|by| Action::Recall { by }),
        1 => (actor(), 1u128..5_000).prop_map(|(by, amount)| Action::Deposit { by, amount }),
        1 => (actor(), 1u128..2_000_000).prop_map(|(by, amount)| Action::Withdraw { by, amount }),
        2 => (actor(), 1u128..3_000).prop_map(|(by, billed)| Action::Submit { by, billed }),
        2 => (actor(), any::<usize>(), 0u8..=120).prop_map(|(by, pick, allowed_pct)| Action::Adjudicate { by, pick, allowed_pct }),
        1 => (actor(), any::<usize>()).prop_map(|(by, pick)| Action::Pend { by, pick }),
        1 => (actor(), any::<usize>()).prop_map(|(by, pick)| Action::Appeal { by, pick }),
        1 => (actor(), any::<usize>(), 1u128..3_000).prop_map(|(by, pick, billed)| Action::Replace { by, pick, billed }),
        2 => (actor(), any::<usize>()).prop_map(|(by, pick)| Action::Settle { by, pick }),
        1 => (actor(), any::<usize>()).prop_map(|(by, pick)| Action::Void { by, pick }),
    ]
}

/// What the fuzzer knows about the world, to pick targets and to check invariants against.
struct Model {
    grants: Vec<GrantId>,
    pending: Vec<u64>,
    claims: Vec<ClaimId>,
    emergencies: Vec<EmergencyId>,
    settled: BTreeSet<ClaimId>,
    /// Deposits minus withdrawals minus settlements, per insurer.
    escrow_expected: BTreeMap<AccountId, i128>,
    audit: ChainVerifier,
    audit_count: u64,
    serial_counter: u64,
}

fn pick<T: Copy>(items: &[T], index: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[index % items.len()])
}

struct Run<'a> {
    f: &'a mut Fixture,
    m: Model,
}

impl Run<'_> {
    fn act(&mut self, action: &Action) {
        let accounts: Vec<AccountId> = ACTORS.iter().map(|w| self.f.at(*w)).collect();
        let s = &mut self.f.suite;
        let (patient, batch, policy, record) =
            (self.f.patient, self.f.batch, self.f.policy, self.f.record);
        match *action {
            Action::Grant {
                by,
                grantee,
                categories,
                purposes,
                start_h,
                hours,
                deny,
                anyone,
            } => {
                let now = s.now();
                let scope = GrantScope {
                    categories: CategorySet::of(&chosen(categories, &CATEGORIES)),
                    purposes: PurposeSet::of(&chosen(purposes, &PURPOSES)),
                    valid_from: now + u64::from(start_h) * 3_600_000,
                    valid_until: now + (u64::from(start_h) + u64::from(hours)) * 3_600_000,
                };
                let grantee = if anyone {
                    Grantee::Anyone
                } else {
                    Grantee::Account(accounts[grantee])
                };
                let effect = if deny { Effect::Deny } else { Effect::Permit };
                s.set_actor(accounts[by]);
                if let Ok(id) = s.tx(consent::CREATE_GRANT, (patient, grantee, scope, effect)) {
                    self.m.grants.push(id);
                }
            }
            Action::Revoke { by, pick: p } => {
                if let Some(id) = pick(&self.m.grants, p) {
                    s.set_actor(accounts[by]);
                    let _ = s.tx(consent::REVOKE_GRANT, id);
                }
            }
            Action::Check {
                by,
                category,
                purpose,
            } => {
                let requester = accounts[by];
                s.set_actor(requester);
                let (category, purpose) = (CATEGORIES[category], PURPOSES[purpose]);
                let decision = s
                    .tx(access::CHECK_ACCESS, (patient, category, purpose))
                    .expect("the access contract answers every check");
                self.check_decision(requester, category, purpose, decision.outcome);
            }
            Action::BreakGlass { by } => {
                s.set_actor(accounts[by]);
                if let Ok(BreakGlass::Opened(id)) = s.tx(
                    consent::BREAK_GLASS,
                    (patient, EmergencyReason::ThreatToLife),
                ) {
                    self.m.emergencies.push(id);
                }
            }
            Action::CloseEmergency { by } => {
                if let Some(id) = self.m.emergencies.last().copied() {
                    s.set_actor(accounts[by]);
                    let _ = s.tx(consent::CLOSE_EMERGENCY, id);
                }
            }
            Action::Advance { hours } => s.advance(u64::from(hours) * 3_600_000),
            Action::AddDelegate { by, who, hours } => {
                let now = s.now();
                let until = (hours > 0).then(|| now + u64::from(hours) * 3_600_000);
                s.set_actor(accounts[by]);
                let _ = s.tx(
                    registry::ADD_DELEGATE,
                    (patient, accounts[who], DelegateKind::Carer, until),
                );
            }
            Action::RemoveDelegate { by, who } => {
                s.set_actor(accounts[by]);
                let _ = s.tx(registry::REMOVE_DELEGATE, (patient, accounts[who]));
            }
            Action::ApproveRecovery { by, candidate } => {
                s.set_actor(accounts[by]);
                let _ = s.tx(registry::APPROVE_RECOVERY, (patient, accounts[candidate]));
            }
            Action::CompleteRecovery { by } => {
                s.set_actor(accounts[by]);
                self.m.serial_counter += 1;
                let key = key_for(&format!("recovered-{}", self.m.serial_counter));
                let _ = s.tx(registry::COMPLETE_RECOVERY, (patient, key));
            }
            Action::CancelRecovery { by } => {
                s.set_actor(accounts[by]);
                let _ = s.tx(registry::CANCEL_RECOVERY, patient);
            }
            Action::Ship { by, to, quantity } => {
                let to = accounts[to];
                s.set_actor(accounts[by]);
                if let Ok(index) = s.tx(provenance::SHIP, (batch, to, quantity, digest(b"doc"))) {
                    self.m.pending.push(index);
                }
            }
            Action::Accept { by, pick: p } | Action::Reject { by, pick: p } => {
                if let Some(index) = pick(&self.m.pending, p) {
                    let message = if matches!(action, Action::Accept { .. }) {
                        provenance::ACCEPT
                    } else {
                        provenance::REJECT
                    };
                    s.set_actor(accounts[by]);
                    let _ = s.tx(message, (batch, index));
                }
            }
            Action::Dispense { by, serial } => {
                s.set_actor(accounts[by]);
                let _ = s.tx(provenance::DISPENSE, (batch, serial));
            }
            Action::Destroy { by, serial } => {
                s.set_actor(accounts[by]);
                let _ = s.tx(provenance::DESTROY, (batch, vec![serial]));
            }
            Action::Quarantine { by } => {
                s.set_actor(accounts[by]);
                let _ = s.tx(
                    provenance::QUARANTINE,
                    (batch, QuarantineReason::SuspectProduct),
                );
            }
            Action::Clear { by } => {
                s.set_actor(accounts[by]);
                let _ = s.tx(provenance::CLEAR_QUARANTINE, batch);
            }
            Action::Recall { by } => {
                s.set_actor(accounts[by]);
                let _ = s.tx(provenance::RECALL, (batch, RecallReason::SafetyIssue));
            }
            Action::Deposit { by, amount } => {
                let who = accounts[by];
                s.set_actor(who);
                if s.tx_with_value(claims::DEPOSIT, (), amount).is_ok() {
                    *self.m.escrow_expected.entry(who).or_default() += amount as i128;
                }
            }
            Action::Withdraw { by, amount } => {
                let who = accounts[by];
                s.set_actor(who);
                if s.tx(claims::WITHDRAW, amount).is_ok() {
                    *self.m.escrow_expected.entry(who).or_default() -= amount as i128;
                }
            }
            Action::Submit { by, billed } => {
                self.m.serial_counter += 1;
                let line = service_line(&format!("fuzz-{}", self.m.serial_counter), billed);
                s.set_actor(accounts[by]);
                if let Ok(SubmitOutcome::Submitted(id)) =
                    s.tx(claims::SUBMIT_CLAIM, (policy, patient, record, vec![line]))
                {
                    self.m.claims.push(id);
                }
            }
            Action::Adjudicate {
                by,
                pick: p,
                allowed_pct,
            } => {
                if let Some(id) = pick(&self.m.claims, p) {
                    let claim = view::claim(&mut s.chain, id).expect("claim");
                    let allowed = claim.lines[0].billed * u128::from(allowed_pct) / 100;
                    s.set_actor(accounts[by]);
                    let _ = s.tx(
                        claims::ADJUDICATE,
                        (id, vec![LineDecision::Approve { allowed }]),
                    );
                }
            }
            Action::Pend { by, pick: p } => {
                if let Some(id) = pick(&self.m.claims, p) {
                    s.set_actor(accounts[by]);
                    let _ = s.tx(claims::PEND, (id, DenialReason::MissingInformation));
                }
            }
            Action::Appeal { by, pick: p } => {
                if let Some(id) = pick(&self.m.claims, p) {
                    s.set_actor(accounts[by]);
                    let _ = s.tx(claims::APPEAL, id);
                }
            }
            Action::Replace {
                by,
                pick: p,
                billed,
            } => {
                if let Some(id) = pick(&self.m.claims, p) {
                    self.m.serial_counter += 1;
                    let line = service_line(
                        &format!("fuzz-replacement-{}", self.m.serial_counter),
                        billed,
                    );
                    s.set_actor(accounts[by]);
                    if let Ok(SubmitOutcome::Submitted(new)) =
                        s.tx(claims::REPLACE_CLAIM, (id, record, vec![line]))
                    {
                        self.m.claims.push(new);
                    }
                }
            }
            Action::Settle { by, pick: p } => {
                if let Some(id) = pick(&self.m.claims, p) {
                    let before = view::claim(&mut s.chain, id).expect("claim");
                    s.set_actor(accounts[by]);
                    if let Ok(paid) = s.tx(claims::SETTLE, id) {
                        // (3) once, and exactly what was approved.
                        assert!(self.m.settled.insert(id), "claim {id} paid twice");
                        assert_eq!(paid, before.approved, "claim {id} paid other than approved");
                        *self.m.escrow_expected.entry(before.insurer).or_default() -= paid as i128;
                    }
                }
            }
            Action::Void { by, pick: p } => {
                if let Some(id) = pick(&self.m.claims, p) {
                    s.set_actor(accounts[by]);
                    let _ = s.tx(claims::VOID_CLAIM, id);
                }
            }
        }
    }

    /// (1): the decision agrees with the grants and the identity the contracts store.
    fn check_decision(
        &mut self,
        requester: AccountId,
        category: DataCategory,
        purpose: Purpose,
        outcome: AuditOutcome,
    ) {
        let s = &mut self.f.suite;
        let now = s.now();
        let patient_id = self.f.patient;
        let record = view::patient(&mut s.chain, patient_id).expect("registered");
        let grants = view::patient_grants(&mut s.chain, patient_id, 0, MAX_PAGE);
        assert!(
            grants.total <= u64::from(MAX_PAGE),
            "the fuzz case outgrew one page"
        );
        let live_covering = |g: &Grant, effect: Effect| {
            g.effect == effect
                && g.revoked_at.is_none()
                && g.registration == record.registration
                // A recovery ends earlier permits; the patient's denials stay.
                && (effect == Effect::Deny || g.epoch == record.epoch)
                && g.scope.valid_at(now)
                && g.scope.covers(category, purpose)
                && (g.grantee == Grantee::Account(requester)
                    || (effect == Effect::Deny && g.grantee == Grantee::Anyone))
        };
        let deny = grants.items.iter().find(|g| live_covering(g, Effect::Deny));
        let is_org = view::effective_roles(&mut s.chain, requester).is_some();
        match outcome {
            AuditOutcome::Granted(AccessBasis::Consent(id)) => {
                let grant = grants
                    .items
                    .iter()
                    .find(|g| g.id == id)
                    .expect("the granting grant exists");
                assert!(
                    live_covering(grant, Effect::Permit),
                    "granted on a dead, earlier-epoch or non-covering grant: {grant:?}"
                );
                assert!(
                    deny.is_none(),
                    "granted although a deny covers it: {deny:?}"
                );
            }
            AuditOutcome::Granted(AccessBasis::PatientSide) => {
                assert!(
                    requester == record.controller
                        || (!is_org && record.active_delegate(&requester, now)),
                    "patient-side access for an account that is neither controller nor delegate"
                );
            }
            AuditOutcome::Granted(AccessBasis::Emergency(id)) => {
                let e = view::emergency(&mut s.chain, id).expect("session");
                assert!(
                    e.is_open(now)
                        && e.provider == requester
                        && e.registration == record.registration
                        && purpose == Purpose::EmergencyTreatment
                );
            }
            AuditOutcome::Denied(DenyReason::DeniedByPatient(id)) => {
                let grant = grants
                    .items
                    .iter()
                    .find(|g| g.id == id)
                    .expect("the denying grant exists");
                assert!(
                    live_covering(grant, Effect::Deny),
                    "denied by a dead or non-covering deny: {grant:?}"
                );
            }
            AuditOutcome::Denied(_) | AuditOutcome::Success => {
                let permit = grants
                    .items
                    .iter()
                    .find(|g| live_covering(g, Effect::Permit));
                let roles = view::effective_roles(&mut s.chain, requester).unwrap_or_default();
                let patient_side = requester == record.controller
                    || (!is_org && record.active_delegate(&requester, now));
                assert!(!patient_side, "the patient side was denied its own data");
                assert!(
                    permit.is_none()
                        || deny.is_some()
                        || !purpose.eligible_roles().intersects(roles),
                    "denied although {permit:?} covers it"
                );
            }
        }
    }

    /// (2), (4) – (8) after every step.
    fn check_invariants(&mut self, recalled_before: Option<(Batch, Vec<u64>)>, action: &Action) {
        let s = &mut self.f.suite;
        // (2) the chain grows and recomputes to the stored head.
        let root = view::audit_root(&mut s.chain);
        assert!(root.count >= self.m.audit_count, "the audit log shrank");
        let mut from = self.m.audit_count;
        while from < root.count {
            let page = view::audit_entries(&mut s.chain, from, MAX_PAGE);
            for entry in &page {
                self.m.audit.push(entry).expect("the audit chain verifies");
            }
            from += page.len() as u64;
        }
        self.m.audit_count = root.count;
        self.m
            .audit
            .finish(root.head, root.count)
            .expect("the stored head matches");

        // (4) escrow accounting.
        for (insurer, expected) in &self.m.escrow_expected {
            let escrow = view::escrow(&mut s.chain, *insurer);
            assert_eq!(escrow.balance as i128, *expected, "escrow of {insurer:?}");
            assert!(escrow.committed <= escrow.balance);
        }

        // (7) the registry and the projection agree.
        let patient_id = self.f.patient;
        let now = s.now();
        let record = view::patient(&mut s.chain, patient_id).expect("registered");
        let cell = view::patient_cell(&mut s.chain, patient_id).expect("projected");
        assert_eq!(
            (
                cell.facts.controller,
                cell.facts.registration,
                cell.facts.epoch
            ),
            (record.controller, record.registration, record.epoch),
            "the projection lost a control change"
        );
        let mut projected: Vec<AccountId> = cell
            .facts
            .delegates
            .iter()
            .filter(|(_, until)| until.is_none_or(|end| now < end))
            .map(|(d, _)| *d)
            .collect();
        let mut registered: Vec<AccountId> = record
            .delegates
            .iter()
            .filter(|d| d.is_active(now))
            .map(|d| d.account)
            .collect();
        projected.sort();
        registered.sort();
        assert_eq!(projected, registered, "delegates differ");
        let accounts: Vec<AccountId> = Who::ALL.iter().map(|w| self.f.at(*w)).collect();
        let s = &mut self.f.suite;
        for account in accounts {
            if let Some(org) = view::organisation(&mut s.chain, account) {
                assert_eq!(
                    view::effective_roles(&mut s.chain, account),
                    Some(org.effective_roles())
                );
            }
        }

        // (8) the policy's accounting.
        let policy = view::policy(&mut s.chain, self.f.policy).expect("policy");
        let (mut approved, mut deductible) = (0u128, 0u128);
        for id in &self.m.claims {
            let claim = view::claim(&mut s.chain, *id).expect("claim");
            if matches!(
                claim.status,
                ClaimStatus::Approved | ClaimStatus::PartiallyApproved | ClaimStatus::Settled
            ) {
                approved += claim.approved;
                deductible += claim.deductible_applied;
            } else {
                assert_eq!(
                    (claim.approved, claim.deductible_applied),
                    (0, 0),
                    "claim {id} in {:?} still holds a commitment",
                    claim.status
                );
            }
        }
        assert_eq!(policy.plan_used, approved, "plan used");
        assert_eq!(policy.deductible_met, deductible, "deductible met");
        assert!(policy.plan_used <= policy.terms.annual_limit);
        assert!(policy.deductible_met <= policy.terms.deductible);

        // (5) conservation.
        let batch = self.f.batch;
        let holders = holders(self.f);
        let s = &mut self.f.suite;
        let held: Vec<u64> = holders
            .iter()
            .map(|h| view::holding(&mut s.chain, batch, *h))
            .collect();
        let b = view::batch(&mut s.chain, batch).expect("batch");
        assert_eq!(
            held.iter().sum::<u64>() + b.in_transit + b.dispensed + b.destroyed + b.set_aside,
            b.quantity,
            "packs created or lost"
        );

        // (6) recalled stock never moves: holdings only shrink by destruction, nothing new ships.
        if let Some((before, held_before)) = recalled_before {
            assert_eq!(b.status, BatchStatus::Recalled, "a recall was undone");
            assert!(b.in_transit <= before.in_transit, "recalled stock shipped");
            assert_eq!(b.dispensed, before.dispensed, "recalled stock dispensed");
            for (now, then) in held.iter().zip(&held_before) {
                if !matches!(
                    action,
                    Action::Destroy { .. } | Action::Reject { .. } | Action::Accept { .. }
                ) {
                    assert_eq!(now, then, "recalled stock moved");
                } else if matches!(action, Action::Destroy { .. } | Action::Accept { .. }) {
                    assert!(now <= then, "recalled stock moved in");
                }
            }
        }
    }
}

/// The items of `all` whose bit is set in `bits`.
fn chosen<T: Copy>(bits: u8, all: &[T]) -> Vec<T> {
    all.iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, x)| *x)
        .collect()
}

fn holders(f: &Fixture) -> Vec<AccountId> {
    Who::ALL.iter().map(|w| f.at(*w)).collect()
}

fn cases() -> u32 {
    std::env::var("CARECHAIN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

thread_local! {
    static FIXTURE: std::cell::RefCell<Option<(Fixture, ink_sandbox::Snapshot)>> = const { std::cell::RefCell::new(None) };
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_under_random_calls(actions in prop::collection::vec(action(), 1..24)) {
        FIXTURE.with(|cell| {
            let mut slot = cell.borrow_mut();
            let (fixture, snapshot) = slot.get_or_insert_with(|| {
                let mut f = Fixture::new();
                let snapshot = f.suite.snapshot();
                (f, snapshot)
            });
            fixture.suite.restore(snapshot.clone());
            let insurer = fixture.at(Who::Insurer);
            let balance = view::escrow(&mut fixture.suite.chain, insurer).balance;
            let mut run = Run {
                m: Model {
                    grants: vec![fixture.grant],
                    pending: vec![fixture.pending],
                    claims: vec![fixture.submitted, fixture.approved, fixture.denied],
                    emergencies: Vec::new(),
                    settled: BTreeSet::new(),
                    escrow_expected: BTreeMap::from([(insurer, balance as i128)]),
                    audit: ChainVerifier::new(),
                    audit_count: 0,
                    serial_counter: 0,
                },
                f: fixture,
            };
            run.check_invariants(None, &Action::Advance { hours: 0 });
            for action in &actions {
                let s = &mut run.f.suite;
                let b = view::batch(&mut s.chain, run.f.batch).expect("batch");
                let recalled = (b.status == BatchStatus::Recalled).then(|| {
                    let batch = run.f.batch;
                    let held = holders(run.f)
                        .into_iter()
                        .map(|h| view::holding(&mut run.f.suite.chain, batch, h))
                        .collect();
                    (b, held)
                });
                run.act(action);
                run.check_invariants(recalled, action);
            }
        });
    }
}
