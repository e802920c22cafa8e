//! Pack verification answered like GS1 Lightweight Messaging for the US DSCSA Verification Router
//! Service: the product identifier on the pack (GTIN, serial, lot, expiry) in; one response code
//! a pharmacist acts on out — `VERIFIED`, `NO_MATCH`, `RECALLED`, `SUSPECT`, `EXPIRED` — with the
//! LM failure reason for a non-match and CareChain's detailed verdict. Parsing and the response
//! rule are the SDK's (`carechain_sdk::gs1`), shared with the page.

use carechain_common::{Gtin, LotNumber, Verification};
use carechain_sdk::dates::{date_of_expiry, format_time};
use carechain_sdk::gs1::{
    self, expiry_matches, response_code, verdict_words, EXPIRY_MISMATCH_WORDS,
};
use carechain_sdk::msg::provenance as p;
use carechain_sdk::ChainWrite;
use serde_json::{json, Value};

pub use carechain_sdk::gs1::{parse_element_string, PackId};

/// Verify a pack against the chain (a dry run: nothing is written) and answer LM-style.
pub fn verify<L: ChainWrite>(l: &mut L, pack: &PackId) -> Value {
    let v: Verification = l.query(
        p::VERIFY,
        (
            Gtin(pack.gtin),
            LotNumber(pack.lot.as_bytes().to_vec()),
            pack.serial,
        ),
    );
    let on_chain_expiry = v.expiry.map(date_of_expiry);
    let expiry_matches = expiry_matches(pack.expiry.as_deref(), on_chain_expiry.as_deref());
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
            "explanation": if expiry_matches { verdict_words(v.verdict) } else { EXPIRY_MISMATCH_WORDS },
            "batch": v.batch,
            "batchExpiry": on_chain_expiry,
            "dispensedBy": v.dispensed_by.map(hex::encode),
        },
    })
}
