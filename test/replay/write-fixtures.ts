/** Writes the scenario histories to test/fixtures/histories/ (run: npx tsx test/replay/write-fixtures.ts). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { governedHistory, SCENARIOS } from './scenarios.js';

const NAMES: Record<string, string> = { allowed: 'built-allowed', deniedSkipped: 'built-denied-skipped', approved: 'built-approval-approved', expired: 'built-approval-expired' };
for (const [key, name] of Object.entries(NAMES)) {
  const file = fileURLToPath(new URL(`../fixtures/histories/${name}.json`, import.meta.url));
  writeFileSync(file, `${JSON.stringify(governedHistory(SCENARIOS[key]!), null, 2)}\n`);
}
