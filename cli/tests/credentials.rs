//! The credential commands end to end on the in-process chain: the holder makes a key, the
//! clinic builds a credential from a FHIR R4 Immunization and issues it for a dose it
//! administered, the holder presents one claim, the venue verifies it off chain and on chain;
//! after a recall the verdict says so.

use carechain_backend_node::{parse_ss58, ss58};
use carechain_cli::commands::{exit, run, Command, CredentialCommand as C, Output};
use carechain_common::*;
use carechain_sdk::msg::provenance as p;
use carechain_sdk::{digest, ChainRead, ChainWrite};
use carechain_tests::Suite;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::result::Result;

fn path(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("carechain-cli-cred-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

fn cmd(s: &mut Suite, c: C) -> Result<Output, (i32, String)> {
    run(&mut s.chain, Command::Credential(c), parse_ss58).map_err(|e| (e.code, e.message))
}

#[test]
fn holder_clinic_and_venue_run_the_credential_commands() {
    let mut s = Suite::deploy();
    let maker = s.organisation("vaxgen", &[Role::Manufacturer]);
    let clinic = s.organisation("city-clinic", &[Role::Provider]);
    s.set_actor(maker);
    let now = s.now();
    let batch = s
        .tx(
            p::REGISTER_BATCH,
            (
                Gtin(10_614_141_000_415),
                LotNumber(b"VAX-9".to_vec()),
                now + 90 * 86_400_000,
                1u64,
                10u64,
                10u64,
                digest(b"release"),
            ),
        )
        .unwrap();
    let t = s
        .tx(p::SHIP, (batch, clinic, 5u64, digest(b"despatch")))
        .unwrap();
    s.set_actor(clinic);
    s.tx(p::ACCEPT, (batch, t)).unwrap();
    s.tx(p::DISPENSE, (batch, 3u64)).unwrap();

    // The holder's key: the secret goes to a 0600 file and is never printed.
    let key_file = path("holder.key");
    let out = cmd(
        &mut s,
        C::HolderKey {
            out: key_file.clone(),
        },
    )
    .unwrap();
    let public = out.json["holderPublicKey"].as_str().unwrap().to_owned();
    let secret = std::fs::read_to_string(&key_file).unwrap();
    assert!(!out.json.to_string().contains(secret.trim()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    // The clinic builds the credential from its FHIR Immunization (valid R4B) and issues it.
    let immunization = json!({
        "resourceType": "Immunization", "status": "completed",
        "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "208"}]},
        "patient": {"reference": "Patient/example"},
        "occurrenceDateTime": "2026-01-01T10:00:00Z", "lotNumber": "VAX-9",
        "protocolApplied": [{"doseNumberPositiveInt": 2, "seriesDosesPositiveInt": 2,
            "targetDisease": [{"coding": [{"system": "http://snomed.info/sct", "code": "840539006"}]}]}],
    });
    let source = path("immunization.json");
    std::fs::write(&source, immunization.to_string()).unwrap();
    let wallet = path("wallet.json");
    let built = cmd(
        &mut s,
        C::Build {
            immunization: source,
            holder: public,
            extra: vec!["age-18-plus@2026-01-01=yes".into()],
            out: wallet.clone(),
        },
    )
    .unwrap();
    assert_eq!(built.json["depth"], 3);
    s.set_actor(clinic);
    let issued = cmd(
        &mut s,
        C::Issue {
            wallet: wallet.clone(),
            batch,
            serial: 3,
        },
    )
    .unwrap();
    let id = issued.json["result"]["credential"].as_u64().unwrap();
    let (code, message) = cmd(
        &mut s,
        C::Issue {
            wallet: wallet.clone(),
            batch,
            serial: 4,
        },
    )
    .unwrap_err();
    assert_eq!(code, exit::REFUSED);
    assert!(message.starts_with("DoseNotAdministered"), "{message}");

    // The holder presents "fully vaccinated" to the venue's challenge.
    let venue = s.actor("venue");
    let challenge = hex::encode([7u8; 32]);
    let presentation = path("presentation.json");
    let present = |s: &mut Suite, challenge: &str| {
        cmd(
            s,
            C::Present {
                wallet: wallet.clone(),
                holder_key_file: key_file.clone(),
                credential: id,
                challenge: challenge.to_owned(),
                verifier: ss58(&venue),
                claims: "fully-vaccinated:840539006".into(),
                out: presentation.clone(),
            },
        )
        .unwrap()
    };
    present(&mut s, &challenge);
    #[cfg(unix)]
    {
        // It holds the claims shown in the clear: only the holder reads it.
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&presentation)
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
    }
    let text = std::fs::read_to_string(&presentation).unwrap();
    assert!(
        !text.contains(&hex::encode(b"2026-01-01")) && !text.contains(&hex::encode(b"VAX-9")),
        "neither date nor lot revealed"
    );
    s.set_actor(venue);
    let verify = |s: &mut Suite, log: bool| {
        cmd(
            s,
            C::Verify {
                presentation: presentation.clone(),
                verifier: None,
                log,
            },
        )
        .unwrap()
    };
    let offline = verify(&mut s, false);
    assert_eq!(
        (offline.exit, offline.json["verdict"].as_str()),
        (0, Some("Valid"))
    );
    assert_eq!(
        offline.json["shown"],
        json!([{"name": "fully-vaccinated:840539006", "value": "yes"}])
    );
    let logged = verify(&mut s, true);
    assert_eq!(logged.json["onChainVerdict"], "Valid");
    assert!(logged.json["auditEntry"].is_u64());
    // The same presentation again on chain is a replay; another verifier cannot use it at all.
    let replayed = verify(&mut s, true);
    assert_eq!(
        (replayed.exit, replayed.json["onChainVerdict"].as_str()),
        (exit::NEGATIVE, Some("Replayed"))
    );
    let elsewhere = cmd(
        &mut s,
        C::Verify {
            presentation: presentation.clone(),
            verifier: Some(ss58(&clinic)),
            log: false,
        },
    )
    .unwrap();
    assert_eq!(elsewhere.json["verdict"], "BadSignature");

    // A tampered presentation and a recall: exit 5, the reason named.
    let mut tampered: Value = serde_json::from_str(&text).unwrap();
    tampered["claims"][0]["value"] = json!(hex::encode(b"no!"));
    std::fs::write(&presentation, tampered.to_string()).unwrap();
    let bad = verify(&mut s, false);
    assert_eq!(
        (bad.exit, bad.json["verdict"].as_str()),
        (exit::NEGATIVE, Some("BadProof(0)"))
    );
    s.set_actor(maker);
    s.tx(p::RECALL, (batch, RecallReason::Contamination))
        .unwrap();
    present(&mut s, &hex::encode([8u8; 32]));
    s.set_actor(venue);
    let recalled = verify(&mut s, true);
    assert_eq!(
        (
            recalled.exit,
            recalled.json["verdict"].as_str(),
            recalled.json["onChainVerdict"].as_str()
        ),
        (exit::NEGATIVE, Some("LotRecalled"), Some("LotRecalled"))
    );

    // Only the issuer suspends.
    let (code, message) = cmd(&mut s, C::Suspend { id }).unwrap_err();
    assert_eq!(code, exit::REFUSED);
    assert!(message.starts_with("NotParty"), "{message}");
    s.set_actor(clinic);
    assert_eq!(cmd(&mut s, C::Revoke { id }).unwrap().exit, 0);
    assert_eq!(
        cmd(&mut s, C::Show { id }).unwrap().json["status"],
        "Revoked"
    );
}
