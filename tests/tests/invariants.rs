//! Invariant fuzzing: random sequences of calls by random actors on the populated fixture
//! (property tests driving the real pallet-contracts runtime). After every step:
//!
//! 1. no access is granted after revoke or expiry, and deny wins: every granted decision names a
//!    live grant for the requester that covers the request, with no live deny covering it;
//! 2. the audit chain recomputes to the stored head, and its length only grows;
//! 3. every claim is paid at most once and never more than approved;
//! 4. what an insurer was paid out never exceeds what it escrowed (escrow balance = deposits -
//!    withdrawals - settlements, committed <= balance);
//! 5. batch quantities are neither created nor lost (held + in transit + dispensed + destroyed);
//! 6. recalled stock never moves (only destruction reduces it).
//!
//! CARECHAIN_FUZZ_CASES sets the number of cases (default 256; `scripts/fuzz.sh` runs 5,000).

use carechain_tests::common::verify::ChainVerifier;
use carechain_tests::common::*;
use carechain_tests::fixture::{service_line, Fixture, Who};
use carechain_tests::Ledger;
use carechain_tests::{digest, Contract};
use ink::primitives::AccountId;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const ACTORS: [Who; 10] = [
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
                if let Ok(id) = s.tx::<GrantId>(
                    Contract::Consent,
                    "create_grant",
                    (patient, grantee, scope, effect),
                ) {
                    self.m.grants.push(id);
                }
            }
            Action::Revoke { by, pick: p } => {
                if let Some(id) = pick(&self.m.grants, p) {
                    s.set_actor(accounts[by]);
                    let _ = s.tx::<()>(Contract::Consent, "revoke_grant", id);
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
                    .tx::<Decision>(
                        Contract::Consent,
                        "check_access",
                        (patient, category, purpose),
                    )
                    .expect("the consent contract answers every check");
                self.check_decision(requester, category, purpose, decision.outcome);
            }
            Action::BreakGlass { by } => {
                s.set_actor(accounts[by]);
                if let Ok(id) = s.tx::<EmergencyId>(
                    Contract::Consent,
                    "break_glass",
                    (patient, EmergencyReason::ThreatToLife),
                ) {
                    self.m.emergencies.push(id);
                }
            }
            Action::CloseEmergency { by } => {
                if let Some(id) = self.m.emergencies.last().copied() {
                    s.set_actor(accounts[by]);
                    let _ = s.tx::<()>(Contract::Consent, "close_emergency", id);
                }
            }
            Action::Advance { hours } => s.advance(u64::from(hours) * 3_600_000),
            Action::Ship { by, to, quantity } => {
                let to = accounts[to];
                s.set_actor(accounts[by]);
                if let Ok(index) = s.tx::<u64>(
                    Contract::Provenance,
                    "ship",
                    (batch, to, quantity, digest(b"doc")),
                ) {
                    self.m.pending.push(index);
                }
            }
            Action::Accept { by, pick: p } | Action::Reject { by, pick: p } => {
                if let Some(index) = pick(&self.m.pending, p) {
                    let message = if matches!(action, Action::Accept { .. }) {
                        "accept"
                    } else {
                        "reject"
                    };
                    s.set_actor(accounts[by]);
                    let _ = s.tx::<()>(Contract::Provenance, message, (batch, index));
                }
            }
            Action::Dispense { by, serial } => {
                s.set_actor(accounts[by]);
                let _ = s.tx::<DispenseOutcome>(Contract::Provenance, "dispense", (batch, serial));
            }
            Action::Destroy { by, serial } => {
                s.set_actor(accounts[by]);
                let _ = s.tx::<()>(Contract::Provenance, "destroy", (batch, vec![serial]));
            }
            Action::Quarantine { by } => {
                s.set_actor(accounts[by]);
                let _ = s.tx::<()>(
                    Contract::Provenance,
                    "quarantine",
                    (batch, QuarantineReason::SuspectProduct),
                );
            }
            Action::Clear { by } => {
                s.set_actor(accounts[by]);
                let _ = s.tx::<()>(Contract::Provenance, "clear_quarantine", batch);
            }
            Action::Recall { by } => {
                s.set_actor(accounts[by]);
                let _ = s.tx::<()>(
                    Contract::Provenance,
                    "recall",
                    (batch, RecallReason::SafetyIssue),
                );
            }
            Action::Deposit { by, amount } => {
                let who = accounts[by];
                s.set_actor(who);
                if s.tx_with_value::<()>(Contract::Claims, "deposit", (), amount)
                    .is_ok()
                {
                    *self.m.escrow_expected.entry(who).or_default() += amount as i128;
                }
            }
            Action::Withdraw { by, amount } => {
                let who = accounts[by];
                s.set_actor(who);
                if s.tx::<()>(Contract::Claims, "withdraw", amount).is_ok() {
                    *self.m.escrow_expected.entry(who).or_default() -= amount as i128;
                }
            }
            Action::Submit { by, billed } => {
                self.m.serial_counter += 1;
                let line = service_line(&format!("fuzz-{}", self.m.serial_counter), billed);
                s.set_actor(accounts[by]);
                if let Ok(SubmitOutcome::Submitted(id)) = s.tx::<SubmitOutcome>(
                    Contract::Claims,
                    "submit_claim",
                    (policy, patient, record, vec![line]),
                ) {
                    self.m.claims.push(id);
                }
            }
            Action::Adjudicate {
                by,
                pick: p,
                allowed_pct,
            } => {
                if let Some(id) = pick(&self.m.claims, p) {
                    let claim = s
                        .query::<Option<Claim>>(Contract::Claims, "claim", id)
                        .expect("claim");
                    let allowed = claim.lines[0].billed * u128::from(allowed_pct) / 100;
                    s.set_actor(accounts[by]);
                    let _ = s.tx::<ClaimStatus>(
                        Contract::Claims,
                        "adjudicate",
                        (id, vec![LineDecision::Approve { allowed }]),
                    );
                }
            }
            Action::Settle { by, pick: p } => {
                if let Some(id) = pick(&self.m.claims, p) {
                    let before = s
                        .query::<Option<Claim>>(Contract::Claims, "claim", id)
                        .expect("claim");
                    s.set_actor(accounts[by]);
                    if let Ok(paid) = s.tx::<Balance>(Contract::Claims, "settle", id) {
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
                    let _ = s.tx::<()>(Contract::Claims, "void_claim", id);
                }
            }
        }
    }

    /// (1): the decision agrees with the grants the contract stores.
    fn check_decision(
        &mut self,
        requester: AccountId,
        category: DataCategory,
        purpose: Purpose,
        outcome: AuditOutcome,
    ) {
        let s = &mut self.f.suite;
        let now = s.now();
        let patient = self.f.patient;
        let grants = s.query::<Page<Grant>>(
            Contract::Consent,
            "patient_grants",
            (patient, 0u64, MAX_PAGE),
        );
        assert!(
            grants.total <= u64::from(MAX_PAGE),
            "the fuzz case outgrew one page"
        );
        let live_covering = |g: &Grant, effect: Effect| {
            g.effect == effect
                && g.revoked_at.is_none()
                && g.scope.valid_at(now)
                && g.scope.covers(category, purpose)
                && (g.grantee == Grantee::Account(requester)
                    || (effect == Effect::Deny && g.grantee == Grantee::Anyone))
        };
        let deny = grants.items.iter().find(|g| live_covering(g, Effect::Deny));
        match outcome {
            AuditOutcome::Granted(AccessBasis::Consent(id)) => {
                let grant = grants
                    .items
                    .iter()
                    .find(|g| g.id == id)
                    .expect("the granting grant exists");
                assert!(
                    live_covering(grant, Effect::Permit),
                    "granted on a dead or non-covering grant: {grant:?}"
                );
                assert!(
                    deny.is_none(),
                    "granted although a deny covers it: {deny:?}"
                );
            }
            AuditOutcome::Granted(AccessBasis::PatientSide) => {
                assert!(
                    requester == self.f.at(Who::Patient) || requester == self.f.at(Who::Delegate)
                );
            }
            AuditOutcome::Granted(AccessBasis::Emergency(id)) => {
                let e = s
                    .query::<Option<Emergency>>(Contract::Consent, "emergency", id)
                    .expect("session");
                assert!(
                    e.is_open(now)
                        && e.provider == requester
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
                let roles =
                    s.query::<RoleSet>(Contract::Registry, "IdentityView::roles_of", requester);
                assert!(
                    permit.is_none()
                        || deny.is_some()
                        || !purpose.eligible_roles().intersects(roles),
                    "denied although {permit:?} covers it"
                );
            }
        }
    }

    /// (2), (4), (5), (6) after every step.
    fn check_invariants(&mut self, recalled_before: Option<(Batch, Vec<u64>)>, action: &Action) {
        let s = &mut self.f.suite;
        // (2) the chain grows and recomputes to the stored head.
        let count = s.query::<u64>(Contract::AuditLog, "count", ());
        assert!(count >= self.m.audit_count, "the audit log shrank");
        let mut from = self.m.audit_count;
        while from < count {
            let page = s.query::<Vec<AuditEntry>>(Contract::AuditLog, "entries", (from, MAX_PAGE));
            for entry in &page {
                self.m.audit.push(entry).expect("the audit chain verifies");
            }
            from += page.len() as u64;
        }
        self.m.audit_count = count;
        let head = s.query::<Digest>(Contract::AuditLog, "head", ());
        self.m
            .audit
            .finish(head, count)
            .expect("the stored head matches");

        // (4) escrow accounting.
        for (insurer, expected) in &self.m.escrow_expected {
            let escrow = s.query::<Escrow>(Contract::Claims, "escrow", *insurer);
            assert_eq!(escrow.balance as i128, *expected, "escrow of {insurer:?}");
            assert!(escrow.committed <= escrow.balance);
        }

        // (5) conservation.
        let batch = self.f.batch;
        let holders = holders(self.f);
        let s = &mut self.f.suite;
        let held: Vec<u64> = holders
            .iter()
            .map(|h| s.query::<u64>(Contract::Provenance, "holding", (batch, *h)))
            .collect();
        let b = s
            .query::<Option<Batch>>(Contract::Provenance, "batch", batch)
            .expect("batch");
        assert_eq!(
            held.iter().sum::<u64>() + b.in_transit + b.dispensed + b.destroyed,
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
            let balance = fixture.suite.query::<Escrow>(Contract::Claims, "escrow", insurer).balance;
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
                let b = s.query::<Option<Batch>>(Contract::Provenance, "batch", run.f.batch).expect("batch");
                let recalled = (b.status == BatchStatus::Recalled).then(|| {
                    let batch = run.f.batch;
                    let held = holders(run.f)
                        .into_iter()
                        .map(|h| run.f.suite.query::<u64>(Contract::Provenance, "holding", (batch, h)))
                        .collect();
                    (b, held)
                });
                run.act(action);
                run.check_invariants(recalled, action);
            }
        });
    }
}
