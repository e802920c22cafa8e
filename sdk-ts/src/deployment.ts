// The deployment manifest `scripts/deploy.sh` writes: deployments/<chain>-<genesis>.json.

export const CONTRACT_NAMES = ['audit_log', 'access', 'registry', 'consent', 'provenance', 'claims', 'credentials'] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

export interface Deployment {
  chain: string;
  genesis: string;
  deployer: string;
  status: 'complete' | 'partial';
  contracts: Record<ContractName, { address: string; code_hash: string }>;
}

/** Check a parsed manifest: complete, with an address for every contract. */
export function parseDeployment(json: unknown): Deployment {
  const d = json as Partial<Deployment> | null;
  if (!d || typeof d !== 'object') throw new Error('the deployment manifest is not a JSON object');
  if (d.status !== 'complete') throw new Error(`the deployment is ${d.status ?? 'of unknown status'}, not complete`);
  if (typeof d.genesis !== 'string') throw new Error('the deployment names no genesis hash');
  for (const name of CONTRACT_NAMES) {
    const address = d.contracts?.[name]?.address;
    if (typeof address !== 'string' || address.length < 46) {
      throw new Error(`the deployment has no address for ${name}`);
    }
  }
  return d as Deployment;
}

/** The manifest's file name for a chain (as the deployer names it). */
export function manifestName(chain: string, genesis: string): string {
  const slug = chain.toLowerCase().replace(/[^a-z0-9]/g, '-');
  return `${slug}-${genesis.replace(/^0x/, '').slice(0, 8)}.json`;
}
