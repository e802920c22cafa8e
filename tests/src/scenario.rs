//! The main job: the healthcare scenario across the suite, as a readable transcript with each
//! call's gas. `scenario` (the binary) prints it; a test runs it and checks its summary.

use crate::audit;
use crate::chain::Contract::{AuditLog, Claims, Consent, Provenance, Registry};
use crate::ledger::Ledger;
use crate::suite::{digest, key_for};
use carechain_common::*;
use ink::primitives::AccountId;

/// What the scenario observed, for the test that runs it.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub hospital_read_granted: bool,
    pub researcher_denied: bool,
    pub denied_after_revoke: bool,
    pub emergency_granted: bool,
    pub patient_trail_len: u64,
    pub chain_verified: u64,
    pub counterfeit_caught: bool,
    pub duplicate_flagged: bool,
    pub shipping_stopped_by_recall: bool,
    pub claim_status: Option<ClaimStatus>,
    pub settled_amount: Balance,
    pub provider_received: Balance,
    pub duplicate_refused: bool,
    pub recalled_drug_refused: bool,
    pub no_consent_refused: bool,
}

fn section(title: &str) {
    println!("\n== {title} ==");
}

fn note(text: &str) {
    println!("  · {text}");
}

fn ok<T: std::fmt::Debug>(answer: Result<T>, what: &str) -> T {
    answer.unwrap_or_else(|e| panic!("scenario step failed: {what}: {e:?}"))
}

/// Run the whole scenario on `suite`. Panics if a step does not behave as the story says.
pub fn run<L: Ledger>(suite: &mut L) -> Summary {
    let mut summary = Summary::default();
    let s = suite;
    s.set_verbose(true);

    section("Deployment");
    for c in [Registry, AuditLog, Consent, Provenance, Claims] {
        let address = s.address(c);
        note(&format!(
            "{:<10} at 0x{}",
            c.name(),
            hex::encode(AsRef::<[u8; 32]>::as_ref(&address))
        ));
    }

    section("Governance credentials organisations");
    let admin = s.admin();
    let hospital = s.actor("st-mary-hospital");
    let researcher = s.actor("genomics-institute");
    let er = s.actor("er-physician");
    s.set_actor(admin);
    for (who, roles, name) in [
        (hospital, vec![Role::Provider], "st-mary-hospital"),
        (researcher, vec![Role::Researcher], "genomics-institute"),
        (er, vec![Role::Provider], "er-physician"),
    ] {
        ok(
            s.tx::<()>(
                Registry,
                "register_organisation",
                (who, RoleSet::of(&roles), crate::suite::credential(name)),
            ),
            "register organisation",
        );
    }

    section("A patient registers with a random pseudonymous id");
    let alice = s.actor("alice");
    let carer = s.actor("alice-carer");
    let guardians = [
        s.actor("guardian-1"),
        s.actor("guardian-2"),
        s.actor("guardian-3"),
    ];
    let patient = s.fresh_patient_id();
    note(&format!(
        "patient id 0x{} (32 random bytes, nothing about Alice)",
        hex::encode(patient.0)
    ));
    s.set_actor(alice);
    ok(
        s.tx::<u64>(Registry, "register_patient", (patient, key_for("alice"))),
        "register patient",
    );
    ok(
        s.tx::<()>(
            Registry,
            "add_delegate",
            (patient, carer, DelegateKind::Carer, None::<u64>),
        ),
        "add delegate",
    );
    ok(
        s.tx::<()>(
            Registry,
            "set_guardians",
            (patient, guardians.to_vec(), 2u8),
        ),
        "set guardians",
    );

    section("Alice grants the hospital treatment access to laboratory results for 30 days");
    let now = s.now();
    let scope = GrantScope {
        categories: CategorySet::of(&[DataCategory::Laboratory]),
        purposes: PurposeSet::of(&[Purpose::Treatment]),
        valid_from: now,
        valid_until: now + 30 * DAY_MS,
    };
    let grant = ok(
        s.tx::<GrantId>(
            Consent,
            "create_grant",
            (patient, Grantee::Account(hospital), scope, Effect::Permit),
        ),
        "create grant",
    );

    section("The hospital anchors a lab report and reads it back (granted, logged)");
    s.set_actor(hospital);
    let locator =
        EncryptedLocator(b"nonce|ciphertext-of-s3://records/lab/2026-01-01.json|tag".to_vec());
    let write = ok(
        s.tx::<RecordWrite>(
            Consent,
            "add_record",
            (
                patient,
                DataCategory::Laboratory,
                Purpose::Treatment,
                digest(b"lab report v1"),
                locator.clone(),
            ),
        ),
        "add record",
    );
    let record = write.record.expect("write granted");
    let read = ok(
        s.tx::<RecordAccess>(Consent, "access_record", (record, Purpose::Treatment)),
        "read",
    );
    summary.hospital_read_granted = read.decision.is_granted() && read.locator == Some(locator);
    assert!(
        summary.hospital_read_granted,
        "the hospital must be granted"
    );

    section("A researcher asks for the same data for research (denied, logged)");
    s.set_actor(researcher);
    let denied = ok(
        s.tx::<Decision>(
            Consent,
            "check_access",
            (patient, DataCategory::Laboratory, Purpose::Research),
        ),
        "researcher check",
    );
    summary.researcher_denied = !denied.is_granted();
    assert!(summary.researcher_denied);

    section("Alice revokes; the hospital is denied from now on");
    s.set_actor(alice);
    ok(s.tx::<()>(Consent, "revoke_grant", grant), "revoke");
    s.set_actor(hospital);
    let after = ok(
        s.tx::<RecordAccess>(Consent, "access_record", (record, Purpose::Treatment)),
        "read again",
    );
    summary.denied_after_revoke = !after.decision.is_granted() && after.locator.is_none();
    assert!(summary.denied_after_revoke);

    section("An emergency physician breaks the glass (recorded, not prevented)");
    s.set_actor(er);
    let session = ok(
        s.tx::<EmergencyId>(
            Consent,
            "break_glass",
            (patient, EmergencyReason::PatientUnconscious),
        ),
        "break glass",
    );
    let emergency = ok(
        s.tx::<RecordAccess>(
            Consent,
            "access_record",
            (record, Purpose::EmergencyTreatment),
        ),
        "emergency read",
    );
    summary.emergency_granted = emergency.decision.is_granted();
    assert!(summary.emergency_granted);
    ok(
        s.tx::<()>(Consent, "close_emergency", session),
        "close emergency",
    );

    section("Alice reviews who touched her data");
    s.set_verbose(false);
    let trail = s.query::<Page<AuditEntry>>(AuditLog, "patient_entries", (patient, 0u64, MAX_PAGE));
    let trail_len = trail.total;
    let trail = trail.items;
    for entry in &trail {
        let r = &entry.record;
        note(&format!(
            "#{:<3} {} {:<16} by {:<20} {:<14} {}",
            entry.seq,
            audit::chrono_like(entry.recorded_at),
            r.action.fhir_type().1,
            s.name_of(&r.actor),
            r.purpose.map(|p| p.code()).unwrap_or("-"),
            match r.outcome {
                AuditOutcome::Success => "ok".to_owned(),
                AuditOutcome::Granted(b) => format!("GRANTED {b:?}"),
                AuditOutcome::Denied(d) => format!("DENIED {d:?}"),
            }
        ));
    }
    summary.patient_trail_len = trail_len;
    let reviews = s
        .query::<Page<Emergency>>(Consent, "patient_emergencies", (patient, 0u64, MAX_PAGE))
        .items;
    note(&format!(
        "break-glass review list: {} session(s), reason {:?}, closed by {}",
        reviews.len(),
        reviews[0].reason,
        reviews[0]
            .closed_by
            .map(|a| s.name_of(&a))
            .unwrap_or_default()
    ));
    if let Some(first) = trail.first() {
        note(&format!("as FHIR AuditEvent: {}", audit::to_fhir(first)));
    }

    let drug = drug_supply_chain(s, &mut summary);
    insurance_claims(s, &mut summary, patient, hospital, record, drug);

    section("Anyone verifies the audit chain from genesis");
    let verified = audit::verify_deployed(s).expect("the audit chain verifies");
    let head = s.query::<Digest>(AuditLog, "head", ());
    note(&format!(
        "{verified} entries recomputed with sha2; head 0x{} matches",
        hex::encode(head.0)
    ));
    summary.chain_verified = verified;
    s.set_verbose(true);
    summary
}

/// A batch moves from manufacturer to distributor to two pharmacies; one dispenses; a counterfeit
/// is caught; the regulator recalls and shipping stops.
fn drug_supply_chain<L: Ledger>(s: &mut L, summary: &mut Summary) -> DrugRef {
    s.set_verbose(true);
    section("Pharma: a manufacturer registers a batch");
    let admin = s.admin();
    let maker = s.actor("acme-pharma");
    let distributor = s.actor("medi-distrib");
    let pharmacy_a = s.actor("corner-pharmacy");
    let pharmacy_b = s.actor("station-pharmacy");
    let regulator = s.actor("drug-regulator");
    s.set_actor(admin);
    for (who, role, name) in [
        (maker, Role::Manufacturer, "acme-pharma"),
        (distributor, Role::Distributor, "medi-distrib"),
        (pharmacy_a, Role::Pharmacy, "corner-pharmacy"),
        (pharmacy_b, Role::Pharmacy, "station-pharmacy"),
        (regulator, Role::Regulator, "drug-regulator"),
    ] {
        ok(
            s.tx::<()>(
                Registry,
                "register_organisation",
                (who, RoleSet::of(&[role]), crate::suite::credential(name)),
            ),
            "register organisation",
        );
    }
    let gtin = Gtin(10_614_141_000_415);
    // A lot number of this run's own, so the scenario can be played again on a chain that
    // keeps its state (a node): GTIN + lot is unique on chain.
    let tag = s.fresh_patient_id();
    let lot = LotNumber(format!("AMX-{}", hex::encode(&tag.0[..4])).into_bytes());
    let expiry = s.now() + 540 * DAY_MS;
    s.set_actor(maker);
    let batch = ok(
        s.tx::<BatchId>(
            Provenance,
            "register_batch",
            (
                gtin,
                lot.clone(),
                expiry,
                5_000u64,
                5_999u64,
                1_000u64,
                digest(b"certificate of analysis AMX-2026-001"),
            ),
        ),
        "register batch",
    );

    section("Custody: manufacturer -> distributor -> two pharmacies (ship, then accept)");
    let doc = |n: &str| digest(format!("despatch advice {n}").as_bytes());
    let t = ok(
        s.tx::<u64>(Provenance, "ship", (batch, distributor, 600u64, doc("1"))),
        "ship",
    );
    s.set_actor(distributor);
    ok(s.tx::<()>(Provenance, "accept", (batch, t)), "accept");
    for (pharmacy, qty, n) in [(pharmacy_a, 100u64, "2"), (pharmacy_b, 50u64, "3")] {
        s.set_actor(distributor);
        let t = ok(
            s.tx::<u64>(Provenance, "ship", (batch, pharmacy, qty, doc(n))),
            "ship",
        );
        s.set_actor(pharmacy);
        ok(s.tx::<()>(Provenance, "accept", (batch, t)), "accept");
    }

    section("A pharmacy verifies and dispenses a pack");
    s.set_actor(pharmacy_a);
    let v = s.query::<Verification>(Provenance, "verify", (gtin, lot.clone(), 5_042u64));
    note(&format!(
        "verify serial 5042: {:?}, batch {:?}, expired {}",
        v.verdict, v.status, v.expired
    ));
    ok(
        s.tx::<DispenseOutcome>(Provenance, "dispense", (batch, 5_042u64)),
        "dispense",
    );

    section("Counterfeits are caught");
    let fake = s.query::<Verification>(Provenance, "verify", (gtin, lot.clone(), 7_777u64));
    note(&format!(
        "a pack printed with serial 7777: {:?}",
        fake.verdict
    ));
    summary.counterfeit_caught = fake.verdict == Verdict::SerialOutOfRange;
    assert!(summary.counterfeit_caught);
    s.set_actor(pharmacy_b);
    let cloned = ok(
        s.tx::<DispenseOutcome>(Provenance, "dispense", (batch, 5_042u64)),
        "dispense clone",
    );
    summary.duplicate_flagged = cloned == DispenseOutcome::FlaggedSuspect;
    assert!(
        summary.duplicate_flagged,
        "a serial dispensed twice is flagged"
    );
    let v = s.query::<Verification>(Provenance, "verify", (gtin, lot, 5_042u64));
    note(&format!("serial 5042 now verifies as {:?}", v.verdict));

    section("The regulator recalls the batch; shipping stops for every holder");
    s.set_actor(regulator);
    ok(
        s.tx::<()>(Provenance, "recall", (batch, RecallReason::Counterfeit)),
        "recall",
    );
    s.set_actor(distributor);
    let refused = s.tx::<u64>(Provenance, "ship", (batch, pharmacy_a, 10u64, doc("4")));
    summary.shipping_stopped_by_recall = refused == Err(Error::BatchRecalled);
    assert!(summary.shipping_stopped_by_recall);
    let b = s
        .query::<Option<Batch>>(Provenance, "batch", batch)
        .expect("batch");
    note(&format!(
        "batch {}: status {:?}, {} transfers, {} dispensed, {} in transit",
        b.id, b.status, b.transfer_count, b.dispensed, b.in_transit
    ));
    DrugRef {
        batch,
        serial: 5_043,
    }
}

/// Insurer escrow, a consented claim partially approved and settled, a duplicate, a recalled drug
/// and a claim without payment consent refused.
fn insurance_claims<L: Ledger>(
    s: &mut L,
    summary: &mut Summary,
    patient: PatientId,
    hospital: AccountId,
    record: RecordId,
    recalled_drug: DrugRef,
) {
    section("Insurance: an insurer funds its escrow and covers Alice");
    let admin = s.admin();
    let insurer = s.actor("carefirst-insurance");
    let other_insurer = s.actor("unity-health");
    let alice = s.actor("alice");
    s.set_actor(admin);
    for (who, name) in [
        (insurer, "carefirst-insurance"),
        (other_insurer, "unity-health"),
    ] {
        ok(
            s.tx::<()>(
                Registry,
                "register_organisation",
                (
                    who,
                    RoleSet::of(&[Role::Insurer]),
                    crate::suite::credential(name),
                ),
            ),
            "register insurer",
        );
    }
    let now = s.now();
    let terms = PolicyTerms {
        coverage: CoverageSet::of(&[
            ServiceCategory::Consultation,
            ServiceCategory::Laboratory,
            ServiceCategory::Pharmacy,
        ]),
        period_start: now,
        period_end: now + 365 * DAY_MS,
        annual_limit: 50_000,
        deductible: 200,
        coinsurance_bps: 2_000,
    };
    let mut policies = Vec::new();
    for who in [insurer, other_insurer] {
        s.set_actor(who);
        ok(
            s.tx_with_value::<()>(Claims, "deposit", (), 1_000_000),
            "deposit",
        );
        policies.push(ok(
            s.tx::<PolicyId>(Claims, "create_policy", (patient, terms)),
            "policy",
        ));
    }

    section("Alice lets CareFirst see her lab data for payment");
    s.set_actor(alice);
    let scope = GrantScope {
        categories: CategorySet::of(&[DataCategory::Laboratory]),
        purposes: PurposeSet::of(&[Purpose::Payment]),
        valid_from: now,
        valid_until: now + 365 * DAY_MS,
    };
    ok(
        s.tx::<GrantId>(
            Consent,
            "create_grant",
            (patient, Grantee::Account(insurer), scope, Effect::Permit),
        ),
        "payment grant",
    );

    section("The hospital submits a claim backed by the lab record (consent checked, disclosure logged)");
    let service = |what: &str| {
        digest(format!("hmac(provider-insurer key, CPT {what}, 2026-01-01)").as_bytes())
    };
    let lab_line = ClaimLine {
        service: ServiceCategory::Laboratory,
        service_ref: service("80053"),
        billed: 1_200,
        drug: None,
    };
    let visit_line = ClaimLine {
        service: ServiceCategory::Consultation,
        service_ref: service("99214"),
        billed: 300,
        drug: None,
    };
    s.set_actor(hospital);
    let submitted = ok(
        s.tx::<SubmitOutcome>(
            Claims,
            "submit_claim",
            (policies[0], patient, record, vec![lab_line, visit_line]),
        ),
        "submit claim",
    );
    let SubmitOutcome::Submitted(claim) = submitted else {
        panic!("the consented claim must be accepted: {submitted:?}")
    };

    section(
        "CareFirst adjudicates: lab allowed 1 000 of 1 200, visit denied -> partially approved",
    );
    s.set_actor(insurer);
    let status = ok(
        s.tx::<ClaimStatus>(
            Claims,
            "adjudicate",
            (
                claim,
                vec![
                    LineDecision::Approve { allowed: 1_000 },
                    LineDecision::Deny(DenialReason::NotMedicallyNecessary),
                ],
            ),
        ),
        "adjudicate",
    );
    summary.claim_status = Some(status);
    let c = s
        .query::<Option<Claim>>(Claims, "claim", claim)
        .expect("claim");
    note(&format!(
        "lab line: deductible {}, co-insurance {}, plan pays {}; patient owes {}",
        c.results[0].deductible, c.results[0].coinsurance, c.results[0].plan_pays, c.patient_share
    ));

    section("Settlement: the approved amount moves from CareFirst's escrow to the hospital, once");
    let before = s.balance(&hospital);
    let escrow_before = s.query::<Escrow>(Claims, "escrow", insurer);
    summary.settled_amount = ok(s.tx::<Balance>(Claims, "settle", claim), "settle");
    summary.provider_received = s.balance(&hospital) - before;
    let escrow_after = s.query::<Escrow>(Claims, "escrow", insurer);
    note(&format!(
        "hospital balance +{}; CareFirst escrow {} -> {}",
        summary.provider_received, escrow_before.balance, escrow_after.balance
    ));
    assert_eq!(summary.provider_received, summary.settled_amount);
    assert_eq!(
        s.tx::<Balance>(Claims, "settle", claim),
        Err(Error::InvalidClaimState)
    );

    section("Refusals: an exact duplicate, a recalled drug, a claim without payment consent");
    s.set_actor(hospital);
    let duplicate = s.tx::<SubmitOutcome>(
        Claims,
        "submit_claim",
        (policies[0], patient, record, vec![lab_line]),
    );
    summary.duplicate_refused = duplicate == Err(Error::DuplicateClaim);
    let drug_line = ClaimLine {
        service: ServiceCategory::Pharmacy,
        service_ref: service("J0456"),
        billed: 80,
        drug: Some(recalled_drug),
    };
    let recalled = s.tx::<SubmitOutcome>(
        Claims,
        "submit_claim",
        (policies[0], patient, record, vec![drug_line]),
    );
    summary.recalled_drug_refused = recalled == Err(Error::DrugRefused);
    let visit_again = ClaimLine {
        service_ref: service("99215"),
        ..visit_line
    };
    let unconsented = s.tx::<SubmitOutcome>(
        Claims,
        "submit_claim",
        (policies[1], patient, record, vec![visit_again]),
    );
    summary.no_consent_refused = matches!(unconsented, Ok(SubmitOutcome::ConsentDenied { .. }));
    assert!(
        summary.duplicate_refused && summary.recalled_drug_refused && summary.no_consent_refused
    );

    section("Alice reads her claims");
    s.set_verbose(false);
    for c in s
        .query::<Page<Claim>>(Claims, "patient_claims", (patient, 0u64, MAX_PAGE))
        .items
    {
        note(&format!(
            "claim {}: {:?}, billed {}, plan paid {}, patient share {}",
            c.id, c.status, c.billed, c.approved, c.patient_share
        ));
    }
}
