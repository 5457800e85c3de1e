/**
 * docker-compose.yml is for users' machines (there is no Docker engine here): validate it with
 * `docker-compose config` (Debian's package works without an engine) and check what it must define.
 * Skipped, saying why, when docker-compose is not installed; .ci/run installs it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../config/env.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const haveCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;

interface ComposeService { image?: string; build?: unknown; environment?: Record<string, string>; depends_on?: Record<string, unknown>; ports?: unknown[] }

function resolvedConfig(): { services: Record<string, ComposeService> } {
  const yaml = execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, INTERCEPTOR_ADMIN_TOKEN: 'x'.repeat(32) } });
  const json = execFileSync('python3', ['-c', 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], { input: yaml, encoding: 'utf8' });
  return JSON.parse(json) as { services: Record<string, ComposeService> };
}

describe.skipIf(!haveCompose)('docker-compose.yml (skipped: docker-compose is not installed)', () => {
  it('is valid', () => {
    expect(() => execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: ROOT, stdio: 'pipe' })).not.toThrow();
  });

  it('defines Postgres, a real Temporal server with its UI, and Interceptor built from the Dockerfile', () => {
    const { services } = resolvedConfig();
    expect(Object.keys(services).sort()).toEqual(['interceptor', 'postgres', 'temporal', 'temporal-postgres', 'temporal-ui']);
    expect(services.postgres!.image).toMatch(/^postgres:/);
    expect(services.temporal!.image).toMatch(/^temporalio\/(auto-setup|server)/);
    expect(services['temporal-ui']!.image).toMatch(/^temporalio\/ui/);
    expect(services.interceptor!.build).toBeDefined();
    expect(Object.keys(services.interceptor!.depends_on ?? {}).sort()).toEqual(['postgres', 'temporal']);
  });

  it('configures Interceptor only through variables its configuration schema knows', () => {
    const env = resolvedConfig().services.interceptor!.environment ?? {};
    const known = Object.keys(ConfigSchema.shape);
    expect(Object.keys(env).filter((k) => !known.includes(k))).toEqual([]);
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/.+@postgres:5432\//);
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(env.HOST).toBe('0.0.0.0');
    expect(() => ConfigSchema.parse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')))).not.toThrow();
  });
});
