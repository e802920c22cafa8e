//! Immunisation credentials: selective disclosure verified on chain against drug provenance.

use carechain_common::events::credentials::PresentationVerified;
use carechain_common::*;
use carechain_sdk::credentials::{
    build, verify_offchain, Claim, HolderKey, Presentation, Standing, Wallet,
};
use carechain_sdk::msg::{credentials as c, govern, provenance as p, registry};
use carechain_sdk::{digest, view, ChainRead, ChainWrite, Contract};
use carechain_tests::Suite;
use ink::primitives::AccountId;

struct World {
    s: Suite,
    maker: AccountId,
    clinic: AccountId,
    pharmacy: AccountId,
    batch: BatchId,
    key: HolderKey,
}

fn world() -> World {
    let mut s = Suite::deploy();
    let maker = s.organisation("vaxgen", &[Role::Manufacturer]);
    let clinic = s.organisation("city-clinic", &[Role::Provider]);
    let pharmacy = s.organisation("corner-pharmacy", &[Role::Pharmacy]);
    s.set_actor(maker);
    let now = s.now();
    let batch = s
        .tx(
            p::REGISTER_BATCH,
            (
                Gtin(10_614_141_000_415),
                LotNumber(b"VAX-1".to_vec()),
                now + 100 * 86_400_000,
                1u64,
                100u64,
                100u64,
                digest(b"release"),
            ),
        )
        .unwrap();
    for (to, qty) in [(clinic, 10u64), (pharmacy, 10u64)] {
        s.set_actor(maker);
        let t = s
            .tx(p::SHIP, (batch, to, qty, digest(b"despatch")))
            .unwrap();
        s.set_actor(to);
        s.tx(p::ACCEPT, (batch, t)).unwrap();
    }
    s.set_actor(clinic);
    for serial in [1u64, 2, 3, 4] {
        s.tx(p::DISPENSE, (batch, serial)).unwrap();
    }
    s.set_actor(pharmacy);
    s.tx(p::DISPENSE, (batch, 50u64)).unwrap();
    World {
        s,
        maker,
        clinic,
        pharmacy,
        batch,
        key: HolderKey::from_seed(b"alice"),
    }
}

fn claims() -> Vec<Claim> {
    vec![
        Claim::new("vaccine", "208"),
        Claim::new("dose", "2"),
        Claim::new("date", "2026-01-01"),
        Claim::new("lot", "VAX-1"),
        Claim::new("fully-vaccinated:840539006", "yes"),
    ]
}

fn issue(w: &mut World, serial: u64) -> (CredentialId, Wallet) {
    let wallet = build(&claims(), &w.key.public()).unwrap();
    w.s.set_actor(w.clinic);
    let id =
        w.s.tx(
            c::ISSUE,
            (
                wallet.root,
                wallet.depth,
                DrugRef {
                    batch: w.batch,
                    serial,
                },
            ),
        )
        .unwrap();
    (id, wallet)
}

fn verify(w: &mut World, p: &Presentation) -> PresentationVerdict {
    let venue = w.s.actor("venue");
    w.s.set_actor(venue);
    let before = view::audit_root(&mut w.s.chain).count;
    let result = w.s.tx(c::VERIFY_PRESENTATION, p.call_args()).unwrap();
    // Every verification is logged, with who asked and what was found.
    let entry = view::audit_entry(&mut w.s.chain, result.audit_seq).unwrap();
    assert_eq!(result.audit_seq, before);
    // Under the verifier's own tag, never the credential id (what two verifiers write about
    // one credential does not link).
    let tag = verification_tag(p.credential, &venue);
    assert_eq!(
        (
            entry.record.action,
            entry.record.subject,
            entry.record.actor
        ),
        (
            AuditAction::CredentialVerify,
            AuditSubject::Verification(tag),
            venue
        )
    );
    let event = &w.s.events::<PresentationVerified>()[0];
    assert_eq!((event.tag, event.verifier), (tag, venue));
    assert_eq!(
        entry.record.outcome == AuditOutcome::Success,
        result.verdict == PresentationVerdict::Valid
    );
    // The verifier's own check agrees (same rules, off chain), but for a replay, which only the
    // chain, that keeps what it verified, can see.
    let standing = Standing::read(&mut w.s.chain, p.credential).unwrap();
    let contract = w.s.address(Contract::Credentials);
    let offchain = verify_offchain(&standing, &contract, &venue, p);
    if result.verdict == PresentationVerdict::Replayed {
        assert_eq!(offchain, PresentationVerdict::Valid);
    } else {
        assert_eq!(offchain, result.verdict);
    }
    result.verdict
}

fn present(
    w: &mut World,
    wallet: &Wallet,
    id: CredentialId,
    names: &[&str],
    challenge: &Digest,
) -> Presentation {
    let contract = w.s.address(Contract::Credentials);
    let venue = w.s.actor("venue");
    wallet
        .present(names, &w.key, &contract, id, &venue, challenge)
        .unwrap()
}

#[test]
fn one_claim_is_shown_only_its_hash_reaches_the_chain_and_every_forgery_is_refused() {
    let mut w = world();
    let (id, wallet) = issue(&mut w, 1);
    let anchor = view::credential(&mut w.s.chain, id).unwrap();
    assert_eq!(
        (anchor.root, anchor.depth, anchor.status, anchor.issuer),
        (wallet.root, 3, CredentialStatus::Active, w.clinic)
    );
    let challenge = digest(b"venue nonce 1");
    let p = present(
        &mut w,
        &wallet,
        id,
        &["fully-vaccinated:840539006"],
        &challenge,
    );
    assert_eq!(p.claims.len(), 1, "one claim shown, nothing else");
    // The call's arguments carry the leaf hash, never the claim's name or value.
    let input = scale::Encode::encode(&p.call_args());
    assert!(!input
        .windows(24)
        .any(|w| w == &b"fully-vaccinated:8405390"[..]));
    assert!(!input.windows(3).any(|w| w == b"yes"));
    assert_eq!(verify(&mut w, &p), PresentationVerdict::Valid);

    // A tampered claim value or salt, a tampered or shortened path.
    let mut t = p.clone();
    t.claims[0].value = b"no".to_vec();
    assert_eq!(verify(&mut w, &t), PresentationVerdict::BadProof(0));
    let mut t = p.clone();
    t.claims[0].salt[0] ^= 1;
    assert_eq!(verify(&mut w, &t), PresentationVerdict::BadProof(0));
    let mut t = p.clone();
    t.claims[0].path[2].0[5] ^= 1;
    assert_eq!(verify(&mut w, &t), PresentationVerdict::BadProof(0));
    let mut t = p.clone();
    t.claims[0].path.pop();
    assert_eq!(verify(&mut w, &t), PresentationVerdict::BadProof(0));
    // A claim of another credential, shown as this one's.
    let (other, other_wallet) = issue(&mut w, 2);
    let foreign = present(&mut w, &other_wallet, other, &["date"], &challenge);
    let mut t = p.clone();
    t.claims.push(foreign.claims[0].clone());
    assert_eq!(verify(&mut w, &t), PresentationVerdict::BadProof(1));
    // No claim, another holder key, a wrong signature, a replay for another challenge.
    let mut t = p.clone();
    t.claims.clear();
    assert_eq!(verify(&mut w, &t), PresentationVerdict::BadProof(0));
    let mallory = HolderKey::from_seed(b"mallory");
    let mut t = p.clone();
    t.holder.key = HolderPublicKey(mallory.public());
    assert_eq!(verify(&mut w, &t), PresentationVerdict::BadHolderProof);
    let contract = w.s.address(Contract::Credentials);
    let mut t = p.clone();
    let venue = w.s.actor("venue");
    t.signature =
        HolderSignature(mallory.sign(&presentation_digest(&contract, id, &venue, &challenge)));
    assert_eq!(verify(&mut w, &t), PresentationVerdict::BadSignature);
    let mut t = p.clone();
    t.challenge = digest(b"venue nonce 2");
    assert_eq!(verify(&mut w, &t), PresentationVerdict::BadSignature);
    let mut t = p.clone();
    t.signature = HolderSignature([0u8; 65]);
    assert_eq!(verify(&mut w, &t), PresentationVerdict::BadSignature);

    // Once verified, the same presentation is a replay; it never verifies for another verifier.
    assert_eq!(verify(&mut w, &p), PresentationVerdict::Replayed);
    let other_venue = w.s.actor("other-venue");
    w.s.set_actor(other_venue);
    assert_eq!(
        w.s.tx(c::VERIFY_PRESENTATION, p.call_args())
            .unwrap()
            .verdict,
        PresentationVerdict::BadSignature
    );
    // A dry run answers without logging (a verifier may check before it commits).
    let p = present(
        &mut w,
        &wallet,
        id,
        &["fully-vaccinated:840539006"],
        &digest(b"fresh"),
    );
    let venue = w.s.actor("venue");
    w.s.set_actor(venue);
    let before = view::audit_root(&mut w.s.chain).count;
    let dry = w.s.query(c::VERIFY_PRESENTATION, p.call_args()).unwrap();
    assert_eq!(
        (dry.verdict, view::audit_root(&mut w.s.chain).count),
        (PresentationVerdict::Valid, before)
    );
    let mut unknown = p.call_args();
    unknown.0 = 99;
    w.s.assert_refused(c::VERIFY_PRESENTATION, unknown, Error::CredentialNotFound);
}

#[test]
fn status_and_the_lots_current_provenance_decide_the_verdict() {
    let mut w = world();
    let (id, wallet) = issue(&mut w, 1);
    // A fresh challenge per verification (a valid presentation answers one challenge once).
    let mut round = 0u8;
    let mut check = |w: &mut World| {
        round += 1;
        let p = present(
            w,
            &wallet,
            id,
            &["dose"],
            &digest(&[b"nonce".as_slice(), &[round]].concat()),
        );
        verify(w, &p)
    };

    w.s.set_actor(w.clinic);
    w.s.tx(c::SUSPEND, id).unwrap();
    assert_eq!(check(&mut w), PresentationVerdict::Suspended);
    w.s.set_actor(w.clinic);
    w.s.assert_refused(c::SUSPEND, id, Error::CredentialWrongState);
    w.s.tx(c::REINSTATE, id).unwrap();
    assert_eq!(check(&mut w), PresentationVerdict::Valid);
    w.s.set_actor(w.clinic);
    w.s.assert_refused(c::REINSTATE, id, Error::CredentialWrongState);

    w.s.set_actor(w.maker);
    w.s.tx(
        p::QUARANTINE,
        (w.batch, QuarantineReason::TemperatureExcursion),
    )
    .unwrap();
    assert_eq!(check(&mut w), PresentationVerdict::LotQuarantined);
    w.s.set_actor(w.maker);
    w.s.tx(p::CLEAR_QUARANTINE, w.batch).unwrap();
    assert_eq!(check(&mut w), PresentationVerdict::Valid);
    // A recall after issuance: reported at the next verification, no loop over credentials.
    w.s.set_actor(w.maker);
    w.s.tx(p::RECALL, (w.batch, RecallReason::Contamination))
        .unwrap();
    assert_eq!(check(&mut w), PresentationVerdict::LotRecalled);

    w.s.set_actor(w.clinic);
    w.s.tx(c::REVOKE, id).unwrap();
    assert_eq!(check(&mut w), PresentationVerdict::Revoked);
    w.s.set_actor(w.clinic);
    w.s.assert_refused(c::REVOKE, id, Error::CredentialWrongState);
    w.s.assert_refused(c::REINSTATE, id, Error::CredentialWrongState);
}

#[test]
fn issuance_checks_the_issuer_the_tree_and_the_dose_across_contracts() {
    let mut w = world();
    let wallet = build(&claims(), &w.key.public()).unwrap();
    let dose = |serial| DrugRef { batch: 0, serial };
    // An issuer without the role: a pharmacy dispensed serial 50 but issues no credentials.
    w.s.set_actor(w.pharmacy);
    w.s.assert_refused(
        c::ISSUE,
        (wallet.root, wallet.depth, dose(50)),
        Error::MissingRole(RoleSet::of(&[Role::Provider, Role::PublicHealth])),
    );
    w.s.set_actor(w.clinic);
    w.s.assert_refused(c::ISSUE, (Digest::ZERO, 3u8, dose(1)), Error::InvalidTree);
    w.s.assert_refused(c::ISSUE, (wallet.root, 0u8, dose(1)), Error::InvalidTree);
    w.s.assert_refused(c::ISSUE, (wallet.root, 7u8, dose(1)), Error::InvalidTree);
    // A dose the clinic did not administer: another's, one still in stock, one out of range.
    w.s.assert_refused(
        c::ISSUE,
        (wallet.root, wallet.depth, dose(50)),
        Error::DoseNotAdministered,
    );
    w.s.assert_refused(
        c::ISSUE,
        (wallet.root, wallet.depth, dose(60)),
        Error::DoseNotAdministered,
    );
    w.s.assert_refused(
        c::ISSUE,
        (wallet.root, wallet.depth, dose(1000)),
        Error::SerialOutOfRange,
    );
    w.s.assert_refused(
        c::ISSUE,
        (
            wallet.root,
            wallet.depth,
            DrugRef {
                batch: 9,
                serial: 1,
            },
        ),
        Error::BatchNotFound,
    );
    w.s.tx(c::ISSUE, (wallet.root, wallet.depth, dose(1)))
        .unwrap();
    w.s.assert_refused(
        c::ISSUE,
        (wallet.root, wallet.depth, dose(1)),
        Error::DoseUsed,
    );
    // The lot's state: quarantined, recalled.
    w.s.set_actor(w.maker);
    w.s.tx(p::QUARANTINE, (w.batch, QuarantineReason::SuspectProduct))
        .unwrap();
    w.s.set_actor(w.clinic);
    w.s.assert_refused(
        c::ISSUE,
        (wallet.root, wallet.depth, dose(2)),
        Error::BatchQuarantined,
    );
    w.s.set_actor(w.maker);
    w.s.tx(p::RECALL, (w.batch, RecallReason::SafetyIssue))
        .unwrap();
    w.s.set_actor(w.clinic);
    w.s.assert_refused(
        c::ISSUE,
        (wallet.root, wallet.depth, dose(2)),
        Error::BatchRecalled,
    );
}

#[test]
fn an_expired_lot_and_a_suspended_issuer_cannot_issue() {
    let mut w = world();
    let wallet = build(&claims(), &w.key.public()).unwrap();
    let admin = w.s.admin();
    w.s.set_actor(admin);
    w.s.tx(registry::SUSPEND_ORGANISATION, w.clinic).unwrap();
    w.s.set_actor(w.clinic);
    w.s.assert_refused(
        c::ISSUE,
        (
            wallet.root,
            wallet.depth,
            DrugRef {
                batch: 0,
                serial: 1,
            },
        ),
        Error::MissingRole(RoleSet::of(&[Role::Provider, Role::PublicHealth])),
    );
    w.s.set_actor(admin);
    w.s.tx(registry::REINSTATE_ORGANISATION, w.clinic).unwrap();
    w.s.advance(101 * 86_400_000);
    w.s.set_actor(w.clinic);
    w.s.assert_refused(
        c::ISSUE,
        (
            wallet.root,
            wallet.depth,
            DrugRef {
                batch: 0,
                serial: 1,
            },
        ),
        Error::BatchExpired,
    );
}

#[test]
fn only_the_issuer_revokes_or_reinstates_and_restrictions_work_while_paused() {
    let mut w = world();
    let (id, _) = issue(&mut w, 1);
    for stranger in [w.pharmacy, w.maker] {
        w.s.set_actor(stranger);
        w.s.assert_refused(c::SUSPEND, id, Error::NotParty);
        w.s.assert_refused(c::REVOKE, id, Error::NotParty);
    }
    // The contract's governor may suspend (an authority), never revoke.
    let governor = w.s.admin();
    w.s.set_actor(governor);
    w.s.assert_refused(c::REVOKE, id, Error::NotParty);
    w.s.set_actor(w.clinic);
    w.s.tx(c::SUSPEND, id).unwrap();
    w.s.set_actor(w.pharmacy);
    w.s.assert_refused(c::REINSTATE, id, Error::NotParty);
    w.s.set_actor(w.clinic);
    w.s.assert_refused(c::SUSPEND, 77, Error::CredentialNotFound);

    // Every contract paused, the issuer's role suspended: revoking still works; its audit entry
    // waits in the queue and is flushed once the log takes entries again.
    let admin = w.s.admin();
    w.s.set_actor(admin);
    w.s.tx(registry::SUSPEND_ORGANISATION, w.clinic).unwrap();
    for contract in Contract::ALL {
        w.s.tx(govern(contract), GovAction::SetPaused(true))
            .unwrap();
    }
    w.s.set_actor(w.clinic);
    w.s.tx(c::REVOKE, id).unwrap();
    assert_eq!(
        view::credential(&mut w.s.chain, id).unwrap().status,
        CredentialStatus::Revoked
    );
    assert_eq!(
        view::deferred_audit(&mut w.s.chain, Contract::Credentials).len(),
        1
    );
    w.s.assert_refused(
        c::ISSUE,
        (
            digest(b"r"),
            3u8,
            DrugRef {
                batch: 0,
                serial: 2,
            },
        ),
        Error::Paused,
    );
    w.s.set_actor(admin);
    w.s.tx(govern(Contract::AuditLog), GovAction::SetPaused(false))
        .unwrap();
    w.s.tx(c::FLUSH_AUDIT, ()).unwrap();
    assert!(view::deferred_audit(&mut w.s.chain, Contract::Credentials).is_empty());
}

#[test]
fn revoking_frees_the_dose_for_a_corrected_credential_by_the_same_issuer_only() {
    let mut w = world();
    let (first, first_wallet) = issue(&mut w, 1);
    let wallet = build(&claims(), &w.key.public()).unwrap();
    let dose = DrugRef {
        batch: w.batch,
        serial: 1,
    };
    // A suspended credential still holds its dose: it may be reinstated.
    w.s.set_actor(w.clinic);
    w.s.tx(c::SUSPEND, first).unwrap();
    w.s.assert_refused(c::ISSUE, (wallet.root, wallet.depth, dose), Error::DoseUsed);
    // Revoked, the dose is free again, but only for the clinic that administered it.
    w.s.tx(c::REVOKE, first).unwrap();
    let other_clinic = w.s.organisation("other-clinic", &[Role::Provider]);
    w.s.set_actor(other_clinic);
    w.s.assert_refused(
        c::ISSUE,
        (wallet.root, wallet.depth, dose),
        Error::DoseNotAdministered,
    );
    let (second, wallet) = issue(&mut w, 1);
    assert_ne!(second, first);
    w.s.set_actor(w.clinic);
    w.s.assert_refused(c::ISSUE, (wallet.root, wallet.depth, dose), Error::DoseUsed);
    // The old credential stays revoked; the corrected one verifies.
    let challenge = digest(b"venue-challenge");
    let old = present(
        &mut w,
        &first_wallet,
        first,
        &["fully-vaccinated:840539006"],
        &challenge,
    );
    let new = present(
        &mut w,
        &wallet,
        second,
        &["fully-vaccinated:840539006"],
        &challenge,
    );
    assert_eq!(verify(&mut w, &new), PresentationVerdict::Valid);
    assert_eq!(verify(&mut w, &old), PresentationVerdict::Revoked);
}

/// Finding (round 3): "credentials of a suspended or revoked issuer keep verifying `Valid`, and
/// only the issuer can suspend or revoke its credentials". The issuer's standing is checked at
/// every verification; a governor or a regulator suspends an issuer's credential, and only an
/// authority lifts that.
#[test]
fn an_issuer_in_bad_standing_vouches_for_nothing_and_authorities_suspend_its_credentials() {
    let mut w = world();
    let (id, wallet) = issue(&mut w, 1);
    let mut round = 0u8;
    let mut check = |w: &mut World| {
        round += 1;
        let p = present(
            w,
            &wallet,
            id,
            &["dose"],
            &digest(&[b"round".as_slice(), &[round]].concat()),
        );
        verify(w, &p)
    };
    assert_eq!(check(&mut w), PresentationVerdict::Valid);
    let admin = w.s.admin();
    w.s.set_actor(admin);
    w.s.tx(registry::SUSPEND_ORGANISATION, w.clinic).unwrap();
    assert_eq!(check(&mut w), PresentationVerdict::IssuerNotInGoodStanding);
    w.s.set_actor(admin);
    w.s.tx(registry::REINSTATE_ORGANISATION, w.clinic).unwrap();
    assert_eq!(check(&mut w), PresentationVerdict::Valid);

    // A stranger suspends nothing; the credentials contract's governor and a regulator may.
    let stranger = w.s.actor("stranger");
    w.s.set_actor(stranger);
    w.s.assert_refused(c::SUSPEND, id, Error::NotParty);
    let regulator = w.s.organisation("medicines-agency", &[Role::Regulator]);
    w.s.set_actor(regulator);
    // Revoking for good stays the issuer's.
    w.s.assert_refused(c::REVOKE, id, Error::NotParty);
    w.s.tx(c::SUSPEND, id).unwrap();
    assert!(view::credential(&mut w.s.chain, id).unwrap().authority_hold);
    assert_eq!(check(&mut w), PresentationVerdict::Suspended);
    // The issuer cannot lift an authority's suspension; an authority can.
    w.s.set_actor(w.clinic);
    w.s.assert_refused(c::REINSTATE, id, Error::NotParty);
    w.s.set_actor(admin);
    w.s.tx(c::REINSTATE, id).unwrap();
    assert_eq!(check(&mut w), PresentationVerdict::Valid);
    w.s.set_actor(admin);
    w.s.tx(c::SUSPEND, id).unwrap();
    assert_eq!(check(&mut w), PresentationVerdict::Suspended);
}

/// Finding (round 3): "any dispenser holding one pack can make every credential from the lot fail
/// and no message ever clears a suspect flag". A suspect flag taints only its own serial's
/// dose; the manufacturer or a regulator clears it after an investigation (logged), and the
/// credential verifies again. Nobody else clears one.
#[test]
fn a_suspect_serial_taints_only_its_own_dose_and_an_investigation_clears_it() {
    let mut w = world();
    let (first, first_wallet) = issue(&mut w, 1);
    let (second, second_wallet) = issue(&mut w, 2);
    let mut round = 0u8;
    let mut check = |w: &mut World, id, wallet: &Wallet| {
        round += 1;
        let p = present(
            w,
            wallet,
            id,
            &["dose"],
            &digest(&[b"r".as_slice(), &[round]].concat()),
        );
        verify(w, &p)
    };
    // A pack carrying serial 1 again turns up at the pharmacy: serial 1 is suspect.
    w.s.set_actor(w.pharmacy);
    assert_eq!(
        w.s.tx(p::DISPENSE, (w.batch, 1u64)).unwrap(),
        DispenseOutcome::FlaggedSuspect
    );
    assert_eq!(
        check(&mut w, first, &first_wallet),
        PresentationVerdict::DoseSuspect
    );
    assert_eq!(
        check(&mut w, second, &second_wallet),
        PresentationVerdict::Valid
    );
    // Neither the pharmacy that flagged it, nor the issuer, nor a stranger clears it.
    for who in [w.pharmacy, w.clinic, w.s.actor("stranger")] {
        w.s.set_actor(who);
        w.s.assert_refused(p::CLEAR_SUSPECT, (w.batch, 1u64), Error::NotParty);
    }
    w.s.set_actor(w.maker);
    w.s.assert_refused(p::CLEAR_SUSPECT, (w.batch, 3u64), Error::NotSuspect);
    let before = view::audit_root(&mut w.s.chain).count;
    w.s.tx(p::CLEAR_SUSPECT, (w.batch, 1u64)).unwrap();
    let entry = view::audit_entry(&mut w.s.chain, before).unwrap();
    assert_eq!(
        (
            entry.record.action,
            entry.record.subject,
            entry.record.actor
        ),
        (
            AuditAction::SerialCleared,
            AuditSubject::Serial(w.batch, 1),
            w.maker
        )
    );
    assert_eq!(
        w.s.events::<carechain_common::events::provenance::SuspectCleared>()[0].serial,
        1
    );
    assert_eq!(
        check(&mut w, first, &first_wallet),
        PresentationVerdict::Valid
    );
    w.s.set_actor(w.maker);
    w.s.assert_refused(p::CLEAR_SUSPECT, (w.batch, 1u64), Error::NotSuspect);
}
