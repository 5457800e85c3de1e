/**
 * @module Builds the Replay Audit UI with esbuild into `ui/dist/<digest>/` (index.html + hashed assets).
 * The digest covers every source file, so a changed source means a new directory: a build is never
 * "half stale", concurrent builders cannot clobber each other (each writes a temp dir, then renames),
 * and `ensureUiBuilt` can decide "up to date" by looking for one directory. Run directly to build.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const UI_ROOT = fileURLToPath(new URL('.', import.meta.url));
export const UI_DIST = join(UI_ROOT, 'dist');
const SOURCE_DIRS = ['src'];
const SOURCE_FILES = ['index.html', 'build.ts', 'tsconfig.json'];
/** Builds older than this are pruned once a newer one exists; a running older server may still read them. */
const PRUNE_AFTER_MS = 3_600_000;

export interface UiBuild {
  dir: string;
  digest: string;
  /** Whether this call produced the build (false: an up-to-date one was already there). */
  built: boolean;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** SHA-256 over the relative path and content of every input of the build, plus the bundled libraries' versions. */
export async function uiSourceDigest(root = UI_ROOT): Promise<string> {
  const files = [...SOURCE_FILES.map((f) => join(root, f))];
  for (const d of SOURCE_DIRS) files.push(...(await listFiles(join(root, d))));
  files.sort();
  const h = createHash('sha256');
  for (const f of files) {
    h.update(relative(root, f)).update('\0').update(await readFile(f)).update('\0');
  }
  for (const pkg of ['preact', '@dagrejs/dagre', 'esbuild']) h.update(`${pkg}@${await packageVersion(pkg)}\0`);
  return h.digest('hex').slice(0, 16);
}

async function packageVersion(name: string): Promise<string> {
  const path = fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url));
  try {
    return (JSON.parse(await readFile(path, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'missing';
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** Bundle into `outDir`: assets/<name>-<hash>.{js,css} and an index.html that references them. */
async function bundle(outDir: string, root: string): Promise<void> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [join(root, 'src/main.tsx')],
    outdir: join(outDir, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    sourcemap: false,
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
  const js = outputs.find((f) => f.endsWith('.js'));
  const css = outputs.find((f) => f.endsWith('.css'));
  if (!js || !css) throw new Error(`ui build produced no script or stylesheet: ${outputs.join(', ')}`);
  const html = (await readFile(join(root, 'index.html'), 'utf8'))
    .replace('%SCRIPT%', `/ui/assets/${js}`)
    .replace('%STYLE%', `/ui/assets/${css}`);
  await writeFile(join(outDir, 'index.html'), html);
}

async function prune(distDir: string, keep: string): Promise<void> {
  for (const name of await readdir(distDir).catch(() => [] as string[])) {
    if (name === keep) continue;
    const p = join(distDir, name);
    const s = await stat(p).catch(() => null);
    if (s && Date.now() - s.mtimeMs > PRUNE_AFTER_MS) await rm(p, { recursive: true, force: true });
  }
}

/** Build the UI unless a build of the current sources exists; safe to call from several processes at once. */
export async function ensureUiBuilt(opts: { root?: string; distDir?: string } = {}): Promise<UiBuild> {
  const root = opts.root ?? UI_ROOT;
  const distDir = opts.distDir ?? UI_DIST;
  const digest = await uiSourceDigest(root);
  const dir = join(distDir, digest);
  if (await exists(join(dir, 'index.html'))) return { dir, digest, built: false };
  await mkdir(distDir, { recursive: true });
  const tmp = join(distDir, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await bundle(tmp, root);
    // INVARIANT: a directory named after the digest is complete; rename is atomic, and losing the race is fine.
    await rename(tmp, dir).catch(async (e: NodeJS.ErrnoException) => {
      if (!(await exists(join(dir, 'index.html')))) throw e;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  await prune(distDir, digest);
  return { dir, digest, built: true };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  ensureUiBuilt().then(
    (b) => process.stdout.write(`ui ${b.built ? 'built' : 'up to date'}: ${b.dir} (${Math.round(performance.now() - started)} ms)\n`),
    (e: unknown) => {
      process.stderr.write(`ui build failed: ${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
