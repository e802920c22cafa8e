//! Pack verification answered like GS1 Lightweight Messaging for the US DSCSA Verification Router
//! Service: the product identifier on the pack (GTIN, serial, lot, expiry) in; one response code
//! a pharmacist acts on out — `VERIFIED`, `NO_MATCH`, `RECALLED`, `SUSPECT`, `EXPIRED` — with the
//! LM failure reason for a non-match and CareChain's detailed verdict.

use crate::gs1;
use carechain_client::dates::{date_of_expiry, format_date, format_time, parse_yymmdd};
use carechain_client::msg::provenance as p;
use carechain_client::Ledger;
use carechain_common::{Gtin, LotNumber, Verdict, Verification};
use serde_json::{json, Value};

/// The product identifier read from a pack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackId {
    pub gtin: u64,
    pub serial: u64,
    pub lot: String,
    /// The printed expiry date, `YYYY-MM-DD`.
    pub expiry: Option<String>,
}

/// A GS1 element string in human-readable form: `(01)…(21)…(10)…(17)YYMMDD`, in any order.
pub fn parse_element_string(text: &str) -> Result<PackId, String> {
    let mut fields = std::collections::BTreeMap::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let inner = rest
            .strip_prefix('(')
            .ok_or_else(|| format!("{text:?}: expected (AI) at {rest:?}"))?;
        let (ai, tail) = inner
            .split_once(')')
            .ok_or_else(|| format!("{text:?}: unclosed AI"))?;
        let end = tail.find('(').unwrap_or(tail.len());
        fields.insert(ai.to_owned(), tail[..end].to_owned());
        rest = &tail[end..];
    }
    let take = |ai: &str| {
        fields
            .get(ai)
            .cloned()
            .ok_or_else(|| format!("{text:?}: no ({ai})"))
    };
    let gtin = gs1::parse_gtin(&take("01")?)?;
    let serial_text = take("21")?;
    let serial = gs1::parse_sgtin(&format!(
        "https://id.gs1.org/01/{}/21/{serial_text}",
        gs1::gtin_text(gtin)
    ))?
    .serial;
    let expiry = match fields.get("17") {
        Some(yymmdd) => Some(format_date(parse_yymmdd(yymmdd)?)),
        None => None,
    };
    Ok(PackId {
        gtin,
        serial,
        lot: take("10")?,
        expiry,
    })
}

/// The response code for a verdict (and whether the printed expiry matched).
pub fn response_code(
    verdict: Verdict,
    expiry_matches: bool,
) -> (&'static str, Option<&'static str>) {
    match verdict {
        Verdict::Genuine | Verdict::Returning if !expiry_matches => {
            ("NO_MATCH", Some("No_match_GTIN_Serial_Lot_Expiry"))
        }
        // A pack being returned is genuine stock on its way back (the saleable-returns case).
        Verdict::Genuine | Verdict::Returning => ("VERIFIED", None),
        Verdict::UnknownProduct => ("NO_MATCH", Some("No_match_GTIN")),
        Verdict::UnknownSerial => ("NO_MATCH", Some("No_match_GTIN_Serial")),
        Verdict::UnknownLot => ("NO_MATCH", Some("No_match_GTIN_Serial_Lot")),
        Verdict::Recalled => ("RECALLED", None),
        Verdict::Expired => ("EXPIRED", None),
        // A serial seen twice, a held batch, a pack that already left the supply chain: do not
        // dispense, investigate (DSCSA "suspect product").
        Verdict::Suspect | Verdict::Quarantined | Verdict::Dispensed | Verdict::Destroyed => {
            ("SUSPECT", None)
        }
    }
}

fn words(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Genuine => {
            "genuine: known product, lot and serial; the batch is active and in date"
        }
        Verdict::UnknownProduct => "no manufacturer registered this GTIN",
        Verdict::UnknownLot => "the GTIN is known but no batch has this lot: wrong lot on the pack",
        Verdict::UnknownSerial => "the serial is outside the batch's range: counterfeit",
        Verdict::Suspect => "a second pack with this serial was found: treat as counterfeit",
        Verdict::Recalled => "the batch is recalled: do not dispense",
        Verdict::Quarantined => {
            "the batch is quarantined: do not dispense until the hold is lifted"
        }
        Verdict::Expired => "the batch is past its expiry",
        Verdict::Dispensed => "this serial was dispensed already: the pack should not be in stock",
        Verdict::Destroyed => "this serial was destroyed",
        Verdict::Returning => "genuine, listed in a pending saleable return",
    }
}

/// Verify a pack against the chain (a dry run: nothing is written) and answer LM-style.
pub fn verify<L: Ledger>(l: &mut L, pack: &PackId) -> Value {
    let v: Verification = l.query(
        p::VERIFY,
        (
            Gtin(pack.gtin),
            LotNumber(pack.lot.as_bytes().to_vec()),
            pack.serial,
        ),
    );
    let on_chain_expiry = v.expiry.map(date_of_expiry);
    let expiry_matches = match (&pack.expiry, &on_chain_expiry) {
        (Some(printed), Some(known)) => printed == known,
        _ => true,
    };
    let (code, reason) = response_code(v.verdict, expiry_matches);
    let mut data = json!({"verified": code == "VERIFIED"});
    if let Some(reason) = reason {
        data["verificationFailureReason"] = json!(reason);
    }
    json!({
        "verificationTimestamp": format_time(l.now()),
        "responseCode": code,
        "data": data,
        "gtin": gs1::gtin_text(pack.gtin),
        "serialNumber": pack.serial.to_string(),
        "lotNumber": pack.lot,
        "expirationDate": pack.expiry,
        "carechain": {
            "verdict": format!("{:?}", v.verdict),
            "explanation": if expiry_matches { words(v.verdict) } else { "the printed expiry is not the batch's expiry" },
            "batch": v.batch,
            "batchExpiry": on_chain_expiry,
            "dispensedBy": v.dispensed_by.map(hex::encode),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_strings_parse_in_any_order() {
        let pack = parse_element_string("(01)10614141123459(17)271231(10)LOT-7(21)400").unwrap();
        assert_eq!(
            pack,
            PackId {
                gtin: 10_614_141_123_459,
                serial: 400,
                lot: "LOT-7".into(),
                expiry: Some("2027-12-31".into())
            }
        );
        assert!(parse_element_string("(01)10614141123459(10)LOT-7")
            .unwrap_err()
            .contains("(21)"));
        assert!(parse_element_string("0110614141123459").is_err());
    }

    #[test]
    fn every_verdict_has_one_response_code() {
        assert_eq!(response_code(Verdict::Recalled, true).0, "RECALLED");
        assert_eq!(response_code(Verdict::Genuine, true), ("VERIFIED", None));
        assert_eq!(response_code(Verdict::Genuine, false).0, "NO_MATCH");
        assert_eq!(response_code(Verdict::Dispensed, true).0, "SUSPECT");
        assert_eq!(response_code(Verdict::Expired, true).0, "EXPIRED");
        assert_eq!(
            response_code(Verdict::UnknownSerial, true).1,
            Some("No_match_GTIN_Serial")
        );
    }
}
