/**
 * @module `interceptor evidence verify FILE --key KEY`: verify an evidence bundle offline with nothing
 * but the signer's public key (a JWK or a JWKS, as a file). Exits 0 when intact, 1 on any tampering
 * (naming the part, the event index and what failed), 2 on a usage error.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { verifyEvidenceBundle } from '../replay/index.js';

const USAGE = 'usage: interceptor evidence verify <bundle.json> --key <public-jwk-or-jwks.json>\n';
const MAX_BUNDLE_BYTES = 512 * 1024 * 1024;

const KeySchema = z.union([
  z.object({ keys: z.array(z.looseObject({ kty: z.string() })).min(1) }),
  z.looseObject({ kty: z.string() }),
]);

export async function runEvidenceCli(argv: string[], out = process.stdout, err = process.stderr): Promise<number> {
  const [sub, file, ...rest] = argv;
  const keyAt = rest.indexOf('--key');
  const keyFile = keyAt >= 0 ? rest[keyAt + 1] : undefined;
  if (sub !== 'verify' || !file || !keyFile) {
    err.write(USAGE);
    return 2;
  }
  let bundle: string;
  let key: z.infer<typeof KeySchema>;
  try {
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(file));
    if (size > MAX_BUNDLE_BYTES) throw new Error(`\`${file}\` is larger than ${MAX_BUNDLE_BYTES} bytes`);
    bundle = await readFile(file, 'utf8');
    const parsedKey = KeySchema.safeParse(JSON.parse(await readFile(keyFile, 'utf8')));
    if (!parsedKey.success) throw new Error(`\`${keyFile}\` is not a JWK or a JWKS`);
    key = parsedKey.data;
  } catch (e) {
    err.write(`interceptor evidence: ${(e as Error).message}\n`);
    return 2;
  }
  const result = await verifyEvidenceBundle(bundle, key as Parameters<typeof verifyEvidenceBundle>[1]);
  for (const note of result.notes ?? []) out.write(`note: ${note}\n`);
  if (result.ok) {
    out.write(`ok: ${file} is intact and signed by the given key\n`);
    return 0;
  }
  for (const f of result.failures) out.write(`FAIL ${f.part}${f.index === undefined ? '' : `[${f.index}]`} ${f.code}: ${f.message}\n`);
  return 1;
}
