/** @module The e-mail outbox the `send_email` demo tool writes to instead of sending mail. */
import { z } from 'zod';
import { InterceptorError } from '../../lib/errors.js';
import { parseOrFail } from '../../lib/validation.js';
import type { Queryable } from '../pool.js';
import { iso } from '../rows.js';

export interface OutboxEmail {
  id: string;
  tenant: string;
  taskId: string | null;
  stepId: string | null;
  recipients: string[];
  subject: string;
  body: string;
  createdAt: string;
}

const EmailSchema = z.object({
  /** Idempotency key (e.g. the tool execution key): writing the same id twice stores one e-mail. */
  id: z.string().min(1).max(512),
  tenant: z.string().min(1).max(128),
  taskId: z.string().min(1).max(256).optional(),
  stepId: z.string().min(1).max(128).optional(),
  recipients: z.array(z.email()).min(1).max(100),
  subject: z.string().max(998),
  body: z.string().max(100_000),
});

interface EmailRow {
  id: string;
  tenant: string;
  task_id: string | null;
  step_id: string | null;
  recipients: string[];
  subject: string;
  body: string;
  created_at: Date;
}
const COLUMNS = 'id, tenant, task_id, step_id, recipients, subject, body, created_at';
const toEmail = (r: EmailRow): OutboxEmail => ({
  id: r.id, tenant: r.tenant, taskId: r.task_id, stepId: r.step_id, recipients: r.recipients, subject: r.subject, body: r.body, createdAt: iso(r.created_at),
});

/** Queue an e-mail; idempotent by id. */
export async function enqueueEmail(db: Queryable, input: z.input<typeof EmailSchema>): Promise<OutboxEmail> {
  const e = parseOrFail(EmailSchema, input, 'e-mail');
  await db.query(
    `INSERT INTO outbox_emails (id, tenant, task_id, step_id, recipients, subject, body)
     VALUES ($1::text, $2::text, $3::text, $4::text, $5::text[], $6::text, $7::text) ON CONFLICT (id) DO NOTHING`,
    [e.id, e.tenant, e.taskId ?? null, e.stepId ?? null, e.recipients, e.subject, e.body],
  );
  const r = await db.query<EmailRow>(`SELECT ${COLUMNS} FROM outbox_emails WHERE tenant = $1::text AND id = $2::text`, [e.tenant, e.id]);
  if (!r.rows[0]) throw new InterceptorError('CONFLICT', `e-mail \`${e.id}\` already exists`);
  return toEmail(r.rows[0]);
}

export async function listOutboxEmails(db: Queryable, tenant: string, opts: { taskId?: string; limit?: number } = {}): Promise<OutboxEmail[]> {
  const r = await db.query<EmailRow>(
    `SELECT ${COLUMNS} FROM outbox_emails WHERE tenant = $1::text AND ($2::text IS NULL OR task_id = $2::text) ORDER BY created_at, id LIMIT $3::integer`,
    [tenant, opts.taskId ?? null, Math.min(Math.max(opts.limit ?? 100, 1), 1000)],
  );
  return r.rows.map(toEmail);
}
