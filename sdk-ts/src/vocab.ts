// The contracts' vocabularies: data categories and purposes read from the contracts' own metadata
// (a variant's index is its bit in the bit sets the contracts store: CategorySet, PurposeSet).
// Roles and service categories appear in no message, event or storage type — only as the bits of
// a RoleSet or a policy's CoverageSet (a claim never names its service category) — so they are
// the two lists kept here, in bit order, and the tests check them against the Rust enums
// (test/fixtures/facts-vectors.json).

/** `Role` variants in bit order (bit i of a RoleSet is ROLES[i]). */
export const ROLES = ['Provider', 'Manufacturer', 'Distributor', 'Pharmacy', 'Insurer', 'Researcher', 'Regulator', 'PublicHealth'] as const;

/** `ServiceCategory` variants in bit order (bit i of a policy's CoverageSet is SERVICES[i]). */
export const SERVICES = ['Consultation', 'Laboratory', 'Imaging', 'Pharmacy', 'Hospitalisation', 'Surgery', 'Emergency', 'Preventive', 'MentalHealth', 'Rehabilitation'] as const;

const PATHS = {
  categories: 'carechain_common::vocab::DataCategory',
  purposes: 'carechain_common::vocab::Purpose',
} as const;

export type VocabularyName = keyof typeof PATHS | 'roles' | 'services';
export type Vocabulary = Record<VocabularyName, readonly string[]>;

/** The variant names of the enum at `path` in one contract's metadata, by index (`undefined`
 *  when that metadata does not use the type). */
export function variantNames(metadata: any, path: string): string[] | undefined {
  const found = (metadata?.types ?? []).find((t: any) => (t.type?.path ?? []).join('::') === path);
  const variants: { name: string; index: number }[] | undefined = found?.type?.def?.variant?.variants;
  if (!variants) return undefined;
  const names: string[] = [];
  for (const v of variants) names[v.index] = v.name;
  return names;
}

/** Every vocabulary, from whichever of the suite's metadata carries it. */
export function vocabularyOf(metadata: Record<string, unknown>): Vocabulary {
  const out: Partial<Record<VocabularyName, readonly string[]>> = { roles: ROLES, services: SERVICES };
  for (const [name, path] of Object.entries(PATHS) as [keyof typeof PATHS, string][]) {
    for (const contract of Object.values(metadata)) {
      const names = variantNames(contract, path);
      if (names) {
        out[name] = names;
        break;
      }
    }
    if (!out[name]) throw new Error(`no contract metadata describes ${path}`);
  }
  return out as Vocabulary;
}

/** A bit set of names (bit i = the vocabulary's name i). An unknown name throws. */
export function bitSet(names: readonly string[], chosen: readonly string[]): number {
  return chosen.reduce((acc, name) => {
    const bit = names.indexOf(name);
    if (bit < 0) throw new Error(`${name} is not one of ${names.join(', ')}`);
    return acc | (1 << bit);
  }, 0);
}

/** The names of a bit set's members. */
export function namesOf(names: readonly string[], set: number | bigint): string[] {
  const bits = Number(set);
  return names.filter((_, i) => (bits >> i) & 1);
}
