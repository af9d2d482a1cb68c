import { EndpointRules, type EndpointRulesConfig } from '../characters/responders/endpoint-rules.js';
import type { ResponderSettings } from '../characters/responders/settings.js';
import { assertWithinCeilings } from '../limits/ceilings.js';
import { resolveLimits, type Limits, type LimitsOverride } from '../limits/policy.js';

/**
 * What the operator lets a site owner set, checked when settings are saved
 * (admin API, CLI), for an early and clear error. What is already stored is
 * held to the same rules when it is used: limits are clamped by the site
 * directory, endpoints are checked on every connection.
 */
export class SiteRules {
  /** The operator's limits, which no site may loosen. */
  readonly limitCeilings: Limits;
  readonly endpoints: EndpointRules;

  constructor(operator: { limits?: LimitsOverride; responderEndpoints?: EndpointRulesConfig }) {
    this.limitCeilings = resolveLimits(operator.limits);
    this.endpoints = new EndpointRules(operator.responderEndpoints);
  }

  /** INVALID_INPUT when a site's limits would loosen any of the operator's. */
  assertLimits(limits: LimitsOverride | null | undefined): void {
    assertWithinCeilings(limits, this.limitCeilings);
  }

  /** NOT_ALLOWED when the operator does not let sites choose this endpoint; INVALID_INPUT when it is private. */
  assertResponder(responder: ResponderSettings | null | undefined): Promise<void> {
    return this.endpoints.assertMayStore(responder);
  }
}
