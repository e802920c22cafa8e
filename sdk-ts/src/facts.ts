// Facts derived from what the chain stores, the same as the Rust SDK's (`carechain_sdk::facts`):
// where a grant stands. Checked against vectors the Rust side writes
// (test/fixtures/facts-vectors.json, from tests/tests/ts_interop.rs).

import type { CareChain } from './suite.js';
import type { Grant } from './reads.js';

/** Where a grant stands, in the words every view shows. */
export type GrantStatus = 'active' | 'not yet valid' | 'expired' | 'revoked' | 'ended by recovery';

/** The patient's current registration and recovery epoch (`undefined`: not registered now). */
export interface PatientStanding {
  registration: bigint;
  epoch: number;
}

/** Whether a grant is in force for the patient's current registration and epoch: a new
 *  registration starts with nothing; a recovery ends every earlier permit (a thief's included)
 *  and keeps the patient's denials (Rust: `carechain_common::grant_in_force`). */
export function grantInForce(grant: Grant, patient: PatientStanding): boolean {
  const deny = String(grant.effect) === 'Deny';
  return patient.registration === grant.registration && (deny || patient.epoch === grant.epoch);
}

/** Where `grant` stands at `now`: revocation first, then a grant no longer in force (an earlier
 *  registration; a permit of an earlier recovery epoch), then the window. */
export function grantStatus(grant: Grant, patient: PatientStanding | undefined, now: bigint): GrantStatus {
  if (grant.revokedAt !== undefined) return 'revoked';
  if (!patient || !grantInForce(grant, patient)) return 'ended by recovery';
  if (now < grant.scope.validFrom) return 'not yet valid';
  if (now >= grant.scope.validUntil) return 'expired';
  return 'active';
}

/** The patient's standing as the registry holds it now. */
export async function patientStanding(suite: CareChain, patient: string): Promise<PatientStanding | undefined> {
  const record = await suite.registry.storage.lazy().patients.get(patient as `0x${string}`);
  return record ? { registration: record.registration, epoch: record.epoch } : undefined;
}
