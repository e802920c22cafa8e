//! The record gateway over HTTP on 127.0.0.1, reading the in-process chain: uploads (author,
//! anchored hash, write-once, size), downloads (the release rule against real audit entries),
//! and every authentication refusal (unsigned, wrong signature, stale, replayed, another
//! gateway's request). The release rule's forged-entry cases are in `gateway/src/release.rs`.

use carechain_common::*;
use carechain_gateway::{open_store, spawn, Config, Gateway};
use carechain_sdk::deploy::{organisation, patient};
use carechain_sdk::gateway::protocol::{org_slot, signing_payload, Authorization, PATIENT_SLOT};
use carechain_sdk::gateway::GatewayClient;
use carechain_sdk::keys::key_for;
use carechain_sdk::msg::{access, consent, registry};
use carechain_sdk::{new_record_id, ChainRead, ChainWrite, Shared};
use carechain_tests::chain::Chain;
use carechain_tests::Suite;
use carechain_vault as vault;
use ink::primitives::AccountId;

struct World {
    l: Shared<Chain>,
    gw: GatewayClient,
    hospital: AccountId,
    researcher: AccountId,
    alice: AccountId,
    patient: PatientId,
}

const MAX_BODY: usize = 4096;

fn world() -> World {
    let suite = Suite::deploy();
    let mut l = Shared::new(suite.chain);
    let hospital = organisation(&mut l, "gw-hospital", &[Role::Provider]);
    let researcher = organisation(&mut l, "gw-researcher", &[Role::Researcher]);
    let (alice, patient) = patient(&mut l, "gw-alice");
    let now = l.now();
    l.set_actor(alice);
    l.tx(
        consent::CREATE_GRANT,
        (
            patient,
            Grantee::Account(hospital),
            GrantScope {
                categories: CategorySet::of(&[DataCategory::Laboratory]),
                purposes: PurposeSet::of(&[Purpose::Treatment]),
                valid_from: now,
                valid_until: now + DAY_MS,
            },
            Effect::Permit,
        ),
    )
    .unwrap();
    let dir = std::env::temp_dir().join(format!(
        "carechain-gw-test-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    let store = open_store(&dir.display().to_string()).unwrap();
    let config = Config {
        id: "gw-test".into(),
        max_body: MAX_BODY,
        ..Config::default()
    };
    let gateway = Gateway::new(config, l.clone(), store);
    let address = spawn(gateway, "127.0.0.1:0".parse().unwrap()).unwrap();
    World {
        l,
        gw: GatewayClient::new(&format!("http://{address}"), "gw-test"),
        hospital,
        researcher,
        alice,
        patient,
    }
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64
}

/// The hospital anchors `plaintext` encrypted; the record id, blob and data key.
fn anchor(w: &mut World, plaintext: &[u8]) -> (RecordId, Vec<u8>, vault::DataKey) {
    let id = new_record_id(&mut w.l);
    let (blob, key) = vault::seal(id, 1, plaintext).unwrap();
    w.l.set_actor(w.hospital);
    let write =
        w.l.tx(
            consent::ADD_RECORD,
            (
                id,
                w.patient,
                DataCategory::Laboratory,
                Purpose::Treatment,
                Digest(vault::content_hash(&blob)),
                EncryptedLocator(b"sealed".to_vec()),
            ),
        )
        .unwrap();
    assert_eq!(write.record, Some(id));
    (id, blob, key)
}

/// `who` asks the chain for the record; the entry number of the decision.
fn read(l: &mut Shared<Chain>, who: AccountId, record: RecordId, purpose: Purpose) -> u64 {
    l.set_actor(who);
    l.tx(access::ACCESS_RECORD, (record, purpose))
        .unwrap()
        .decision
        .audit_seq
}

fn code<T: std::fmt::Debug>(
    answer: std::result::Result<T, carechain_sdk::gateway::GatewayError>,
) -> (u16, String) {
    let e = answer.expect_err("refused");
    (e.status, e.code)
}

#[test]
fn uploads_are_the_authors_anchored_and_write_once() {
    let mut w = world();
    let (id, blob, key) = anchor(&mut w, b"potassium 4.1 mmol/L");
    let l = &w.l;
    assert_eq!(
        code(w.gw.put_blob(l, w.researcher, id, blob.clone())),
        (403, "not-author".into())
    );
    let mut altered = blob.clone();
    altered[30] ^= 1;
    assert_eq!(
        code(w.gw.put_blob(l, w.hospital, id, altered)),
        (422, "hash-mismatch".into())
    );
    assert_eq!(
        code(w.gw.put_blob(l, w.hospital, 999, blob.clone())),
        (404, "not-found".into())
    );
    w.gw.put_blob(l, w.hospital, id, blob.clone()).unwrap();
    assert_eq!(
        code(w.gw.put_blob(l, w.hospital, id, blob.clone())),
        (409, "exists".into()),
        "write-once"
    );
    // Keys: 80 bytes, from a key holder, once per slot.
    let wrapped = vault::wrap(&key, &vault::PublicKey(key_for("gw-hospital").0), id, 1).unwrap();
    let slot = org_slot(&w.hospital);
    assert_eq!(
        code(w.gw.put_key(l, w.hospital, id, &slot, wrapped[..40].to_vec())),
        (400, "bad-request".into())
    );
    assert_eq!(
        code(w.gw.put_key(l, w.researcher, id, &slot, wrapped.clone())),
        (403, "not-key-holder".into())
    );
    w.gw.put_key(l, w.hospital, id, &slot, wrapped.clone())
        .unwrap();
    assert_eq!(
        code(w.gw.put_key(l, w.hospital, id, &slot, wrapped)),
        (409, "exists".into())
    );
}

#[test]
fn a_too_large_upload_is_refused() {
    let mut w = world();
    let (id, blob, _) = anchor(&mut w, &vec![7u8; MAX_BODY]);
    assert!(blob.len() > MAX_BODY);
    assert_eq!(
        code(w.gw.put_blob(&w.l, w.hospital, id, blob)),
        (413, "too-large".into())
    );
}

#[test]
fn downloads_follow_the_chains_decision() {
    let mut w = world();
    let (id, blob, key) = anchor(&mut w, b"creatinine 80 umol/L");
    w.gw.put_blob(&w.l, w.hospital, id, blob.clone()).unwrap();
    let wrapped = vault::wrap(&key, &vault::PublicKey(key_for("gw-hospital").0), id, 1).unwrap();
    w.gw.put_key(&w.l, w.hospital, id, &org_slot(&w.hospital), wrapped)
        .unwrap();
    let alice_key = vault::wrap(&key, &vault::PublicKey(key_for("gw-alice").0), id, 1).unwrap();
    w.gw.put_key(&w.l, w.hospital, id, PATIENT_SLOT, alice_key)
        .unwrap();

    // Granted: blob and the signer's own key; it decrypts.
    let granted = read(&mut w.l, w.hospital, id, Purpose::Treatment);
    let got = w.gw.get_blob(&w.l, w.hospital, id, granted).unwrap();
    assert_eq!(got, blob);
    let mine = w.gw.get_key(&w.l, w.hospital, id, granted).unwrap();
    let opened = vault::unwrap(
        &carechain_sdk::keys::demo_secret("gw-hospital"),
        &mine,
        id,
        1,
    )
    .unwrap();
    assert_eq!(
        &vault::open(&opened, id, 1, &got).unwrap()[..],
        b"creatinine 80 umol/L"
    );
    // The patient reads on the patient-side basis, into the patient slot.
    let own = read(&mut w.l, w.alice, id, Purpose::Treatment);
    assert!(w.gw.get_key(&w.l, w.alice, id, own).is_ok());

    // Denied, someone else's entry, another record's entry, no entry.
    let denied = read(&mut w.l, w.researcher, id, Purpose::Research);
    assert_eq!(
        code(w.gw.get_blob(&w.l, w.researcher, id, denied)),
        (403, "not-granted".into())
    );
    assert_eq!(
        code(w.gw.get_blob(&w.l, w.researcher, id, granted)),
        (403, "not-the-requester".into())
    );
    let (other, _, _) = anchor(&mut w, b"another");
    assert_eq!(
        code(w.gw.get_blob(&w.l, w.hospital, other, granted)),
        (403, "other-record".into())
    );
    assert_eq!(
        code(w.gw.get_blob(&w.l, w.hospital, id, 10_000)),
        (403, "no-such-entry".into())
    );
    // A granted read of a record whose blob was never uploaded.
    let unuploaded = read(&mut w.l, w.hospital, other, Purpose::Treatment);
    assert_eq!(
        code(w.gw.get_blob(&w.l, w.hospital, other, unuploaded)),
        (404, "not-found".into())
    );

    // After revocation the earlier granted entry releases nothing.
    w.l.set_actor(w.alice);
    let grants = carechain_sdk::view::patient_grants(&mut w.l, w.patient, 0, 0).items;
    w.l.tx(consent::REVOKE_GRANT, grants[0].id).unwrap();
    assert_eq!(
        code(w.gw.get_blob(&w.l, w.hospital, id, granted)),
        (403, "revoked-since".into())
    );
    // A recovery or a controller change ends the patient side's standing too.
    let heir = w.l.actor("gw-heir");
    w.l.set_actor(w.alice);
    w.l.tx(registry::PROPOSE_CONTROLLER, (w.patient, Some(heir)))
        .unwrap();
    w.l.set_actor(heir);
    w.l.tx(registry::ACCEPT_CONTROL, w.patient).unwrap();
    assert_eq!(
        code(w.gw.get_key(&w.l, w.alice, id, own)),
        (403, "revoked-since".into())
    );
}

#[test]
fn unsigned_forged_stale_and_replayed_requests_are_refused() {
    let mut w = world();
    let (id, blob, _) = anchor(&mut w, b"sodium 140");
    w.gw.put_blob(&w.l, w.hospital, id, blob).unwrap();
    let granted = read(&mut w.l, w.hospital, id, Purpose::Treatment);
    let path = format!("/v1/records/{id}?entry={granted}");
    let sign = |account: AccountId, signer: AccountId, gateway: &str, ts: u64, nonce: [u8; 16]| {
        let payload = signing_payload(gateway, "GET", &path, b"", ts, &nonce);
        Authorization {
            account,
            ts,
            nonce,
            signature: w.l.sign(&signer, &payload).unwrap(),
        }
        .header()
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let refused = |header: Option<&str>| {
        let e =
            w.gw.send("GET", &path, header, Vec::new())
                .expect_err("refused");
        (e.status, e.code)
    };
    assert_eq!(refused(None), (401, "unsigned".into()));
    assert_eq!(refused(Some("Bearer abc")), (401, "unsigned".into()));
    // Signed by the researcher, claiming to be the hospital.
    let forged = sign(w.hospital, w.researcher, "gw-test", now, [1; 16]);
    assert_eq!(refused(Some(&forged)), (401, "bad-signature".into()));
    // Signed for another gateway.
    let elsewhere = sign(w.hospital, w.hospital, "gw-other", now, [2; 16]);
    assert_eq!(refused(Some(&elsewhere)), (401, "bad-signature".into()));
    // Ten minutes old, and ten minutes ahead.
    let stale = sign(w.hospital, w.hospital, "gw-test", now - 600_000, [3; 16]);
    assert_eq!(refused(Some(&stale)), (401, "stale".into()));
    let ahead = sign(w.hospital, w.hospital, "gw-test", now + 600_000, [4; 16]);
    assert_eq!(refused(Some(&ahead)), (401, "stale".into()));
    // Good once; the same request again is a replay.
    let good = sign(w.hospital, w.hospital, "gw-test", now, [5; 16]);
    assert!(w.gw.send("GET", &path, Some(&good), Vec::new()).is_ok());
    assert_eq!(refused(Some(&good)), (401, "replayed".into()));
}
