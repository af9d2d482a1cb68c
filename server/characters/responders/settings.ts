import { z } from 'zod';
import { parseStoredJson } from '../../db/stored-json.js';
import { TipsyError } from '../../errors.js';
import { LineText } from '../../text.js';

/**
 * Which model speaks for a character: the simulated one (offline), or any
 * server that speaks OpenAI's chat-completions protocol (OpenAI, Ollama,
 * llama.cpp's server, vLLM…). Set per character, per site, or for the server.
 */
export const ResponderSettings = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('simulated') }),
  /** The character does not answer (a person answers instead, or a benchmark measures messaging alone). */
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({
    kind: z.literal('openai'),
    baseUrl: z.url({ protocol: /^https?$/ }),
    model: LineText.pipe(z.string().trim().min(1).max(200)),
    /** Printable ASCII, as every provider's keys are; or the hint (`…1234`) it was shown as. */
    apiKey: z
      .string()
      .regex(/^…?[\x21-\x7e]+$/, 'An API key is printable ASCII, without spaces.')
      .max(500)
      .optional(),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().min(1).max(32_000).optional(),
    /** How many characters of recent conversation the prompt may carry. */
    contextChars: z.number().int().min(500).max(500_000).optional(),
  }),
]);
export type ResponderSettings = z.infer<typeof ResponderSettings>;

/** Stored settings, or undefined when absent or no longer valid. */
export const parseResponderSettings = (json: string | null | undefined): ResponderSettings | undefined =>
  parseStoredJson(ResponderSettings, json);

/** Settings as a site owner may read them back: the API key is never shown again. */
export function redactResponderSettings(settings: ResponderSettings | undefined): ResponderSettings | undefined {
  if (settings?.kind !== 'openai' || !settings.apiKey) return settings;
  return { ...settings, apiKey: hintOf(settings.apiKey) };
}

const hintOf = (key: string) => (key.length > 12 ? `…${key.slice(-4)}` : '…');

/** An endpoint as compared for the API key: the same address however it is spelt (case, default port, trailing slash). */
function endpointOf(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}${url.search}`;
}

/**
 * The settings to store: an API key sent back as the hint it was shown as
 * keeps the stored key, so settings can be read, changed and written back,
 * but only for the same endpoint: a key is never sent to an address it was
 * not given for, so a new address needs the key again in full.
 */
export function mergeResponderSettings(incoming: ResponderSettings | null | undefined, storedJson: string | null): string | null | undefined {
  if (incoming === undefined) return undefined;
  if (incoming === null) return null;
  const stored = parseResponderSettings(storedJson);
  if (incoming.kind === 'openai' && incoming.apiKey?.startsWith('…') && stored?.kind === 'openai' && stored.apiKey) {
    if (incoming.apiKey === hintOf(stored.apiKey)) {
      if (endpointOf(incoming.baseUrl) !== endpointOf(stored.baseUrl)) {
        throw new TipsyError('INVALID_INPUT', 'Give the API key again in full for a new address: a stored key is sent only where it was set.');
      }
      return JSON.stringify({ ...incoming, apiKey: stored.apiKey });
    }
  }
  return JSON.stringify(incoming);
}
