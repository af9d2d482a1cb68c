import type { CharacterRow } from '../../db/tables.js';
import { OpenAICompatibleResponder } from './openai-compatible.js';
import type { Responder } from './responder.js';
import { parseResponderSettings, type ResponderSettings } from './settings.js';
import { SimulatedResponder } from './simulated.js';

const SILENT: Responder = { silent: true, async *reply() {} };

/**
 * Picks who speaks for a character: its own settings, else its site's, else the
 * server's default. Responders are kept per settings, so their HTTP clients are reused.
 */
export class ResponderRegistry {
  private readonly cache = new Map<string, Responder>();
  private readonly byStoredSettings = new Map<string, Responder>();
  private readonly simulated: Responder;

  constructor(
    private readonly serverDefault: ResponderSettings | undefined,
    simulatedDelayMs: number,
    /** Replaces every responder (tests). */
    private readonly override?: Responder,
  ) {
    this.simulated = new SimulatedResponder(simulatedDelayMs);
  }

  for(character: CharacterRow, siteResponder: string | null): Responder {
    if (this.override) return this.override;
    // Asked for every reply: the stored settings are parsed once, not each time.
    const stored = JSON.stringify([character.responder, siteResponder]);
    let responder = this.byStoredSettings.get(stored);
    if (!responder) {
      if (this.byStoredSettings.size > 500) this.byStoredSettings.clear();
      responder = this.resolve(character, siteResponder);
      this.byStoredSettings.set(stored, responder);
    }
    return responder;
  }

  private resolve(character: CharacterRow, siteResponder: string | null): Responder {
    const settings = parseResponderSettings(character.responder) ?? parseResponderSettings(siteResponder) ?? this.serverDefault;
    if (!settings || settings.kind === 'simulated') return this.simulated;
    if (settings.kind === 'none') return SILENT;
    const key = JSON.stringify(settings);
    let responder = this.cache.get(key);
    if (!responder) {
      if (this.cache.size > 500) this.cache.clear();
      responder = new OpenAICompatibleResponder(settings);
      this.cache.set(key, responder);
    }
    return responder;
  }
}
