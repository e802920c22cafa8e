//! FHIR R4 out: `AuditEvent` for the audit trail, `Consent` for a patient's grants, `Claim`,
//! `ClaimResponse` and `ExplanationOfBenefit` for a claim. Only what the chain holds goes out:
//! pseudonymous ids, hashes, states, amounts (no clinical content is on chain). The resources are
//! validated against the R4 model in the command line's tests (Python `fhir.resources`, R4B).
//!
//! Time: a grant's `valid_until` is exclusive (access at `valid_until` is refused) while FHIR's
//! `Period.end` is inclusive, so a Consent's `provision.period.end` is `valid_until - 1 ms`.

use crate::dates::format_time;
use crate::facts::GrantStatus;
use carechain_common::{
    AuditEntry, AuditOutcome, AuditSubject, Balance, Claim, ClaimStatus, DataCategory, Effect,
    Grant, Grantee, Policy, Purpose, Timestamp,
};
use serde_json::{json, Value};

fn hex32(bytes: &[u8; 32]) -> String {
    hex::encode(bytes)
}

/// The entity an entry is about, as a FHIR `Reference` by identifier (`urn:carechain:<kind>`).
fn subject_reference(subject: &AuditSubject) -> (String, Value) {
    let (kind, value) = match subject {
        AuditSubject::Category(c) => ("data-category", c.code().to_owned()),
        AuditSubject::Record(id) => ("record", id.to_string()),
        AuditSubject::Grant(id) => ("consent", id.to_string()),
        AuditSubject::Emergency(id) => ("emergency", id.to_string()),
        AuditSubject::Claim(id) => ("claim", id.to_string()),
        AuditSubject::Batch(id) => ("batch", id.to_string()),
        AuditSubject::Serial(batch, serial) => ("serial", format!("{batch}/{serial}")),
        AuditSubject::Credential(id) => ("credential", id.to_string()),
        AuditSubject::Verification(tag) => ("credential-verification", hex32(&tag.0)),
    };
    (
        kind.to_owned(),
        json!({"identifier": {"system": format!("urn:carechain:{kind}"), "value": value}}),
    )
}

/// One entry as a FHIR R4 `AuditEvent` (type, subtype, action, recorded, outcome,
/// purposeOfEvent, agent, source, entity), plus the chain fields as extensions.
pub fn audit_event(entry: &AuditEntry) -> Value {
    let record = &entry.record;
    let (type_code, subtype) = record.action.fhir_type();
    let (entity_kind, what) = subject_reference(&record.subject);
    let mut entities = vec![json!({"what": what, "type": {"code": entity_kind}})];
    if let Some(patient) = record.patient {
        entities.insert(
            0,
            json!({"what": {"identifier": {"system": "urn:carechain:patient", "value": hex32(&patient.0)}},
                   "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-entity-type", "code": "1"}}),
        );
    }
    let outcome_detail = match record.outcome {
        AuditOutcome::Success => "success".to_owned(),
        AuditOutcome::Granted(basis) => format!("granted: {basis:?}"),
        AuditOutcome::Denied(reason) => format!("denied: {reason:?}"),
    };
    let recorded = format_time(entry.recorded_at);
    let extensions = vec![
        json!({"url": "urn:carechain:block", "valueInteger": entry.block}),
        json!({"url": "urn:carechain:prev-hash", "valueString": hex32(&entry.prev_hash.0)}),
        json!({"url": "urn:carechain:hash", "valueString": hex32(&entry.hash.0)}),
    ];
    json!({
        "resourceType": "AuditEvent",
        "id": entry.seq.to_string(),
        "type": {"system": "http://dicom.nema.org/resources/ontology/DCM", "code": type_code},
        "subtype": [{"system": "urn:carechain:action", "code": subtype}],
        "action": record.action.fhir_action().to_string(),
        "recorded": recorded,
        "outcome": record.outcome.fhir_code().to_string(),
        "outcomeDesc": outcome_detail,
        "purposeOfEvent": record.purpose.map(|p| vec![json!({"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": p.code()}]})]).unwrap_or_default(),
        "agent": agents(record.actor.as_ref(), record.initiator.as_ref().map(|a| a.as_ref())),
        "source": {"observer": {"identifier": {"system": "urn:carechain:contract", "value": hex32(entry.writer.as_ref())}}},
        "entity": entities,
        "extension": extensions
    })
}

/// The actor (FHIR `agent` with `requestor`) and, when someone else triggered the action, the
/// initiator as a second agent.
fn agents(actor: &[u8; 32], initiator: Option<&[u8; 32]>) -> Value {
    let who = |account: &[u8; 32]| json!({"identifier": {"system": "urn:carechain:account", "value": hex32(account)}});
    let mut agents = vec![json!({"who": who(actor), "requestor": initiator.is_none()})];
    if let Some(initiator) = initiator {
        agents.push(json!({"who": who(initiator), "requestor": true}));
    }
    Value::Array(agents)
}

/// Latest time FHIR can express (9999-12-31T23:59:59.999Z); later means "no end".
const FHIR_MAX_TIME: Timestamp = 253_402_300_799_999;

fn patient_reference(patient: &[u8; 32]) -> Value {
    json!({"identifier": {"system": "urn:carechain:patient", "value": hex32(patient)}})
}

fn account_reference(account: &[u8; 32]) -> Value {
    json!({"identifier": {"system": "urn:carechain:account", "value": hex32(account)}})
}

/// A grant's validity as a FHIR `Period` (inclusive end).
pub fn grant_period(valid_from: Timestamp, valid_until: Timestamp) -> Value {
    let mut period = json!({"start": format_time(valid_from)});
    if valid_until <= FHIR_MAX_TIME {
        period["end"] = json!(format_time(valid_until.saturating_sub(1)));
    }
    period
}

/// One grant as a FHIR R4 `Consent` (a permit or deny provision over categories x purposes x
/// period, for one grantee or anyone). `status` is where the grant stands
/// ([`crate::facts::grant_status`]): `active` while it is active or not yet in force (its period
/// says when), `inactive` once it is revoked, expired or ended by a recovery.
pub fn consent(grant: &Grant, status: GrantStatus) -> Value {
    let status = match status {
        GrantStatus::Active | GrantStatus::NotYetValid => "active",
        GrantStatus::Expired | GrantStatus::Revoked | GrantStatus::Ended => "inactive",
    };
    let mut provision = json!({
        "type": match grant.effect { Effect::Permit => "permit", Effect::Deny => "deny" },
        "period": grant_period(grant.scope.valid_from, grant.scope.valid_until),
        "purpose": Purpose::ALL.iter().filter(|p| grant.scope.purposes.contains(**p)).map(|p| json!({
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": p.code()})).collect::<Vec<_>>(),
        "class": DataCategory::ALL.iter().filter(|c| grant.scope.categories.contains(**c)).map(|c| json!({
            "system": "urn:carechain:category", "code": c.code()})).collect::<Vec<_>>(),
    });
    if let Grantee::Account(account) = &grant.grantee {
        provision["actor"] = json!([{
            "role": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "IRCP"}]},
            "reference": account_reference(account.as_ref()),
        }]);
    }
    json!({
        "resourceType": "Consent",
        "id": format!("grant-{}", grant.id),
        "status": status,
        "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"}]},
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0", "display": "Consent Document"}]}],
        "patient": patient_reference(&grant.patient.0),
        "dateTime": format_time(grant.created_at),
        "performer": [account_reference(grant.created_by.as_ref())],
        "policyRule": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "OPTIN"}]},
        "provision": provision,
    })
}

/// Amounts: the chain's balances are in minor units (cents); FHIR `Money` in major units.
pub fn money(amount: Balance, currency: &str) -> Value {
    let value = amount as f64 / 100.0;
    json!({"value": value, "currency": currency})
}

fn claim_status(status: ClaimStatus) -> &'static str {
    match status {
        ClaimStatus::Voided | ClaimStatus::Replaced => "cancelled",
        _ => "active",
    }
}

/// `queued` while the insurer has not decided; `partial` when some lines were denied.
fn outcome(status: ClaimStatus) -> &'static str {
    match status {
        ClaimStatus::Submitted | ClaimStatus::Pended | ClaimStatus::Appealed => "queued",
        ClaimStatus::PartiallyApproved => "partial",
        ClaimStatus::Voided | ClaimStatus::Replaced => "error",
        _ => "complete",
    }
}

fn claim_type() -> Value {
    json!({"coding": [{"system": "http://terminology.hl7.org/CodeSystem/claim-type", "code": "professional"}]})
}

fn line_service(line: &carechain_common::StoredLine) -> Value {
    // The service itself is off chain: the line carries the provider's keyed hash of it.
    let mut coding =
        vec![json!({"system": "urn:carechain:service-ref", "code": hex32(&line.service_ref.0)})];
    if let Some(pack) = &line.pack {
        coding.push(json!({"system": "urn:carechain:pack", "code": hex32(&pack.0)}));
    }
    json!({"coding": coding})
}

fn adjudications(claim: &Claim, index: usize, currency: &str) -> Vec<Value> {
    let category = |system: &str, code: &str| json!({"coding": [{"system": system, "code": code}]});
    let hl7 = "http://terminology.hl7.org/CodeSystem/adjudication";
    let line = &claim.lines[index];
    let mut out = vec![
        json!({"category": category(hl7, "submitted"), "amount": money(line.billed, currency)}),
    ];
    let Some(result) = claim.results.get(index) else {
        return out;
    };
    if let Some(denied) = result.denied {
        out.push(json!({
            "category": category(hl7, "eligible"),
            "reason": {"coding": [{"system": "https://x12.org/codes/claim-adjustment-reason-codes",
                                    "code": denied.carc().to_string(), "display": format!("{denied:?}")}]},
            "amount": money(0, currency),
        }));
        return out;
    }
    out.push(
        json!({"category": category(hl7, "eligible"), "amount": money(result.allowed, currency)}),
    );
    out.push(json!({"category": category(hl7, "deductible"), "amount": money(result.deductible, currency)}));
    out.push(json!({"category": category("urn:carechain:adjudication", "coinsurance"), "amount": money(result.coinsurance, currency)}));
    if result.over_limit > 0 {
        out.push(json!({"category": category("urn:carechain:adjudication", "over-limit"), "amount": money(result.over_limit, currency)}));
    }
    out.push(
        json!({"category": category(hl7, "benefit"), "amount": money(result.plan_pays, currency)}),
    );
    out
}

fn plan_pays(claim: &Claim) -> Balance {
    claim.results.iter().map(|r| r.plan_pays).sum()
}

/// What the insurer's answer and the patient's statement share: type, use, patient, insurer,
/// when, and the outcome.
fn decision_header(resource: &str, id: String, claim: &Claim) -> Value {
    json!({
        "resourceType": resource,
        "id": id,
        "type": claim_type(),
        "use": "claim",
        "patient": patient_reference(&claim.patient.0),
        "created": format_time(claim.settled_at.unwrap_or(claim.submitted_at)),
        "insurer": account_reference(claim.insurer.as_ref()),
        "outcome": outcome(claim.status),
    })
}

/// A claim as submitted: FHIR R4 `Claim`.
pub fn claim(claim: &Claim, policy: &Policy, currency: &str) -> Value {
    let items: Vec<Value> = claim
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| json!({"sequence": i + 1, "productOrService": line_service(line), "net": money(line.billed, currency)}))
        .collect();
    json!({
        "resourceType": "Claim",
        "id": format!("claim-{}", claim.id),
        "status": claim_status(claim.status),
        "type": claim_type(),
        "use": "claim",
        "patient": patient_reference(&claim.patient.0),
        "created": format_time(claim.submitted_at),
        "insurer": account_reference(claim.insurer.as_ref()),
        "provider": account_reference(claim.provider.as_ref()),
        "priority": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/processpriority", "code": "normal"}]},
        "supportingInfo": [{"sequence": 1, "category": {"coding": [{"system": "urn:carechain:record", "code": "record-anchor"}]},
                            "valueReference": {"identifier": {"system": "urn:carechain:record", "value": claim.record.to_string()}}}],
        "insurance": [{"sequence": 1, "focal": true, "coverage": {"identifier": {"system": "urn:carechain:policy", "value": policy.id.to_string()}}}],
        "item": items,
        "total": money(claim.billed, currency),
    })
}

/// The insurer's answer: FHIR R4 `ClaimResponse` with line adjudications (denials with their
/// CARC codes).
pub fn claim_response(claim: &Claim, currency: &str) -> Value {
    let items: Vec<Value> = (0..claim.lines.len())
        .map(|i| json!({"itemSequence": i + 1, "adjudication": adjudications(claim, i, currency)}))
        .collect();
    let mut response = decision_header(
        "ClaimResponse",
        format!("claim-response-{}", claim.id),
        claim,
    );
    response["status"] = json!(claim_status(claim.status));
    response["requestor"] = account_reference(claim.provider.as_ref());
    response["request"] =
        json!({"identifier": {"system": "urn:carechain:claim", "value": claim.id.to_string()}});
    response["item"] = json!(items);
    if !claim.results.is_empty() {
        let hl7 = "http://terminology.hl7.org/CodeSystem/adjudication";
        response["total"] = json!([
            {"category": {"coding": [{"system": hl7, "code": "submitted"}]}, "amount": money(claim.billed, currency)},
            {"category": {"coding": [{"system": hl7, "code": "benefit"}]}, "amount": money(plan_pays(claim), currency)},
        ]);
    }
    response
}

/// The patient's statement: FHIR R4 `ExplanationOfBenefit` (what was billed, allowed, met from
/// the deductible, owed by the patient, paid by the plan and when).
pub fn explanation_of_benefit(claim: &Claim, policy: &Policy, currency: &str) -> Value {
    let items: Vec<Value> = claim
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| json!({"sequence": i + 1, "productOrService": line_service(line),
                                "net": money(line.billed, currency), "adjudication": adjudications(claim, i, currency)}))
        .collect();
    let hl7 = "http://terminology.hl7.org/CodeSystem/adjudication";
    let mut eob = decision_header("ExplanationOfBenefit", format!("eob-{}", claim.id), claim);
    eob["status"] = json!(claim_status(claim.status));
    eob["provider"] = account_reference(claim.provider.as_ref());
    eob["claim"] =
        json!({"identifier": {"system": "urn:carechain:claim", "value": claim.id.to_string()}});
    eob["insurance"] = json!([{"focal": true, "coverage": {"identifier": {"system": "urn:carechain:policy", "value": policy.id.to_string()}}}]);
    eob["item"] = json!(items);
    eob["total"] = json!([
        {"category": {"coding": [{"system": hl7, "code": "submitted"}]}, "amount": money(claim.billed, currency)},
        {"category": {"coding": [{"system": hl7, "code": "deductible"}]}, "amount": money(claim.deductible_applied, currency)},
        {"category": {"coding": [{"system": "urn:carechain:adjudication", "code": "patient-share"}]}, "amount": money(claim.patient_share, currency)},
        {"category": {"coding": [{"system": hl7, "code": "benefit"}]}, "amount": money(plan_pays(claim), currency)},
    ]);
    if let (ClaimStatus::Settled, Some(at)) = (claim.status, claim.settled_at) {
        eob["payment"] = json!({
            "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/ex-paymenttype", "code": "complete"}]},
            "date": crate::dates::format_date(at),
            "amount": money(plan_pays(claim), currency),
        });
    }
    eob
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_date;

    #[test]
    fn a_grant_period_ends_one_millisecond_before_valid_until() {
        let start = parse_date("2026-01-01").unwrap();
        let until = parse_date("2026-02-01").unwrap();
        assert_eq!(
            grant_period(start, until),
            json!({"start": "2026-01-01T00:00:00.000Z", "end": "2026-01-31T23:59:59.999Z"})
        );
        assert_eq!(
            grant_period(start, Timestamp::MAX),
            json!({"start": "2026-01-01T00:00:00.000Z"})
        );
    }
}
