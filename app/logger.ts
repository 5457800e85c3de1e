/** @module The process logger: pino, JSON lines on stderr so stdout stays for the progress lines a person reads. */
import pino, { type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'interceptor' }, redact: { paths: ['*.authorization', '*.token', '*.key', 'req.headers.authorization'], censor: '[REDACTED]' } }, pino.destination(2));
}
