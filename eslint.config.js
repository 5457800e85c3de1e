// Lint enforces the architecture: workflow code stays deterministic, pure domain stays pure.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'fs/promises', 'path', 'os', 'net', 'http', 'https', 'crypto', 'child_process', 'worker_threads', 'dgram', 'dns', 'tls', 'stream', 'zlib', 'cluster', 'timers', 'process'];
const nodePatterns = nodeBuiltins.flatMap((m) => [m, `node:${m}`]);

export default tseslint.config(
  { ignores: ['node_modules/**', '.interceptor/**', 'ui/dist/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportAllDeclaration', message: 're-export names explicitly' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...nodePatterns, 'pg', '@modelcontextprotocol/sdk', 'undici'],
        patterns: ['../activities/*!(index.js)', '../db/*', '../tools/*', '../api/*'],
      }],
    },
  },
  {
    files: ['governance/**/*.ts', 'replay/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http', 'child_process', 'node:child_process', 'pg'],
        patterns: ['../../db/*', '../db/*', '../../api/*', '../../activities/*', '../../tools/*'],
      }],
    },
  },
);
