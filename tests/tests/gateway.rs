//! The record gateway over HTTP on 127.0.0.1, reading the in-process chain: uploads (author,
//! anchored hash, write-once, size), downloads (the release rule against real audit entries),
//! and every authentication refusal (unsigned, wrong signature, stale, replayed, another
//! gateway's request), and what bounds a stranger: refusal on headers before a body is read,
//! the signed body hash, unknown accounts, rate limits, header and body timeouts, and a grant
//! narrowed after a read; key slots addressed by recipient key, so nothing is lost across a
//! recovery or a key rotation, and no writer can spoil another's wrapped key. The release
//! rule's forged-entry cases are in `sdk/src/gateway/release.rs`.
//!
//! The store is a temporary directory, or the S3 store `CARECHAIN_TEST_STORE` names
//! (`s3://bucket/prefix`, credentials and endpoint in `AWS_*`): `scripts/test.sh` runs this
//! file a second time on a Garage server (`scripts/garage.sh`), which ignores conditional
//! writes, so write-once is tested where it cannot rest on them.

use carechain_common::*;
use carechain_gateway::{open_store, spawn, Config, Gateway};
use carechain_sdk::deploy::{organisation, patient};
use carechain_sdk::gateway::protocol::{key_slot, signing_payload, Authorization};
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
    /// The store the gateway writes to (a directory or an S3 URL).
    store: String,
    address: std::net::SocketAddr,
    gw: GatewayClient,
    hospital: AccountId,
    researcher: AccountId,
    alice: AccountId,
    patient: PatientId,
}

const MAX_BODY: usize = 4096;

fn world() -> World {
    world_with(|_| {})
}

fn world_with(adjust: impl FnOnce(&mut Config)) -> World {
    let suite = Suite::deploy();
    let mut l = Shared::new(suite.chain);
    let hospital = organisation(&mut l, "gw-hospital", &[Role::Provider]);
    let researcher = organisation(&mut l, "gw-researcher", &[Role::Researcher]);
    let (alice, patient) = patient(&mut l, "gw-alice");
    grant(&mut l, alice, patient, hospital, Effect::Permit);
    let run = format!("carechain-gw-test-{}-{}", std::process::id(), rand_suffix());
    let spec = match std::env::var("CARECHAIN_TEST_STORE") {
        Ok(s3) if !s3.is_empty() => format!("{}/{run}", s3.trim_end_matches('/')),
        _ => std::env::temp_dir().join(run).display().to_string(),
    };
    let store = open_store(&spec).unwrap();
    let mut config = Config {
        id: "gw-test".into(),
        max_body: MAX_BODY,
        ..Config::default()
    };
    adjust(&mut config);
    let gateway = Gateway::new(config, l.clone(), store);
    let address = spawn(gateway, "127.0.0.1:0".parse().unwrap()).unwrap();
    World {
        l,
        store: spec,
        address,
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

/// `by` (the patient's side) grants `grantee` laboratory data for treatment for a day, or denies it.
fn grant(
    l: &mut Shared<Chain>,
    by: AccountId,
    patient: PatientId,
    grantee: AccountId,
    effect: Effect,
) {
    let now = l.now();
    l.set_actor(by);
    l.tx(
        consent::CREATE_GRANT,
        (
            patient,
            Grantee::Account(grantee),
            GrantScope {
                categories: CategorySet::of(&[DataCategory::Laboratory]),
                purposes: PurposeSet::of(&[Purpose::Treatment]),
                valid_from: now,
                valid_until: now + DAY_MS,
            },
            effect,
        ),
    )
    .unwrap();
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
    let slot = key_slot(&key_for("gw-hospital").0);
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
    w.gw.put_key(
        &w.l,
        w.hospital,
        id,
        &key_slot(&key_for("gw-hospital").0),
        wrapped,
    )
    .unwrap();
    let alice_key = vault::wrap(&key, &vault::PublicKey(key_for("gw-alice").0), id, 1).unwrap();
    w.gw.put_key(
        &w.l,
        w.hospital,
        id,
        &key_slot(&key_for("gw-alice").0),
        alice_key,
    )
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

/// Send raw bytes on a fresh connection (then `rest` after `pause`, if any) and read what the
/// gateway answers until it closes or 10 s pass: the answer's status line and body, or
/// `None` when it closed without one.
fn raw(
    address: std::net::SocketAddr,
    head: &str,
    rest: Option<(&[u8], std::time::Duration)>,
) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    if let Some((bytes, pause)) = rest {
        std::thread::sleep(pause);
        let _ = stream.write_all(bytes);
    }
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                answer.extend_from_slice(&buffer[..n]);
                let text = String::from_utf8_lossy(&answer);
                // One whole JSON answer is enough (the connection may stay open).
                if text.contains("\r\n\r\n{") && text.ends_with('}') {
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!("no answer and no close within 10 s: {e}"),
        }
    }
    (!answer.is_empty()).then(|| String::from_utf8_lossy(&answer).into_owned())
}

/// The status and refusal code of a raw answer.
fn status_of(answer: &str) -> (u16, String) {
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let code = answer
        .split("\"error\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("")
        .to_owned();
    (status, code)
}

/// A signed upload's head for `body`, with `extra` header lines (its length, its hash).
fn upload_head(w: &World, signer: AccountId, path: &str, body: &[u8], extra: &str) -> String {
    let auth = w.gw.authorize(&w.l, signer, "PUT", path, body).unwrap();
    format!(
        "PUT {path} HTTP/1.1\r\nHost: gw\r\nAuthorization: {auth}\r\n{extra}Connection: close\r\n\r\n"
    )
}

/// Finding (round 3): the gateway read a whole body (up to 64 MiB) before it checked the
/// signature or the author. Now the signed body hash travels in a header: a request is refused
/// on its headers alone, before a byte of the body is sent.
#[test]
fn an_upload_is_refused_on_its_headers_before_its_body_is_read() {
    use carechain_sdk::gateway::protocol::{content_sha256, CONTENT_SHA256};
    let mut w = world();
    let (id, blob, _) = anchor(&mut w, b"troponin 12 ng/L");
    let path = format!("/v1/records/{id}");
    let hash = content_sha256(&blob);
    let length = format!("Content-Length: {}\r\n", blob.len());
    let signed = format!("{CONTENT_SHA256}: {hash}\r\n");
    let over = format!("Content-Length: {}\r\n{signed}", MAX_BODY + 1);
    let chunked = format!("Transfer-Encoding: chunked\r\n{signed}");
    // Each is answered with no body sent at all.
    for (signer, extra, refusal) in [
        // Not the author.
        (
            w.researcher,
            format!("{length}{signed}"),
            (403, "not-author"),
        ),
        // No signed hash header, no declared length, a chunked body.
        (w.hospital, length.clone(), (400, "bad-request")),
        (w.hospital, signed.clone(), (400, "bad-request")),
        (w.hospital, chunked, (400, "bad-request")),
        // A declared length over the limit.
        (w.hospital, over, (413, "too-large")),
    ] {
        let head = upload_head(&w, signer, &path, &blob, &extra);
        let answer = raw(w.address, &head, None).expect("an answer");
        assert_eq!(status_of(&answer), (refusal.0, refusal.1.into()), "{extra}");
    }
    // The signed (anchored) hash with other bytes: the body is not what was signed.
    let mut other = blob.clone();
    other[40] ^= 1;
    let head = upload_head(&w, w.hospital, &path, &blob, &format!("{length}{signed}"));
    let answer = raw(w.address, &head, Some((&other, std::time::Duration::ZERO))).unwrap();
    assert_eq!(status_of(&answer), (401, "bad-signature".into()));
    // Nothing was stored by any of these: the right upload still lands, once.
    w.gw.put_blob(&w.l, w.hospital, id, blob.clone()).unwrap();
    assert_eq!(
        code(w.gw.put_blob(&w.l, w.hospital, id, blob)),
        (409, "exists".into())
    );
}

/// A wrapped key is exactly its sealed length: a longer one is over its route's limit, a
/// shorter one malformed; both are refused on their headers.
#[test]
fn a_wrapped_key_of_the_wrong_length_is_refused() {
    let mut w = world();
    let (id, _, key) = anchor(&mut w, b"hba1c 41");
    let slot = key_slot(&key_for("gw-hospital").0);
    let mut wrapped =
        vault::wrap(&key, &vault::PublicKey(key_for("gw-hospital").0), id, 1).unwrap();
    assert_eq!(wrapped.len(), vault::WRAPPED_LEN);
    let mut longer = wrapped.clone();
    longer.push(0);
    assert_eq!(
        code(w.gw.put_key(&w.l, w.hospital, id, &slot, longer)),
        (413, "too-large".into())
    );
    wrapped.pop();
    assert_eq!(
        code(w.gw.put_key(&w.l, w.hospital, id, &slot, wrapped)),
        (400, "bad-request".into())
    );
}

/// A key the chain has never seen (no balance) is refused, however well it signs: a stranger
/// cannot make up accounts to spend the gateway's chain reads or its rate limiter's memory.
#[test]
fn an_account_the_chain_does_not_hold_is_refused() {
    let mut w = world();
    let (id, blob, _) = anchor(&mut w, b"ferritin 90");
    w.gw.put_blob(&w.l, w.hospital, id, blob).unwrap();
    let granted = read(&mut w.l, w.hospital, id, Purpose::Treatment);
    let stranger = carechain_sdk::keys::demo_signer("gw-stranger-never-funded");
    let account = carechain_sdk::keys::account_of(&stranger);
    assert_eq!(w.l.balance(&account), 0);
    let path = format!("/v1/records/{id}?entry={granted}");
    let nonce = [9u8; 16];
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let payload = signing_payload("gw-test", "GET", &path, b"", ts, &nonce);
    let header = Authorization {
        account,
        ts,
        nonce,
        signature: stranger.sign(&payload).0,
    }
    .header();
    let e =
        w.gw.send("GET", &path, Some(&header), Vec::new())
            .unwrap_err();
    assert_eq!((e.status, e.code.as_str()), (403, "unknown-account"));
}

/// One account's requests are rate limited (a token bucket): past its burst it is refused
/// with 429 and served again later; another account is not affected.
#[test]
fn an_account_past_its_burst_is_rate_limited() {
    let mut w = world_with(|c| {
        c.rate_per_sec = 1;
        c.burst = 3;
    });
    let (id, blob, _) = anchor(&mut w, b"tsh 2.1");
    w.gw.put_blob(&w.l, w.hospital, id, blob).unwrap(); // one token
    let granted = read(&mut w.l, w.hospital, id, Purpose::Treatment);
    let mut answers = Vec::new();
    for _ in 0..4 {
        answers.push(w.gw.get_blob(&w.l, w.hospital, id, granted).map(|_| ()));
    }
    assert!(answers[0].is_ok(), "{answers:?}");
    let limited = answers
        .iter()
        .filter(|a| matches!(a, Err(e) if e.status == 429 && e.code == "rate-limited"))
        .count();
    assert!(limited >= 1, "{answers:?}");
    // Another account still gets its own answer (a refusal on the chain's rule, not 429).
    assert_eq!(
        code(w.gw.get_blob(&w.l, w.researcher, id, granted)),
        (403, "not-the-requester".into())
    );
    // The bucket refills.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert!(w.gw.get_blob(&w.l, w.hospital, id, granted).is_ok());
}

/// Headers that never finish and a body that stalls hold a connection only as long as their
/// timeouts.
#[test]
fn slow_headers_and_slow_bodies_time_out() {
    use carechain_sdk::gateway::protocol::{content_sha256, CONTENT_SHA256};
    let mut w = world_with(|c| {
        c.header_timeout = std::time::Duration::from_secs(1);
        c.body_timeout = std::time::Duration::from_secs(1);
    });
    let (id, blob, _) = anchor(&mut w, b"lipase 30");
    // Half a request line, never finished: the connection is closed (no answer or a 408).
    let answer = raw(w.address, "GET /v1/health HTTP/1.1\r\nHost: gw\r\n", None);
    if let Some(answer) = answer {
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    }
    // A signed upload whose body stops halfway: 408 body-timeout, nothing stored.
    let path = format!("/v1/records/{id}");
    let hash = content_sha256(&blob);
    let head = upload_head(
        &w,
        w.hospital,
        &path,
        &blob,
        &format!(
            "Content-Length: {}\r\n{CONTENT_SHA256}: {hash}\r\n",
            blob.len()
        ),
    );
    let half = &blob[..blob.len() / 2];
    let answer = raw(w.address, &head, Some((half, std::time::Duration::ZERO))).unwrap();
    assert_eq!(status_of(&answer), (408, "body-timeout".into()));
    w.gw.put_blob(&w.l, w.hospital, id, blob).unwrap();
}

/// Finding (round 3): the gateway released on a granted entry whose basis (the grant) still
/// existed, even when the patient had since narrowed access (a deny rule): it did not re-run
/// the access rule. Now it does, at the best and the finalized block, and the answer must be
/// the entry's own basis.
#[test]
fn a_read_the_access_rule_would_no_longer_grant_is_not_released() {
    let mut w = world();
    let (id, blob, _) = anchor(&mut w, b"inr 1.1");
    w.gw.put_blob(&w.l, w.hospital, id, blob).unwrap();
    let granted = read(&mut w.l, w.hospital, id, Purpose::Treatment);
    assert!(w.gw.get_blob(&w.l, w.hospital, id, granted).is_ok());
    grant(&mut w.l, w.alice, w.patient, w.hospital, Effect::Deny);
    assert_eq!(
        code(w.gw.get_blob(&w.l, w.hospital, id, granted)),
        (403, "no-longer-granted".into())
    );
}

/// Issue 23 ("nothing lost across recovery and rotation") and the spoiled-slot rule: key slots
/// are addressed by recipient key and each writer has its own position in one. After the
/// patient recovers to a new key, the author re-wraps for it and the patient reads the old
/// record again; after the author rotates its key it re-wraps from its former key's slot for
/// itself; a grantee that is not the author does the same for its own key only; a wrapped key
/// another writer put in a reader's slot to spoil it is passed over.
#[test]
fn nothing_is_lost_across_recovery_and_key_rotation() {
    use carechain_sdk::gateway::{rewrap, share_with};
    use carechain_sdk::keys::demo_secret;
    let mut w = world();
    let (alice, hospital) = (w.alice, w.hospital);
    let (id, blob, key) = anchor(&mut w, b"echocardiogram: EF 55%");
    let l = &w.l;
    w.gw.put_blob(l, w.hospital, id, blob.clone()).unwrap();
    for name in ["gw-alice", "gw-hospital"] {
        let to = vault::PublicKey(key_for(name).0);
        let wrapped = vault::wrap(&key, &to, id, 1).unwrap();
        w.gw.put_key(l, w.hospital, id, &key_slot(&to.0), wrapped)
            .unwrap();
    }
    let opens = |w: &mut World, reader: AccountId, name: &str, purpose: Purpose| {
        let entry = read(&mut w.l, reader, id, purpose);
        let keys = w.gw.get_key(&w.l, reader, id, entry).map_err(|e| e.code)?;
        let got = w.gw.get_blob(&w.l, reader, id, entry).map_err(|e| e.code)?;
        let anchored = vault::content_hash(&blob);
        vault::open_candidates(&demo_secret(name), &keys, id, 1, anchored, &got)
            .map(|p| p.to_vec())
            .map_err(|e| e.to_string())
    };
    let plaintext = b"echocardiogram: EF 55%".to_vec();
    assert_eq!(
        opens(&mut w, alice, "gw-alice", Purpose::Treatment),
        Ok(plaintext.clone())
    );

    // The patient loses the phone: guardians recover control to a new account and key.
    let guardians = [w.l.actor("gw-g1"), w.l.actor("gw-g2")];
    let heir = w.l.actor("gw-alice-new");
    w.l.set_actor(w.alice);
    w.l.tx(
        registry::SET_GUARDIANS,
        (w.patient, guardians.to_vec(), 2u8),
    )
    .unwrap();
    for g in guardians {
        w.l.set_actor(g);
        w.l.tx(registry::APPROVE_RECOVERY, (w.patient, heir))
            .unwrap();
    }
    w.l.lock().advance(carechain_common::DEFAULT_RECOVERY_DELAY);
    w.l.set_actor(heir);
    w.l.tx(
        registry::COMPLETE_RECOVERY,
        (w.patient, key_for("gw-alice-new")),
    )
    .unwrap();
    // Nothing is wrapped for the new key yet.
    assert_eq!(
        opens(&mut w, heir, "gw-alice-new", Purpose::Treatment),
        Err("not-found".into())
    );
    // The patient grants the author again (the recovery ended every earlier grant); the
    // author re-wraps the record's key for the patient's new key; the patient reads it again.
    grant(&mut w.l, heir, w.patient, hospital, Effect::Permit);
    let entry = read(&mut w.l, w.hospital, id, Purpose::Treatment);
    let patient_key = vault::PublicKey(key_for("gw-alice-new").0);
    let hospital_secret = demo_secret("gw-hospital");
    rewrap(
        &w.gw,
        &mut w.l,
        w.hospital,
        &hospital_secret,
        id,
        entry,
        None,
        &patient_key,
    )
    .unwrap();
    assert_eq!(
        opens(&mut w, heir, "gw-alice-new", Purpose::Treatment),
        Ok(plaintext.clone())
    );

    // The hospital rotates its key: its new key's slot is empty until it re-wraps from the
    // former key's slot (asked for by name), and then it reads again with the new key.
    w.l.set_actor(w.hospital);
    w.l.tx(registry::ROTATE_ORGANISATION_KEY, key_for("gw-hospital-2"))
        .unwrap();
    assert_eq!(
        opens(&mut w, hospital, "gw-hospital-2", Purpose::Treatment),
        Err("not-found".into())
    );
    let entry = read(&mut w.l, w.hospital, id, Purpose::Treatment);
    let former = key_slot(&key_for("gw-hospital").0);
    let new_key = vault::PublicKey(key_for("gw-hospital-2").0);
    rewrap(
        &w.gw,
        &mut w.l,
        w.hospital,
        &hospital_secret,
        id,
        entry,
        Some(&former),
        &new_key,
    )
    .unwrap();
    assert_eq!(
        opens(&mut w, hospital, "gw-hospital-2", Purpose::Treatment),
        Ok(plaintext.clone())
    );

    // A grantee that is not the author: the patient shares the record with a clinic; the
    // clinic rotates and re-wraps for its own new key, and for nobody else's.
    let clinic = organisation(&mut w.l, "gw-clinic", &[Role::Provider]);
    grant(&mut w.l, heir, w.patient, clinic, Effect::Permit);
    let own = read(&mut w.l, heir, id, Purpose::Treatment);
    share_with(
        &w.gw,
        &mut w.l,
        heir,
        &demo_secret("gw-alice-new"),
        id,
        own,
        clinic,
    )
    .unwrap();
    assert_eq!(
        opens(&mut w, clinic, "gw-clinic", Purpose::Treatment),
        Ok(plaintext.clone())
    );
    w.l.set_actor(clinic);
    w.l.tx(registry::ROTATE_ORGANISATION_KEY, key_for("gw-clinic-2"))
        .unwrap();
    let entry = read(&mut w.l, clinic, id, Purpose::Treatment);
    let clinic_secret = demo_secret("gw-clinic");
    let from = key_slot(&key_for("gw-clinic").0);
    assert!(rewrap(
        &w.gw,
        &mut w.l,
        clinic,
        &clinic_secret,
        id,
        entry,
        Some(&from),
        &patient_key
    )
    .unwrap_err()
    .contains("not-key-holder"));
    let entry = read(&mut w.l, clinic, id, Purpose::Treatment);
    let clinic_new = vault::PublicKey(key_for("gw-clinic-2").0);
    rewrap(
        &w.gw,
        &mut w.l,
        clinic,
        &clinic_secret,
        id,
        entry,
        Some(&from),
        &clinic_new,
    )
    .unwrap();
    assert_eq!(
        opens(&mut w, clinic, "gw-clinic-2", Purpose::Treatment),
        Ok(plaintext.clone())
    );

    // The patient's side puts a wrapped key of another data key in the hospital's slot: it
    // lands in its own position, and the hospital still opens the record; the patient's side
    // cannot put a second one there.
    let spoiled = vault::wrap(&vault::DataKey::generate().unwrap(), &new_key, id, 1).unwrap();
    let slot = key_slot(&new_key.0);
    w.gw.put_key(&w.l, heir, id, &slot, spoiled.clone())
        .unwrap();
    assert_eq!(
        code(w.gw.put_key(&w.l, heir, id, &slot, spoiled)),
        (409, "exists".into())
    );
    assert_eq!(
        opens(&mut w, hospital, "gw-hospital-2", Purpose::Treatment),
        Ok(plaintext)
    );
    // A key slot is named by a key in lower-case hex, nothing else.
    let entry = read(&mut w.l, w.hospital, id, Purpose::Treatment);
    assert_eq!(
        code(w.gw.get_key_for(&w.l, w.hospital, id, entry, Some("patient"))),
        (400, "bad-request".into())
    );
}

/// Issue 25 ("two gateways, one store"): two gateway servers with nothing in common but the
/// store (their own ids, caches, replay guards and chain readers). A version uploaded through
/// one is refused through the other; either serves it; a request signed for one is refused by
/// the other (requests are bound to the gateway's id, so no replay guard has to be shared).
#[test]
fn two_gateways_on_one_store_share_write_once_and_refuse_each_others_requests() {
    let mut w = world();
    let second = Gateway::new(
        Config {
            id: "gw-test-2".into(),
            max_body: MAX_BODY,
            ..Config::default()
        },
        w.l.clone(),
        open_store(&w.store).unwrap(),
    );
    let b_address = spawn(second, "127.0.0.1:0".parse().unwrap()).unwrap();
    let b = GatewayClient::new(&format!("http://{b_address}"), "gw-test-2");
    let (id, blob, key) = anchor(&mut w, b"troponin 12 ng/L");
    w.gw.put_blob(&w.l, w.hospital, id, blob.clone()).unwrap();
    assert_eq!(
        code(b.put_blob(&w.l, w.hospital, id, blob.clone())),
        (409, "exists".into()),
        "write-once across gateways"
    );
    let slot = key_slot(&key_for("gw-hospital").0);
    let wrapped = vault::wrap(&key, &vault::PublicKey(key_for("gw-hospital").0), id, 1).unwrap();
    b.put_key(&w.l, w.hospital, id, &slot, wrapped.clone())
        .unwrap();
    assert_eq!(
        code(w.gw.put_key(&w.l, w.hospital, id, &slot, wrapped)),
        (409, "exists".into())
    );
    let entry = read(&mut w.l, w.hospital, id, Purpose::Treatment);
    for gateway in [&w.gw, &b] {
        assert_eq!(gateway.get_blob(&w.l, w.hospital, id, entry).unwrap(), blob);
        let keys = gateway.get_key(&w.l, w.hospital, id, entry).unwrap();
        let secret = carechain_sdk::keys::demo_secret("gw-hospital");
        let opened =
            vault::open_candidates(&secret, &keys, id, 1, vault::content_hash(&blob), &blob);
        assert_eq!(&opened.unwrap()[..], b"troponin 12 ng/L");
    }
    // A request signed for the first gateway, sent to the second: refused on its signature.
    let path = format!("/v1/records/{id}?entry={entry}");
    let header = w.gw.authorize(&w.l, w.hospital, "GET", &path, b"").unwrap();
    assert_eq!(
        code(b.send("GET", &path, Some(&header), Vec::new())),
        (401, "bad-signature".into())
    );
    assert_eq!(
        w.gw.send("GET", &path, Some(&header), Vec::new()).unwrap(),
        blob
    );
}
