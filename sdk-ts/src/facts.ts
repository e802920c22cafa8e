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

/** Where `grant` stands at `now`: revocation first, then an ended registration or recovery
 *  epoch (a recovery ends every earlier grant, whoever made it), then the window. */
export function grantStatus(grant: Grant, patient: PatientStanding | undefined, now: bigint): GrantStatus {
  if (grant.revokedAt !== undefined) return 'revoked';
  if (!patient || patient.registration !== grant.registration || patient.epoch !== grant.epoch) return 'ended by recovery';
  if (now < grant.scope.validFrom) return 'not yet valid';
  if (now >= grant.scope.validUntil) return 'expired';
  return 'active';
}

/** The patient's standing as the registry holds it now. */
export async function patientStanding(suite: CareChain, patient: string): Promise<PatientStanding | undefined> {
  const record = await suite.registry.storage.lazy().patients.get(patient as `0x${string}`);
  return record ? { registration: record.registration, epoch: record.epoch } : undefined;
}
