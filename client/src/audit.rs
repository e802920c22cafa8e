//! Off-chain audit tools: read the whole log from storage, verify the hash chain with an
//! independent SHA-256, and export entries as FHIR R4 `AuditEvent` resources.

use crate::ledger::Ledger;
use crate::view;
use carechain_common::verify::{verify_chain, ChainError};
use carechain_common::{AuditEntry, AuditOutcome, AuditSubject};
use serde_json::{json, Value};

/// Every entry of the log, chunk by chunk (each append is stored under its first entry).
pub fn fetch_all(chain: &mut impl Ledger) -> Vec<AuditEntry> {
    let count = view::audit_root(chain).count;
    let mut entries = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    let mut next = 0u64;
    while next < count {
        let chunk = view::audit_chunk(chain, next)
            .unwrap_or_else(|| panic!("the log has no chunk at {next} of {count}"));
        assert!(!chunk.is_empty(), "an empty chunk at {next}");
        next += chunk.len() as u64;
        entries.extend(chunk);
    }
    entries
}

/// Recompute the chain from genesis and compare with the contract's stored head and count.
/// Returns the number of entries verified.
pub fn verify_deployed(chain: &mut impl Ledger) -> Result<u64, ChainError> {
    let entries = fetch_all(chain);
    let root = view::audit_root(chain);
    verify_chain(&entries, root.head, root.count).map(|()| root.count)
}

fn hex32(bytes: &[u8; 32]) -> String {
    hex::encode(bytes)
}

fn subject_reference(subject: &AuditSubject) -> (String, Value) {
    match subject {
        AuditSubject::Category(c) => (
            "category".into(),
            json!({"system": "urn:carechain:data-category", "code": c.code()}),
        ),
        AuditSubject::Record(id) => (
            "record".into(),
            json!({"reference": format!("DocumentReference/{id}")}),
        ),
        AuditSubject::Grant(id) => (
            "consent".into(),
            json!({"reference": format!("Consent/{id}")}),
        ),
        AuditSubject::Emergency(id) => ("emergency".into(), json!({"identifier": id})),
        AuditSubject::Claim(id) => ("claim".into(), json!({"reference": format!("Claim/{id}")})),
        AuditSubject::Batch(id) => ("batch".into(), json!({"identifier": id})),
        AuditSubject::Serial(batch, serial) => (
            "serial".into(),
            json!({"identifier": format!("{batch}/{serial}")}),
        ),
        AuditSubject::Credential(id) => ("credential".into(), json!({"identifier": id})),
    }
}

/// One entry as a FHIR R4 `AuditEvent` (type, subtype, action, recorded, outcome,
/// purposeOfEvent, agent, source, entity), plus the chain fields as extensions.
pub fn to_fhir(entry: &AuditEntry) -> Value {
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
    let recorded = chrono_like(entry.recorded_at);
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

/// RFC 3339 UTC time from milliseconds since the epoch (no date library needed).
pub fn chrono_like(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (h, m, s) = (rem / 3600, (rem % 3600) / 60, rem % 60);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = if month <= 2 { y + 1 } else { y };
    format!(
        "{year:04}-{month:02}-{d:02}T{h:02}:{m:02}:{s:02}.{:03}Z",
        ms % 1000
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339() {
        assert_eq!(super::chrono_like(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            super::chrono_like(1_767_225_600_000),
            "2026-01-01T00:00:00.000Z"
        );
        assert_eq!(
            super::chrono_like(951_782_400_123),
            "2000-02-29T00:00:00.123Z"
        );
    }
}
