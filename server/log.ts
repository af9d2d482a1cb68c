/** The slice of a pino-style logger the server's parts need (Fastify's logger is one). */
export interface Log {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/**
 * Fields that must never reach a log line, wherever a logged object holds them: keys, tokens,
 * user hashes, model API keys, and what visitors and characters say. Nothing logs them today;
 * this keeps a careless `log.warn({ input })` from doing so tomorrow.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.authorization',
  '*.token',
  '*.visitorToken',
  '*.secretKey',
  '*.apiKey',
  '*.hash',
  '*.identitySecret',
  '*.content',
  '*.delta',
  'input',
  '*.input',
];

/** Fastify's (pino's) options for the server's log. */
export function loggerOptions(level: string, stream?: { write(line: string): void }) {
  return { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, ...(stream ? { stream } : {}) };
}
