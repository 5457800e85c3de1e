/**
 * @module read_file and write_file inside a per-tenant sandbox directory. Paths are resolved and
 * re-checked against the sandbox root after resolving symlinks, so `..`, absolute paths and links
 * pointing outside are refused here too (governance/capability refuses them earlier by string checks).
 */
import { mkdir, readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toolError, type ToolExecutor, type ToolOutcome } from './types.js';

const MAX_READ_BYTES = 1024 * 1024;

async function sandboxRoot(base: string, tenant: string): Promise<string> {
  const root = path.join(base, tenant.replace(/[^A-Za-z0-9_.-]/g, '_'));
  await mkdir(root, { recursive: true });
  return realpath(root);
}

/** Resolve `rel` inside `root`, or return null when it would escape. */
async function resolveInside(root: string, rel: string): Promise<string | null> {
  if (rel.includes('\0') || path.isAbsolute(rel)) return null;
  const target = path.resolve(root, rel);
  if (target !== root && !target.startsWith(root + path.sep)) return null;
  // why: the nearest existing ancestor is resolved through symlinks; a link out of the sandbox is an escape.
  let probe = target;
  for (;;) {
    try {
      const real = await realpath(probe);
      return real === root || real.startsWith(root + path.sep) ? target : null;
    } catch {
      const parent = path.dirname(probe);
      if (parent === probe) return null;
      probe = parent;
    }
  }
}

export function createFileTools(sandboxBase: string): { read_file: ToolExecutor; write_file: ToolExecutor } {
  const read_file: ToolExecutor = async ({ tenant, args }) => {
    const root = await sandboxRoot(sandboxBase, tenant);
    const file = await resolveInside(root, String(args.path ?? ''));
    if (!file) return toolError('PATH_OUTSIDE_SANDBOX', `path \`${String(args.path)}\` is outside the sandbox`);
    try {
      const st = await stat(file);
      if (!st.isFile()) return toolError('NOT_A_FILE', `\`${String(args.path)}\` is not a file`);
      if (st.size > MAX_READ_BYTES) return toolError('FILE_TOO_LARGE', `\`${String(args.path)}\` is larger than ${MAX_READ_BYTES} bytes`);
      return { ok: true, result: { path: args.path, content: await readFile(file, 'utf8'), bytes: st.size } };
    } catch (e) {
      return fileError(e, String(args.path));
    }
  };

  const write_file: ToolExecutor = async ({ tenant, args, executionKey }) => {
    const root = await sandboxRoot(sandboxBase, tenant);
    const file = await resolveInside(root, String(args.path ?? ''));
    if (!file) return toolError('PATH_OUTSIDE_SANDBOX', `path \`${String(args.path)}\` is outside the sandbox`);
    const content = String(args.content ?? '');
    try {
      await mkdir(path.dirname(file), { recursive: true });
      // why: write-then-rename makes a retried execution idempotent and never leaves a torn file.
      const tmp = `${file}.${executionKey.replace(/[^A-Za-z0-9]/g, '_')}.tmp`;
      await writeFile(tmp, content, 'utf8');
      await rename(tmp, file);
      return { ok: true, result: { path: args.path, bytes: Buffer.byteLength(content) } };
    } catch (e) {
      return fileError(e, String(args.path));
    }
  };
  return { read_file, write_file };
}

function fileError(e: unknown, p: string): ToolOutcome {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return toolError('NOT_FOUND', `file \`${p}\` does not exist`);
  if (code === 'EISDIR') return toolError('NOT_A_FILE', `\`${p}\` is a directory`);
  return toolError('IO_ERROR', `could not access \`${p}\`: ${code ?? 'unknown error'}`);
}
