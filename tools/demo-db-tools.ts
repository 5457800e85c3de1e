/**
 * @module send_email (into the outbox table) and run_sql (read-only, demo schema). Their effects
 * live in Postgres; the outbox row's id is the execution key, so a retried execution stores one e-mail.
 */
import { enqueueEmail } from '../db/queries/outbox-emails.js';
import type { ReadOnlyQueryRunner } from '../db/queries/demo.js';
import { isInterceptorError } from '../lib/errors.js';
import { toolError, type ToolExecutor } from './types.js';

export function createSendEmail(): ToolExecutor {
  return async ({ db, tenant, taskId, stepId, executionKey, args }) => {
    try {
      const email = await enqueueEmail(db, {
        id: executionKey, tenant, taskId, stepId,
        recipients: [String(args.to ?? '')], subject: String(args.subject ?? ''), body: String(args.body ?? ''),
      });
      return { ok: true, result: { messageId: email.id, to: email.recipients, queuedAt: email.createdAt } };
    } catch (e) {
      if (isInterceptorError(e)) return toolError(e.code, e.message);
      throw e;
    }
  };
}

/** `run` is where the query runs (the database's sandbox function, or the embedded sandbox thread); `timeoutMs` its limit. */
export function createRunSql(run: ReadOnlyQueryRunner, timeoutMs: number): ToolExecutor {
  return async ({ args }) => {
    if (Array.isArray(args.params) && args.params.length > 0) return toolError('NOT_SUPPORTED', 'query parameters are not supported by the demo sandbox: inline literal values');
    try {
      const r = await run({ sql: String(args.query ?? ''), maxRows: 100, timeoutMs });
      return { ok: true, result: { rows: r.rows, rowCount: r.rows.length, truncated: r.truncated } };
    } catch (e) {
      // why INTERNAL is thrown: the sandbox could not start, which says nothing of the query (retried)
      if (isInterceptorError(e) && e.code !== 'INTERNAL') return toolError(e.code === 'FORBIDDEN' ? 'QUERY_REFUSED' : e.code === 'PAYLOAD_TOO_LARGE' ? 'RESULT_TOO_LARGE' : 'QUERY_FAILED', e.message);
      throw e;
    }
  };
}
