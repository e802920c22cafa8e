// Reads served from contract storage (the contracts carry no query messages): a patient's
// grants, records and break-glass sessions, an organisation, a batch.

import type { CareChain } from './suite.js';
import { field } from './storage.js';
import type {
  CarechainCommonConsentTypesEmergency,
  CarechainCommonConsentTypesGrant,
  CarechainCommonConsentTypesRecordMeta,
} from './generated/consent/index.js';

export type Grant = CarechainCommonConsentTypesGrant;
export type RecordMeta = CarechainCommonConsentTypesRecordMeta;
export type Emergency = CarechainCommonConsentTypesEmergency;

async function indexed<T>(
  index: { counts: { get(k: any): Promise<bigint | undefined> }; entries: { get(k: any): Promise<bigint | undefined> } },
  patient: string,
  item: (id: bigint) => Promise<T | undefined>,
): Promise<T[]> {
  const count = (await index.counts.get(patient)) ?? 0n;
  const out: T[] = [];
  for (let n = 0n; n < count; n++) {
    const id = await index.entries.get([patient, n]);
    if (id === undefined) continue;
    const value = await item(id);
    if (value !== undefined) out.push(value);
  }
  return out;
}

export async function patientGrants(suite: CareChain, patient: string): Promise<Grant[]> {
  const s = suite.consent.storage.lazy();
  return indexed(field(s, 'patientGrants'), patient, (id) => s.grants.get(id));
}

export async function patientRecords(suite: CareChain, patient: string): Promise<RecordMeta[]> {
  const s = suite.consent.storage.lazy();
  return indexed(field(s, 'patientRecords'), patient, (id) => s.records.get(id));
}

export async function patientEmergencies(suite: CareChain, patient: string): Promise<Emergency[]> {
  const s = suite.consent.storage.lazy();
  return indexed(field(s, 'patientEmergencies'), patient, (id) => s.emergencies.get(id));
}

/** The patient id an account controls, if any. */
export async function patientOf(suite: CareChain, account: string): Promise<string | undefined> {
  const lookup = field<{ get(a: string): Promise<unknown> }>(suite.registry.storage.lazy(), 'controllerOf');
  const id = await lookup.get(account);
  return id === undefined ? undefined : String(id);
}

/** The chain's time (the latest block's timestamp, ms). */
export async function chainNow(suite: CareChain): Promise<bigint> {
  return BigInt(await (suite.client as any).query.timestamp.now());
}
