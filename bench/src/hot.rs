//! The hot paths, measured the same way on every chain (the in-process chain and a node): one
//! world set up through the client, each hot call made once to warm it up and once to measure,
//! and the reference token's `transfer` measured in the same run as the yardstick. Ratios to
//! the token are what the benchmarks report; absolute numbers differ between pallet versions.

use carechain_common::*;
use carechain_sdk::deploy::{digest, organisation, patient};
use carechain_sdk::ledger::{CallReport, ChainWrite};
use carechain_sdk::{msg, Contract};
use ink::primitives::AccountId;

/// A parachain block's proof-of-validity budget (5 MiB).
pub const POV_LIMIT: u64 = 5 * 1024 * 1024;
/// ref_time of one block on a 6 s chain (2 s of execution), in picoseconds.
pub const BLOCK_REF_TIME_2S: u64 = 2_000_000_000_000;

/// Everything the hot calls need, set up once.
pub struct World {
    pub patient_account: AccountId,
    pub hospital: AccountId,
    pub maker: AccountId,
    pub distributor: AccountId,
    pub pharmacy: AccountId,
    pub insurer: AccountId,
    pub patient: PatientId,
    pub record: RecordId,
    pub policy: PolicyId,
    pub gtin: Gtin,
    pub batch: BatchId,
    pub lot: LotNumber,
    /// Claims submitted by the warm-up and measured calls (settled ones too).
    pub lines: u32,
}

/// One measured hot call.
#[derive(Clone, Debug)]
pub struct Hot {
    pub name: &'static str,
    /// How many requests the call serves (16 for the batch), for per-request ratios.
    pub requests: u64,
    /// The contracts whose code the call runs, one entry per call into a contract.
    pub path: &'static [Contract],
    pub report: CallReport,
}

impl Hot {
    pub fn ratio(&self, token: &CallReport) -> (f64, f64) {
        ratio(&self.report, token, self.requests)
    }
}

/// (ref_time, proof_size) of `report` per request, as multiples of the token transfer's.
pub fn ratio(report: &CallReport, token: &CallReport, requests: u64) -> (f64, f64) {
    let per = |x: u64| x as f64 / requests.max(1) as f64;
    (
        per(report.ref_time) / token.ref_time.max(1) as f64,
        per(report.proof_size) / token.proof_size.max(1) as f64,
    )
}

fn ok<T: std::fmt::Debug>(what: &str, answer: Result<T>) -> T {
    answer.unwrap_or_else(|e| panic!("bench setup: {what}: {e:?}"))
}

fn lab_line(n: u32) -> ClaimLine {
    ClaimLine {
        service_ref: digest(format!("hmac(code+date) bench {n}").as_bytes()),
        billed: 1_000,
        drug: None,
    }
}

/// Set up the world on a deployed suite: organisations, a patient with grants for treatment and
/// payment, a record, a batch with its GTIN, escrow and a policy.
pub fn setup<L: ChainWrite>(l: &mut L) -> World {
    let hospital = organisation(l, "bench-hospital", &[Role::Provider]);
    let maker = organisation(l, "bench-maker", &[Role::Manufacturer]);
    let distributor = organisation(l, "bench-distributor", &[Role::Distributor]);
    let pharmacy = organisation(l, "bench-pharmacy", &[Role::Pharmacy]);
    let insurer = organisation(l, "bench-insurer", &[Role::Insurer]);
    let (patient_account, patient) = patient(l, "bench-patient");
    let now = l.now();
    let year = |purpose: Purpose| GrantScope {
        categories: CategorySet::of(&[DataCategory::Laboratory]),
        purposes: PurposeSet::of(&[purpose]),
        valid_from: now,
        valid_until: now + 365 * DAY_MS,
    };
    l.set_actor(patient_account);
    for (grantee, purpose) in [(hospital, Purpose::Treatment), (insurer, Purpose::Payment)] {
        ok(
            "grant",
            l.tx(
                msg::consent::CREATE_GRANT,
                (
                    patient,
                    Grantee::Account(grantee),
                    year(purpose),
                    Effect::Permit,
                ),
            ),
        );
    }
    l.set_actor(hospital);
    let id = carechain_sdk::new_record_id(l);
    let record = ok(
        "record",
        l.tx(
            msg::consent::ADD_RECORD,
            (
                id,
                patient,
                DataCategory::Laboratory,
                Purpose::Treatment,
                digest(b"ciphertext of a lab report"),
                EncryptedLocator(b"nonce|ciphertext|tag".to_vec()),
            ),
        ),
    )
    .record
    .expect("the bench record is granted");

    // A GTIN of the maker's own (unique per run: a node keeps earlier runs' batches).
    let gtin = carechain_sdk::gs1::gtin_for(&l.fresh_patient_id().0);
    let admin = l.admin();
    l.set_actor(admin);
    ok(
        "assign gtin",
        l.tx(msg::provenance::ASSIGN_GTIN, (gtin, maker)),
    );
    l.set_actor(maker);
    let lot = LotNumber(b"BENCH-1".to_vec());
    let batch = ok(
        "batch",
        l.tx(
            msg::provenance::REGISTER_BATCH,
            (
                gtin,
                lot.clone(),
                now + 365 * DAY_MS,
                1u64,
                1_000u64,
                1_000u64,
                digest(b"certificate of analysis"),
            ),
        ),
    );

    l.set_actor(insurer);
    ok(
        "deposit",
        l.tx_with_value(msg::claims::DEPOSIT, (), 10_000_000),
    );
    let policy = ok(
        "policy",
        l.tx(
            msg::claims::CREATE_POLICY,
            (
                patient,
                PolicyTerms {
                    coverage: CoverageSet::of(&[ServiceCategory::Laboratory]),
                    period_start: now,
                    period_end: now + 365 * DAY_MS,
                    annual_limit: 10_000_000,
                    deductible: 0,
                    coinsurance_bps: 2_000,
                },
            ),
        ),
    );
    World {
        patient_account,
        hospital,
        maker,
        distributor,
        pharmacy,
        insurer,
        patient,
        record,
        policy,
        gtin,
        batch,
        lot,
        lines: 0,
    }
}

fn last<L: ChainWrite>(l: &L) -> CallReport {
    l.last().cloned().expect("a call was made")
}

/// Make `call` twice (warm-up, then measured) and keep the second report.
fn twice<L: ChainWrite>(l: &mut L, mut call: impl FnMut(&mut L)) -> CallReport {
    call(l);
    call(l);
    let report = last(l);
    assert!(
        !report.reverted && report.output.is_ok(),
        "{}: {:?}",
        report.message,
        report.output
    );
    report
}

fn submit<L: ChainWrite>(l: &mut L, w: &mut World) -> ClaimId {
    l.set_actor(w.hospital);
    w.lines += 1;
    match ok(
        "submit claim",
        l.tx(
            msg::claims::SUBMIT_CLAIM,
            (w.policy, w.patient, w.record, vec![lab_line(w.lines)]),
        ),
    ) {
        SubmitOutcome::Submitted(id) => id,
        other => panic!("bench claim not submitted: {other:?}"),
    }
}

/// Measure every hot call on the world.
pub fn hot_calls<L: ChainWrite>(l: &mut L, w: &mut World) -> Vec<Hot> {
    use Contract::*;
    let mut hot = Vec::new();
    let (patient, record) = (w.patient, w.record);
    l.set_actor(w.hospital);
    let report = twice(l, |l| {
        let d = ok(
            "check_access",
            l.tx(
                msg::access::CHECK_ACCESS,
                (patient, DataCategory::Laboratory, Purpose::Treatment),
            ),
        );
        assert!(d.is_granted(), "the bench check is granted");
    });
    hot.push(Hot {
        name: "audited check",
        requests: 1,
        path: &[Access, AuditLog],
        report,
    });
    let requests = vec![
        AccessRequest {
            category: DataCategory::Laboratory,
            purpose: Purpose::Treatment,
        };
        MAX_ACCESS_BATCH
    ];
    let report = twice(l, |l| {
        ok(
            "check_access_batch",
            l.tx(msg::access::CHECK_ACCESS_BATCH, (patient, requests.clone())),
        );
    });
    hot.push(Hot {
        name: "batched check",
        requests: MAX_ACCESS_BATCH as u64,
        path: &[Access, AuditLog],
        report,
    });
    let report = twice(l, |l| {
        let a = ok(
            "access_record",
            l.tx(msg::access::ACCESS_RECORD, (record, Purpose::Treatment)),
        );
        assert!(a.decision.is_granted());
    });
    hot.push(Hot {
        name: "record read",
        requests: 1,
        path: &[Access, AuditLog],
        report,
    });

    // Custody: ship one pack to the distributor, who accepts it.
    let (batch, maker, distributor) = (w.batch, w.maker, w.distributor);
    let mut transfers = Vec::new();
    let ship = twice(l, |l| {
        l.set_actor(maker);
        transfers.push(ok(
            "ship",
            l.tx(
                msg::provenance::SHIP,
                (batch, distributor, 1u64, digest(b"despatch advice")),
            ),
        ));
    });
    let mut pending = transfers.clone().into_iter();
    let accept = twice(l, |l| {
        l.set_actor(distributor);
        let t = pending.next().expect("a pending transfer");
        ok("accept", l.tx(msg::provenance::ACCEPT, (batch, t)));
    });
    hot.push(Hot {
        name: "custody transfer: ship",
        requests: 1,
        path: &[Provenance, Access],
        report: ship,
    });
    hot.push(Hot {
        name: "custody transfer: accept",
        requests: 1,
        path: &[Provenance, Access],
        report: accept,
    });
    let (gtin, lot) = (w.gtin, w.lot.clone());
    let verify = twice(l, |l| {
        let v = l
            .call(msg::provenance::VERIFY, (gtin, lot.clone(), 1u64))
            .expect("verify answers");
        assert_eq!(v.verdict, Verdict::Genuine);
    });
    hot.push(Hot {
        name: "verify a pack",
        requests: 1,
        path: &[Provenance],
        report: verify,
    });

    // Claims: submit, then (after adjudication) settle.
    let mut submitted = Vec::new();
    let report = twice(l, |l| submitted.push(submit(l, w)));
    hot.push(Hot {
        name: "claim submit",
        requests: 1,
        path: &[Claims, Access, AuditLog],
        report,
    });
    let insurer = w.insurer;
    for id in &submitted {
        l.set_actor(insurer);
        ok(
            "adjudicate",
            l.tx(
                msg::claims::ADJUDICATE,
                (*id, vec![LineDecision::Approve { allowed: 1_000 }]),
            ),
        );
    }
    let hospital = w.hospital;
    let mut approved = submitted.into_iter();
    let report = twice(l, |l| {
        l.set_actor(hospital);
        let id = approved.next().expect("an approved claim");
        ok("settle", l.tx(msg::claims::SETTLE, id));
    });
    hot.push(Hot {
        name: "claim settle",
        requests: 1,
        path: &[Claims, Access, AuditLog],
        report,
    });

    // Immunisation credentials: a presentation revealing one claim (and the holder key) from
    // trees of 8 and of 64 leaves.
    for (n, (leaves, name)) in [
        (8, "credential verify (8 leaves)"),
        (64, "credential verify (64 leaves)"),
    ]
    .into_iter()
    .enumerate()
    {
        let report = credential_verification(l, w, leaves, 900 + n as u64);
        hot.push(Hot {
            name,
            requests: 1,
            path: &[Credentials, Provenance, AuditLog],
            report,
        });
    }
    hot
}

/// The hospital administers serial `serial` (received from the maker), issues a credential of
/// `leaves` leaves for it, and a venue verifies a presentation of one claim.
fn credential_verification<L: ChainWrite>(
    l: &mut L,
    w: &World,
    leaves: usize,
    serial: u64,
) -> CallReport {
    use carechain_sdk::credentials::{build, Claim, HolderKey};
    l.set_actor(w.maker);
    let t = ok(
        "ship a dose",
        l.tx(
            msg::provenance::SHIP,
            (w.batch, w.hospital, 1u64, digest(b"vaccine despatch")),
        ),
    );
    l.set_actor(w.hospital);
    ok("accept", l.tx(msg::provenance::ACCEPT, (w.batch, t)));
    ok(
        "administer",
        l.tx(msg::provenance::DISPENSE, (w.batch, serial)),
    );
    let key = HolderKey::from_seed(b"bench-holder");
    let claims: Vec<Claim> = (0..leaves - 1)
        .map(|i| Claim::new(&format!("claim-{i}"), "yes"))
        .collect();
    let wallet = build(&claims, &key.public()).expect("claims fit");
    assert_eq!(1usize << wallet.depth, leaves);
    let id = ok(
        "issue",
        l.tx(
            msg::credentials::ISSUE,
            (
                wallet.root,
                wallet.depth,
                DrugRef {
                    batch: w.batch,
                    serial,
                },
            ),
        ),
    );
    let contract = l.address(Contract::Credentials);
    let venue = w.patient_account;
    // A fresh challenge per verification: a reused one is refused as a replay.
    twice(l, |l| {
        let challenge = digest(&l.fresh_patient_id().0);
        let presentation = wallet
            .present(&["claim-0"], &key, &contract, id, &venue, &challenge)
            .expect("the claim exists");
        l.set_actor(venue);
        let result = ok(
            "verify presentation",
            l.tx(
                msg::credentials::VERIFY_PRESENTATION,
                presentation.call_args(),
            ),
        );
        assert_eq!(result.verdict, PresentationVerdict::Valid);
    })
}

/// Deploy the reference token (an ERC-20-like `transfer`, the yardstick) and measure a
/// steady-state transfer (the first one creates the recipient's balance entry).
pub fn token_transfer<L: ChainWrite>(l: &mut L) -> CallReport {
    let admin = l.admin();
    let to = l.actor("token-recipient");
    l.set_actor(admin);
    let token = l
        .instantiate_bundle("reference_token", "new", 1_000_000_000u128)
        .expect("deploy the reference token");
    l.call_at(token, "reference_token", "transfer", (to, 1u128), 0);
    let report = l.call_at(token, "reference_token", "transfer", (to, 1u128), 0);
    assert!(!report.reverted, "token transfer failed");
    report
}

/// How many of a call fit in a 5 MiB proof budget and in a 2 s block, per request.
pub fn per_block(hot: &Hot) -> (u64, u64) {
    let proof = hot.report.proof_size.max(1);
    let time = hot.report.ref_time.max(1);
    (
        POV_LIMIT / proof * hot.requests,
        BLOCK_REF_TIME_2S / time * hot.requests,
    )
}

/// A Markdown table of the hot calls against the token.
pub fn table(hot: &[Hot], token: &CallReport) -> String {
    let mut md = String::from(
        "| call | contracts entered | ref_time | proof_size | × token ref_time | × token proof | per 5 MiB proof | per 2 s block |\n|---|---|---:|---:|---:|---:|---:|---:|\n",
    );
    md.push_str(&format!(
        "| reference token transfer | reference_token | {} | {} | 1.00 | 1.00 | {} | {} |\n",
        token.ref_time,
        token.proof_size,
        POV_LIMIT / token.proof_size.max(1),
        BLOCK_REF_TIME_2S / token.ref_time.max(1)
    ));
    for h in hot {
        let (rt, ps) = h.ratio(token);
        let (pov, block) = per_block(h);
        let per = if h.requests > 1 {
            format!(" (per request of {})", h.requests)
        } else {
            String::new()
        };
        md.push_str(&format!(
            "| {}{per} | {} | {} | {} | {rt:.2} | {ps:.2} | {pov} | {block} |\n",
            h.name,
            h.path
                .iter()
                .map(|c| c.name())
                .collect::<Vec<_>>()
                .join(" → "),
            h.report.ref_time,
            h.report.proof_size,
        ));
    }
    md
}

/// Put `n` more of everything the hot paths touch into storage: grants (and their audit
/// entries), record anchors, claims, and batches with a transfer each.
pub fn fill<L: ChainWrite>(l: &mut L, w: &mut World, n: u64) {
    let now = l.now();
    let scope = GrantScope {
        categories: CategorySet::of(&[DataCategory::Genomics]),
        purposes: PurposeSet::of(&[Purpose::Research]),
        valid_from: now,
        valid_until: now + 365 * DAY_MS,
    };
    for i in 0..n {
        let tag = format!("fill-{i}");
        let somebody = AccountId::from(digest(tag.as_bytes()).0);
        l.set_actor(w.patient_account);
        ok(
            "fill grant",
            l.tx(
                msg::consent::CREATE_GRANT,
                (w.patient, Grantee::Account(somebody), scope, Effect::Deny),
            ),
        );
        l.set_actor(w.hospital);
        let id = carechain_sdk::new_record_id(l);
        ok(
            "fill record",
            l.tx(
                msg::consent::ADD_RECORD,
                (
                    id,
                    w.patient,
                    DataCategory::Laboratory,
                    Purpose::Treatment,
                    digest(tag.as_bytes()),
                    EncryptedLocator(tag.as_bytes().to_vec()),
                ),
            ),
        );
        submit(l, w);
        l.set_actor(w.maker);
        let batch = ok(
            "fill batch",
            l.tx(
                msg::provenance::REGISTER_BATCH,
                (
                    w.gtin,
                    LotNumber(format!("F{i}").into_bytes()),
                    now + 300 * DAY_MS,
                    1u64,
                    10u64,
                    10u64,
                    digest(b"coa"),
                ),
            ),
        );
        ok(
            "fill transfer",
            l.tx(
                msg::provenance::SHIP,
                (batch, w.distributor, 1u64, digest(b"doc")),
            ),
        );
    }
}
