/**
 * @module The bootstrap administrator token: `INTERCEPTOR_ADMIN_TOKEN` when set; otherwise generated
 * once, written to `<dataDir>/admin-token` readable by the owner only (0600), and reused on restart.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InterceptorError } from '../lib/errors.js';
import { sha256Hex } from './auth.js';

export interface BootstrapToken {
  token: string;
  hash: string;
  /** Where the token came from; `generated` means it was created now and must be shown once. */
  source: 'environment' | 'file' | 'generated';
  path?: string;
}

export const ADMIN_TOKEN_FILE = 'admin-token';

/** Read, or create, the bootstrap administrator token. */
export async function ensureBootstrapToken(opts: { configured?: string; dataDir: string }): Promise<BootstrapToken> {
  if (opts.configured) return { token: opts.configured, hash: sha256Hex(opts.configured), source: 'environment' };
  const path = join(opts.dataDir, ADMIN_TOKEN_FILE);
  const existing = await readExisting(path);
  if (existing) return { token: existing, hash: sha256Hex(existing), source: 'file', path };
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  const token = `ik_admin_${randomBytes(32).toString('base64url')}`;
  try {
    // why: `wx` fails when another process created the file first; its token then wins.
    await writeFile(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const raced = await readExisting(path);
    if (raced) return { token: raced, hash: sha256Hex(raced), source: 'file', path };
  }
  return { token, hash: sha256Hex(token), source: 'generated', path };
}

async function readExisting(path: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const mode = (await stat(path)).mode & 0o777;
  // why: a token others can read is no longer a secret; tighten it rather than refuse to start.
  if ((mode & 0o077) !== 0) await chmod(path, 0o600);
  const token = text.trim();
  if (token.length < 16) throw new InterceptorError('BAD_USER_INPUT', `the admin token file \`${path}\` is malformed`);
  return token;
}
