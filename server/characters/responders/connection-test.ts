import OpenAI, { APIConnectionError, APIError } from 'openai';
import { TipsyError } from '../../errors.js';
import type { EndpointRules } from './endpoint-rules.js';
import { guardedFetch } from './guarded-fetch.js';
import type { ResponderSettings } from './settings.js';

/** How long a test may take, from the request to its first words. */
export const TEST_DEADLINE_MS = 10_000;

export type ConnectionTest = { ok: true; model: string; latencyMs: number } | { ok: false; message: string };

/**
 * Asks a site's model endpoint for a tiny completion, through the same guard as
 * real replies (only the addresses the operator allows, on every connection; no
 * redirect followed), under a short deadline, and says in words what went wrong.
 * The caller has already held the settings to the operator's rules (SiteRules).
 */
export async function testConnection(settings: ResponderSettings, rules: EndpointRules): Promise<ConnectionTest> {
  if (settings.kind === 'simulated') return { ok: true, model: 'simulated', latencyMs: 0 };
  if (settings.kind === 'none') return { ok: false, message: 'This character is set never to answer: there is nothing to test.' };
  if (settings.apiKey?.startsWith('…')) return { ok: false, message: 'Type the API key again in full to test it: a stored key is shown only by its end.' };

  // A guard of its own, closed after the test: a test keeps no connection open.
  const guarded = guardedFetch(rules);
  const client = new OpenAI({ baseURL: settings.baseUrl, apiKey: settings.apiKey ?? 'not-needed', maxRetries: 0, timeout: TEST_DEADLINE_MS, fetch: guarded.fetch });
  const signal = AbortSignal.timeout(TEST_DEADLINE_MS);
  const started = performance.now();
  try {
    // Streamed, as real replies are: the first chunk is the answer; the rest is not waited for.
    const stream = await client.chat.completions.create(
      { model: settings.model, messages: [{ role: 'user', content: 'Reply with the word OK.' }], max_tokens: 5, stream: true },
      { signal },
    );
    for await (const chunk of stream) {
      const latencyMs = Math.round(performance.now() - started);
      stream.controller.abort();
      return { ok: true, model: chunk.model || settings.model, latencyMs };
    }
    return { ok: false, message: 'The endpoint answered, but with no completion at all.' };
  } catch (error) {
    return { ok: false, message: signal.aborted ? `The endpoint did not answer within ${TEST_DEADLINE_MS / 1000} seconds.` : wordsFor(error) };
  } finally {
    await guarded.close().catch(() => undefined);
  }
}

/** What went wrong, for the site owner: never a stack, and never the API key. */
function wordsFor(error: unknown): string {
  const cause = error instanceof APIConnectionError ? (error.cause as unknown) : error;
  const refusal = findTipsyError(cause);
  if (refusal) return refusal.message; // a private address or a redirect: the guard's own words
  if (error instanceof APIConnectionError) return `The endpoint could not be reached (${connectionReason(error)}).`;
  if (error instanceof APIError && error.status !== undefined) {
    const why =
      error.status === 401 || error.status === 403
        ? 'check the API key'
        : error.status === 404
          ? 'check the base URL and the model name'
          : error.status === 429
            ? 'it is rate limiting or out of credit'
            : 'it failed';
    return `The endpoint answered ${error.status}: ${why}.`;
  }
  return 'The endpoint did not give a chat completion: check that it speaks the OpenAI chat-completions protocol.';
}

/** A TipsyError anywhere in the chain of causes (undici wraps what the connector threw). */
function findTipsyError(error: unknown, depth = 0): TipsyError | undefined {
  if (error instanceof TipsyError) return error;
  if (depth > 5 || !(error instanceof Error)) return undefined;
  return findTipsyError(error.cause, depth + 1);
}

function connectionReason(error: APIConnectionError): string {
  const codes = [] as string[];
  for (let e: unknown = error; e instanceof Error && codes.length < 6; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
  }
  if (codes.includes('ECONNREFUSED')) return 'nothing listens at that address';
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) return 'the name does not resolve';
  if (codes.some((c) => c.includes('CERT') || c.includes('TLS'))) return 'its TLS certificate is not valid';
  return codes[0] ? `network error ${codes[0]}` : 'network error';
}
