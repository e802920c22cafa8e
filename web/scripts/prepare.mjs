// Copy what the page loads at run time into public/: the contracts' metadata (target/ink) and the
// deployment manifests (deployments/), with an index. No keys are copied: there are none there.
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTRACT_NAMES as contracts } from '../../sdk-ts/scripts/contract-names.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pub = join(root, 'web', 'public');
mkdirSync(join(pub, 'metadata'), { recursive: true });
for (const name of contracts) {
  const source = join(root, 'target', 'ink', name, `${name}.json`);
  if (!existsSync(source)) {
    console.error(`[web] ${source} is missing: build the contracts first (scripts/build.sh)`);
    process.exit(1);
  }
  copyFileSync(source, join(pub, 'metadata', `${name}.json`));
}
mkdirSync(join(pub, 'deployments'), { recursive: true });
const dir = process.env.CARECHAIN_DEPLOYMENTS ?? join(root, 'deployments');
const manifests = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
for (const file of manifests) copyFileSync(join(dir, file), join(pub, 'deployments', file));
writeFileSync(join(pub, 'deployments', 'index.json'), JSON.stringify(manifests));
console.log(`[web] metadata of ${contracts.length} contracts and ${manifests.length} deployment(s) copied to web/public`);
