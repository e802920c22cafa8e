//! ASC X12 835 (Health Care Claim Payment/Advice, 005010X221A1) for settled claims: one
//! interchange, one transaction per payer and payee, one `CLP` per claim with claim-level
//! adjustments (`CAS`): deductible `PR-1`, co-insurance `PR-2`, what the benefit maximum left to
//! the patient `PR-119`, the part of a charge above what the insurer allowed `CO-45`, and denied
//! lines with their CARC (`CO-16`, `CO-50`, `CO-96`, `CO-119`, `CO-29`). Each claim balances:
//! charge − adjustments = payment (checked before anything is written).

use carechain_common::{Balance, Claim, ClaimStatus};
use carechain_sdk::dates::format_date;
use std::collections::BTreeMap;

/// Who the interchange is from and to (ids as the trading partners agreed them).
#[derive(Clone, Debug)]
pub struct Parties {
    pub payer_name: String,
    /// Payer's interchange sender id (ISA06/GS02, up to 15 characters).
    pub payer_id: String,
    /// Payer identification in TRN03 / N1*PR: a 10-character originating company id.
    pub payer_company_id: String,
    pub payer_address: (String, String, String, String),
    pub payer_contact_phone: String,
    pub payee_name: String,
    /// Payee's interchange receiver id.
    pub payee_id: String,
    /// The payee's NPI (10 digits).
    pub payee_npi: String,
}

fn amount(minor: Balance) -> String {
    let (units, cents) = (minor / 100, minor % 100);
    if cents == 0 {
        units.to_string()
    } else if cents % 10 == 0 {
        format!("{units}.{}", cents / 10)
    } else {
        format!("{units}.{cents:02}")
    }
}

/// Adjustment amounts by group code (`CO`, `PR`) and reason code (CARC).
pub type Adjustments = BTreeMap<&'static str, BTreeMap<u16, Balance>>;

/// Claim-level adjustments by group code, in CAS order; and what the plan paid.
pub fn adjustments(claim: &Claim) -> Result<(Adjustments, Balance), String> {
    if claim.results.len() != claim.lines.len() {
        return Err(format!("claim {} has not been adjudicated", claim.id));
    }
    let mut groups = Adjustments::new();
    let mut add = |group: &'static str, reason: u16, value: Balance| {
        if value > 0 {
            *groups.entry(group).or_default().entry(reason).or_default() += value;
        }
    };
    let mut paid: Balance = 0;
    for (line, result) in claim.lines.iter().zip(&claim.results) {
        if let Some(denied) = result.denied {
            add("CO", denied.carc(), line.billed);
            continue;
        }
        add("CO", 45, line.billed.saturating_sub(result.allowed));
        add("PR", 1, result.deductible);
        add("PR", 2, result.coinsurance);
        add("PR", 119, result.over_limit);
        paid += result.plan_pays;
    }
    let adjusted: Balance = groups.values().flat_map(|g| g.values()).sum();
    if claim.billed.checked_sub(adjusted) != Some(paid) {
        return Err(format!(
            "claim {} does not balance: charge {} − adjustments {} ≠ payment {}",
            claim.id, claim.billed, adjusted, paid
        ));
    }
    Ok((groups, paid))
}

/// The 835 for settled claims (all from one payer to one payee); `control` numbers the
/// interchange, `now_ms` dates it.
pub fn remittance(
    claims: &[Claim],
    parties: &Parties,
    control: u32,
    now_ms: u64,
) -> Result<String, String> {
    if claims.is_empty() {
        return Err("no claims".into());
    }
    for claim in claims {
        if claim.status != ClaimStatus::Settled {
            return Err(format!(
                "claim {} is {:?}, not settled: an 835 reports payments made",
                claim.id, claim.status
            ));
        }
        if claim.provider != claims[0].provider || claim.insurer != claims[0].insurer {
            return Err("one 835 is from one payer to one payee: split the claims".into());
        }
    }
    if parties.payee_npi.len() != 10 || !parties.payee_npi.bytes().all(|b| b.is_ascii_digit()) {
        return Err("the payee NPI has 10 digits".into());
    }
    if parties.payer_company_id.len() != 10 {
        return Err("the payer's originating company id (TRN03) has 10 characters".into());
    }
    let date = format_date(now_ms).replace('-', "");
    let time = {
        let secs = now_ms / 1000;
        format!("{:02}{:02}", secs / 3600 % 24, secs / 60 % 60)
    };
    let mut body: Vec<String> = Vec::new();
    let mut total: Balance = 0;
    let mut clp = Vec::new();
    for claim in claims {
        let (groups, paid) = adjustments(claim)?;
        total += paid;
        let denied_all = claim.results.iter().all(|r| r.denied.is_some());
        let patient: Balance = groups.get("PR").map(|g| g.values().sum()).unwrap_or(0);
        clp.push(format!(
            "CLP*{}*{}*{}*{}*{}*12*{}",
            claim.id,
            if denied_all { 4 } else { 1 },
            amount(claim.billed),
            amount(paid),
            amount(patient),
            claim.id
        ));
        for (group, reasons) in &groups {
            let mut cas = format!("CAS*{group}");
            for (reason, value) in reasons {
                cas.push_str(&format!("*{reason}*{}*", amount(*value)));
            }
            clp.push(cas.trim_end_matches('*').to_owned());
        }
        // NM103-NM107 (names) left out: the chain holds a pseudonymous id only; the payee maps it.
        clp.push(format!("NM1*QC*1******MI*{}", hex::encode(claim.patient.0)));
        if let Some(at) = claim.settled_at {
            clp.push(format!("DTM*050*{}", format_date(at).replace('-', "")));
        }
    }
    let (street, city, state, zip) = &parties.payer_address;
    // ST03 is "not used" in the 005010X221A1 map pyx12 validates against.
    body.push("ST*835*0001".into());
    body.push(format!(
        "BPR*I*{}*C*NON{}*{date}",
        amount(total),
        "*".repeat(11)
    ));
    body.push(format!("TRN*1*{control}*{}", parties.payer_company_id));
    body.push(format!("DTM*405*{date}"));
    body.push(format!("N1*PR*{}", parties.payer_name));
    body.push(format!("N3*{street}"));
    body.push(format!("N4*{city}*{state}*{zip}"));
    body.push(format!("PER*BL*CLAIMS*TE*{}", parties.payer_contact_phone));
    body.push(format!(
        "N1*PE*{}*XX*{}",
        parties.payee_name, parties.payee_npi
    ));
    body.push("LX*1".into());
    body.extend(clp);
    let count = body.len() + 1;
    body.push(format!("SE*{count}*0001"));
    let pad = |s: &str, n: usize| format!("{s:<n$}");
    let mut out = vec![
        format!(
            "ISA*00*{}*00*{}*ZZ*{}*ZZ*{}*{}*{time}*^*00501*{control:09}*0*P*:",
            pad("", 10),
            pad("", 10),
            pad(&parties.payer_id, 15),
            pad(&parties.payee_id, 15),
            &date[2..]
        ),
        format!(
            "GS*HP*{}*{}*{date}*{time}*{control}*X*005010X221A1",
            parties.payer_id, parties.payee_id
        ),
    ];
    out.extend(body);
    out.push(format!("GE*1*{control}"));
    out.push(format!("IEA*1*{control:09}"));
    Ok(out.into_iter().map(|s| s + "~\n").collect())
}

#[cfg(test)]
mod tests {
    use super::amount;

    #[test]
    fn amounts_in_x12_decimal_form() {
        assert_eq!(amount(0), "0");
        assert_eq!(amount(12_300), "123");
        assert_eq!(amount(12_350), "123.5");
        assert_eq!(amount(12_305), "123.05");
    }
}
