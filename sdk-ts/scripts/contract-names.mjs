// The suite's contract names for the build scripts (type generation, the page's asset copy), read
// from their one definition, CONTRACT_NAMES in src/deployment.ts: these scripts run before the
// client is compiled, so they cannot import it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'deployment.ts');
const found = readFileSync(source, 'utf8').match(/export const CONTRACT_NAMES = \[([^\]]*)\]/);
if (!found) throw new Error(`${source}: no CONTRACT_NAMES list`);
export const CONTRACT_NAMES = [...found[1].matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
if (CONTRACT_NAMES.length === 0) throw new Error(`${source}: CONTRACT_NAMES is empty`);
