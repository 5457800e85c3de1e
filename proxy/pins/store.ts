/**
 * @module Tool pins: the digest of each upstream tool's description and input schema, as an admin
 * approved it. A tool whose current digest differs from its approved one (a "rug pull") is hidden
 * and its calls refused until an admin approves again. The file (`pins.json` in the data dir) is
 * shared by the running proxy and the `interceptor proxy pins` commands: writes replace it atomically,
 * and the proxy re-reads it when its modification time changes, so approvals apply without a restart.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { digestJson } from '../../lib/canonical-json.js';
import { InterceptorError } from '../../lib/errors.js';
import { parseOrFail } from '../../lib/validation.js';

export const PINS_FILE = 'pins.json';

const PinSchema = z.strictObject({
  /** The digest last seen upstream. */
  observed: z.string(),
  observedAt: z.string(),
  /** The approved digest; absent until an admin (or first-use auto-pinning) approves. */
  approved: z.string().optional(),
  approvedAt: z.string().optional(),
  approvedBy: z.string().optional(),
  /** Instruction-like findings in the description when observed (blocks auto-pinning). */
  flags: z.array(z.string()).default([]),
});
export type Pin = z.infer<typeof PinSchema>;
const PinsFileSchema = z.record(z.string(), z.record(z.string(), PinSchema));
type PinsFile = z.infer<typeof PinsFileSchema>;

/** What the digest covers: the parts of a tool an agent's model reads and acts on. */
export function toolDigest(tool: { description?: string | undefined; inputSchema: unknown }): string {
  return digestJson({ description: tool.description ?? '', inputSchema: tool.inputSchema });
}

export type PinStatus = 'approved' | 'unapproved' | 'violation';

export interface PinStore {
  get(server: string, tool: string): Pin | undefined;
  status(server: string, tool: string, digest: string): PinStatus;
  /** Record what was seen upstream; returns the entry as stored. */
  observe(server: string, tool: string, digest: string, flags: string[], now: Date): Pin;
  /** Approve the observed digest; throws NOT_FOUND when the tool was never observed. */
  approve(server: string, tool: string, by: string, now: Date): Pin;
  list(): PinsFile;
}

export function openPinStore(dataDir: string): PinStore {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, PINS_FILE);
  let loadedMtime = -1;
  let pins: PinsFile = {};
  const refresh = (): void => {
    const mtime = mtimeOf(path);
    if (mtime === loadedMtime) return;
    pins = mtime < 0 ? {} : readPins(path);
    loadedMtime = mtime;
  };
  const save = (): void => {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(pins, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, path);
    loadedMtime = mtimeOf(path);
  };
  const get = (server: string, tool: string): Pin | undefined => {
    refresh();
    return Object.hasOwn(pins, server) && Object.hasOwn(pins[server]!, tool) ? pins[server]![tool] : undefined;
  };
  return {
    get,
    status(server, tool, digest) {
      const pin = get(server, tool);
      if (!pin?.approved) return 'unapproved';
      return pin.approved === digest ? 'approved' : 'violation';
    },
    observe(server, tool, digest, flags, now) {
      const pin = get(server, tool);
      if (pin && pin.observed === digest) return pin;
      const next: Pin = { ...(pin ?? {}), observed: digest, observedAt: now.toISOString(), flags };
      pins[server] = { ...(pins[server] ?? {}), [tool]: next };
      save();
      return next;
    },
    approve(server, tool, by, now) {
      const pin = get(server, tool);
      if (!pin) throw new InterceptorError('NOT_FOUND', `tool \`${tool}\` of server \`${server}\` has not been seen by the proxy`);
      const next: Pin = { ...pin, approved: pin.observed, approvedAt: now.toISOString(), approvedBy: by };
      pins[server] = { ...pins[server], [tool]: next };
      save();
      return next;
    },
    list() {
      refresh();
      return structuredClone(pins);
    },
  };
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

function readPins(path: string): PinsFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new InterceptorError('INTERNAL', `pins file \`${path}\` is not valid JSON`, { cause });
  }
  return parseOrFail(PinsFileSchema, json, `pins file \`${path}\``);
}
