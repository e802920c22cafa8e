//! The main job: the healthcare scenario across the suite, as a readable transcript with each
//! call's gas. `scenario` (the binary) prints it; a test runs it and checks its summary.

use crate::audit;
use crate::chain::Contract::{AuditLog, Consent, Registry};
use crate::suite::{digest, key_for, Suite};
use carechain_common::*;

/// What the scenario observed, for the test that runs it.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub hospital_read_granted: bool,
    pub researcher_denied: bool,
    pub denied_after_revoke: bool,
    pub emergency_granted: bool,
    pub patient_trail_len: u64,
    pub chain_verified: u64,
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
pub fn run(suite: &mut Suite) -> Summary {
    let mut summary = Summary::default();
    let s = suite;
    s.verbose = true;

    section("Deployment");
    for c in [Registry, AuditLog, Consent] {
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
    let patient = s.next_patient_id();
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
    s.verbose = false;
    let trail_len = s.query::<u64>(AuditLog, "patient_entry_count", patient);
    let trail = s.query::<Vec<AuditEntry>>(AuditLog, "patient_entries", (patient, 0u64, MAX_PAGE));
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
    let reviews =
        s.query::<Vec<Emergency>>(Consent, "patient_emergencies", (patient, 0u64, MAX_PAGE));
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

    section("Anyone verifies the audit chain from genesis");
    let verified = audit::verify_deployed(s).expect("the audit chain verifies");
    let head = s.query::<Digest>(AuditLog, "head", ());
    note(&format!(
        "{verified} entries recomputed with sha2; head 0x{} matches",
        hex::encode(head.0)
    ));
    summary.chain_verified = verified;
    s.verbose = true;
    summary
}
