/**
 * @module Serves the built Replay Audit UI at `/ui` (and redirects `/` there): hashed assets cached
 * for a year, index.html revalidated every time, every other `/ui/*` page answered with index.html
 * (the browser router takes it from there), strict security headers. The build is made (or found up
 * to date) once at start; until it is ready requests wait for it, and a failed build answers 503.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'graphql-yoga';

export const UI_PATH = '/ui';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** why: the UI needs nothing from another origin, so the policy can forbid everything else outright. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const COMMON_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Asset file names as esbuild writes them; anything else (`..`, slashes, encoded bytes) is not a file we serve. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

interface UiFile {
  body: Uint8Array;
  gzip: Uint8Array | null;
  type: string;
  etag: string;
}

export interface UiLogger {
  info(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export interface UiServingOptions {
  logger: UiLogger;
  /** Produce (or find) the build and return its directory; defaults to ui/build.ts's `ensureUiBuilt`. */
  build?: () => Promise<{ dir: string; built: boolean }>;
}

export interface UiServing {
  /** Settles when the build is loaded (or has failed; serving then answers 503). */
  ready: Promise<void>;
  /** The response for a UI path (`/`, `/ui`, `/ui/*`), or null when the path is not the UI's. */
  respond(request: Request, url: URL, R: typeof Response): Promise<Response | null>;
}

function toFile(body: Uint8Array, name: string): UiFile {
  const type = TYPES[extname(name)] ?? 'application/octet-stream';
  const compressible = type.startsWith('text/') || type.startsWith('application/json') || type === 'image/svg+xml';
  return {
    body,
    gzip: compressible && body.byteLength > 1024 ? gzipSync(body) : null,
    type,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
  };
}

async function loadBuild(dir: string): Promise<{ index: UiFile; assets: Map<string, UiFile> }> {
  const index = toFile(await readFile(join(dir, 'index.html')), 'index.html');
  const assets = new Map<string, UiFile>();
  for (const name of await readdir(join(dir, 'assets')).catch(() => [] as string[])) {
    if (ASSET_NAME.test(name)) assets.set(name, toFile(await readFile(join(dir, 'assets', name)), name));
  }
  return { index, assets };
}

async function defaultBuild(): Promise<{ dir: string; built: boolean }> {
  const { ensureUiBuilt } = await import('../ui/build.js');
  return ensureUiBuilt();
}

function send(file: UiFile, request: Request, R: typeof Response, cache: string, extra: Record<string, string> = {}): Response {
  const headers: Record<string, string> = { ...COMMON_HEADERS, ...extra, 'content-type': file.type, 'cache-control': cache, etag: file.etag, vary: 'accept-encoding' };
  if (request.headers.get('if-none-match') === file.etag) return new R(null, { status: 304, headers });
  const gzip = file.gzip && /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
  const body = gzip ? file.gzip! : file.body;
  headers['content-length'] = String(body.byteLength);
  if (gzip) headers['content-encoding'] = 'gzip';
  return new R(request.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), { status: 200, headers });
}

function text(R: typeof Response, status: number, message: string, extra: Record<string, string> = {}): Response {
  return new R(`${message}\n`, { status, headers: { ...COMMON_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...extra } });
}

/** Build (or find) the UI and serve it from memory. */
export function createUiServing(opts: UiServingOptions): UiServing {
  let loaded: { index: UiFile; assets: Map<string, UiFile> } | null = null;
  const started = Date.now();
  const ready = (opts.build ?? defaultBuild)()
    .then(async (b) => {
      loaded = await loadBuild(b.dir);
      opts.logger.info({ dir: b.dir, built: b.built, ms: Date.now() - started }, b.built ? 'ui built' : 'ui build up to date');
    })
    .catch((e: unknown) => opts.logger.error({ err: e }, 'ui build failed; /ui answers 503'));

  async function respond(request: Request, url: URL, R: typeof Response): Promise<Response | null> {
    const path = url.pathname;
    if (path === '/') return request.method === 'GET' || request.method === 'HEAD' ? new R(null, { status: 302, headers: { location: `${UI_PATH}/` } }) : null;
    if (path !== UI_PATH && !path.startsWith(`${UI_PATH}/`)) return null;
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(R, 405, 'method not allowed', { allow: 'GET, HEAD' });
    await ready;
    if (!loaded) return text(R, 503, 'the UI could not be built; see the server log');
    const rest = path.slice(UI_PATH.length + 1);
    if (rest.startsWith('assets/')) {
      const file = loaded.assets.get(rest.slice('assets/'.length));
      return file ? send(file, request, R, IMMUTABLE) : text(R, 404, 'not found');
    }
    // why: a path whose last segment looks like a file name is a missing file, not a page of the app.
    if (/\.[A-Za-z0-9]+$/.test(rest)) return text(R, 404, 'not found');
    return send(loaded.index, request, R, 'no-cache', { 'content-security-policy': CSP });
  }
  return { ready, respond };
}

/** A yoga plugin answering UI paths before GraphQL handling. */
export function useUi(ui: UiServing): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      const res = await ui.respond(request, url, fetchAPI.Response);
      if (res) endResponse(res);
    },
  };
}
