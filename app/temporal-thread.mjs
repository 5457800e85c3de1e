// @ts-check
/**
 * Worker-thread entry for the embedded Temporal service. A thread has no tsx loader of its own, so
 * this plain module registers it and then loads the TypeScript side (temporal-thread-main.ts).
 */
import { register } from 'tsx/esm/api';

register();
await import('./temporal-thread-main.ts');
