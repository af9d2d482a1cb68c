import type { IncomingMessage } from 'node:http';

const PROTOCOL_PARAMETERS = ['sid', 'EIO', 'transport'];

const searchParams = (req: IncomingMessage) => new URL(req.url ?? '/', 'http://x').searchParams;

/**
 * The session id of an Engine.IO request, read as Engine.IO itself reads it:
 * its parsed query, where a repeated name keeps its last value. Read any other
 * way (the first `sid`), `?sid=known&sid=` would pass our gates as a request of
 * a known session while Engine.IO opens a new one.
 */
export function engineSid(req: IncomingMessage): string | undefined {
  const query = (req as IncomingMessage & { _query?: Record<string, string | undefined> })._query ?? Object.fromEntries(searchParams(req));
  return query.sid || undefined;
}

/** Whether the request names a protocol parameter twice: such a request is refused, whatever Engine.IO would make of it. */
export function repeatsProtocolParameter(req: IncomingMessage): boolean {
  const params = searchParams(req);
  return PROTOCOL_PARAMETERS.some((name) => params.getAll(name).length > 1);
}
