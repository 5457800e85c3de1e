/**
 * @module Storage entry points. Repositories are imported from `db/queries/<aggregate>.js` directly;
 * this module gathers what wires the database up.
 */
export { openDatabase, type Database, type DatabaseConfig } from './database.js';
export { EMBEDDED_POOL_OPTIONS, startEmbeddedPostgres, type EmbeddedOptions, type EmbeddedPostgres } from './embedded.js';
export { loadMigrations, migrate, MIGRATIONS_DIR, type Migration, type MigrationResult } from './migrate.js';
export { atomically, createPool, isRetryableTransactionError, withTransaction, type PoolOptions, type Queryable, type TransactionOptions } from './pool.js';
