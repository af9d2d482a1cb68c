import { LRUCache } from 'lru-cache';
import type { CharacterRow } from '../../db/tables.js';
import { TipsyError } from '../../errors.js';
import type { EndpointRules } from './endpoint-rules.js';
import { guardedFetch, type GuardedFetch } from './guarded-fetch.js';
import { OpenAICompatibleResponder } from './openai-compatible.js';
import type { Responder } from './responder.js';
import { parseResponderSettings, type ResponderSettings } from './settings.js';
import { SimulatedResponder } from './simulated.js';

const SILENT: Responder = { silent: true, async *reply() {} };
/**
 * Responders kept, per settings and per stored settings: past it, the least
 * recently used go (a responder holds no connection of its own, so nothing is
 * closed). Settings never go stale: they are the key.
 */
const RESPONDERS_KEPT = 500;

/** Speaks for settings the operator no longer allows (stored before the rule): the reply fails, and the log says why. */
const refusedResponder = (reason: string): Responder => ({
  async *reply() {
    throw new TipsyError('NOT_ALLOWED', reason);
  },
});

/**
 * Picks who speaks for a character: its own settings, else its site's, else the
 * server's default. Responders are kept per settings, so their HTTP clients are reused.
 * A site's endpoint goes through the operator's endpoint rules; the server's default does not.
 */
export class ResponderRegistry {
  private readonly cache = new LRUCache<string, Responder>({ max: RESPONDERS_KEPT });
  private readonly byStoredSettings = new LRUCache<string, Responder>({ max: RESPONDERS_KEPT });
  private readonly simulated: Responder;
  /** For endpoints sites chose: only the addresses the rules allow. */
  private readonly siteFetch: GuardedFetch;
  /** For the operator's own default (TIPSY_OPENAI_BASE_URL), which may well be a local model. */
  private readonly operatorFetch: GuardedFetch;

  constructor(
    private readonly serverDefault: ResponderSettings | undefined,
    simulatedDelayMs: number,
    private readonly endpoints: EndpointRules,
    /** Replaces every responder (tests). */
    private readonly override?: Responder,
  ) {
    this.simulated = new SimulatedResponder(simulatedDelayMs);
    this.siteFetch = guardedFetch(endpoints);
    this.operatorFetch = guardedFetch();
  }

  for(character: CharacterRow, siteResponder: string | null): Responder {
    if (this.override) return this.override;
    // Asked for every reply: the stored settings are parsed once, not each time.
    const stored = JSON.stringify([character.responder, siteResponder]);
    let responder = this.byStoredSettings.get(stored);
    if (!responder) {
      responder = this.resolve(character, siteResponder);
      this.byStoredSettings.set(stored, responder);
    }
    return responder;
  }

  /** Closes the connections kept open to model endpoints. */
  async close(): Promise<void> {
    await Promise.all([this.siteFetch.close(), this.operatorFetch.close()]);
  }

  private resolve(character: CharacterRow, siteResponder: string | null): Responder {
    const chosen = parseResponderSettings(character.responder) ?? parseResponderSettings(siteResponder);
    const settings = chosen ?? this.serverDefault;
    if (!settings || settings.kind === 'simulated') return this.simulated;
    if (settings.kind === 'none') return SILENT;
    const byOperator = chosen === undefined;
    if (!byOperator) {
      const refusal = this.endpoints.refusalOf(settings.baseUrl);
      if (refusal) return refusedResponder(refusal);
    }
    const key = JSON.stringify([byOperator, settings]);
    let responder = this.cache.get(key);
    if (!responder) {
      responder = new OpenAICompatibleResponder(settings, (byOperator ? this.operatorFetch : this.siteFetch).fetch);
      this.cache.set(key, responder);
    }
    return responder;
  }
}
