// FHIR R4 Consent for a patient's grants. A grant's `validUntil` is exclusive; FHIR's
// `Period.end` is inclusive, so the export gives `validUntil - 1 ms` (and the Rust exporter
// does the same).

import type { Grant } from './reads.js';
import { accountText } from './storage.js';

/** The contracts' vocabularies, in bit order. */
export const CATEGORIES = ['Demographics', 'Conditions', 'Medications', 'Allergies', 'Laboratory', 'Imaging', 'ClinicalNotes', 'Genomics', 'MentalHealth', 'SexualReproductiveHealth', 'SubstanceUse', 'Immunisations'] as const;
export const PURPOSE_NAMES = ['Treatment', 'Payment', 'Operations', 'Research', 'PublicHealth', 'EmergencyTreatment'] as const;
const PURPOSES: Record<string, string> = {
  Treatment: 'TREAT',
  Payment: 'HPAYMT',
  Operations: 'HOPERAT',
  Research: 'HRESCH',
  PublicHealth: 'PUBHLTH',
  EmergencyTreatment: 'ETREAT',
};

/** A bit set of names (bit i = name i). */
export function bitSet(names: readonly string[], chosen: readonly string[]): number {
  return chosen.reduce((acc, name) => acc | (1 << names.indexOf(name)), 0);
}

export function namesOf(names: readonly string[], set: number): string[] {
  return names.filter((_, i) => (set >> i) & 1);
}

function bits(set: unknown): number {
  return Number((set as any)?.toString?.() ?? set ?? 0);
}

export function consentResource(grant: Grant, patientReference: string): Record<string, unknown> {
  const categoryBits = bits(grant.scope.categories);
  const purposeNames = PURPOSE_NAMES;
  const purposeBits = bits(grant.scope.purposes);
  const grantee = (grant.grantee as any).type === 'Anyone' ? undefined : accountText((grant.grantee as any).value);
  const iso = (ms: bigint) => new Date(Number(ms)).toISOString();
  const effect = String(grant.effect) === 'Deny' ? 'deny' : 'permit';
  return {
    resourceType: 'Consent',
    id: grant.id.toString(),
    status: grant.revokedAt === undefined ? 'active' : 'inactive',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Consent Document' }] }],
    patient: { reference: patientReference },
    dateTime: iso(grant.createdAt),
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
    provision: {
      type: effect,
      period: { start: iso(grant.scope.validFrom), end: grant.scope.validUntil >= 2n ** 63n ? undefined : iso(grant.scope.validUntil - 1n) },
      actor: grantee
        ? [{ role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] }, reference: { identifier: { system: 'urn:carechain:account', value: grantee } } }]
        : undefined,
      purpose: purposeNames
        .filter((_, i) => (purposeBits >> i) & 1)
        .map((p) => ({ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: PURPOSES[p] })),
      class: CATEGORIES.filter((_, i) => (categoryBits >> i) & 1).map((c) => ({ system: 'urn:carechain:category', code: c })),
    },
  };
}
