import { z } from 'zod';

const Window = (points: number, seconds: number) =>
  z
    .object({ points: z.number().int().min(1).max(1_000_000), seconds: z.number().int().min(1).max(86_400) })
    .default({ points, seconds });
const Count = (value: number) => z.number().int().min(1).max(100_000).default(value);

/**
 * Every limit, with its default (docs/limits.md has the model behind each). Why these numbers:
 * - messages: a person types at most a message every few seconds; 5 in 10 s
 *   allows a quick burst of short lines, 30 a minute a long lively chat;
 * - new visitors per IP (sessionsPerIp): sized for a school of 300 behind
 *   one address all opening the page within 10 minutes, twice over (private
 *   windows, second devices); a script mints at most one visitor a second;
 * - returning sessions per IP: starts by known visitors (one per chat on a
 *   page, reloads, token refreshes): the same 300 each loading a page of four
 *   chats; a loop with a valid token stops at 2 a second, well inside the
 *   address's request budget, so its people can still chat;
 * - requests per IP: the widget makes a handful per minute; 300 is room for
 *   many tabs and visitors behind one address;
 * - socket connects per IP: reconnects with backoff make a few a minute;
 * - socket handshakes per IP: each connection (and reconnect) opens one Engine.IO
 *   session first; counted before the session exists, so a flood costs no memory;
 * - socket events: typing and sends; 40 in 10 s is far above any person;
 * - sockets: a visitor with 8 tabs is plenty, 50 per IP covers a NAT;
 * - new conversations per visitor: starting over is a deliberate act; 10 in 10 minutes
 *   is more than a person needs, and bounds the rows a script can make;
 * - studio sign-ins per IP: a person signs in now and then; a guessed link or key is
 *   2^256 tries away, but each try costs a query;
 * - model endpoint tests per site (the studio's "Test connection"): each one makes the
 *   server call out to an address the owner chose; a person tests now and then;
 * - replies: each costs model time; 4 at once per site per process, 50 waiting;
 *   one address holds at most 10 of those places and one visitor 3, so a
 *   crowd of scripted visitors behind one address cannot fill a site's queue.
 */
export const Limits = z.object({
  messageBurst: Window(5, 10),
  messageSustained: Window(30, 60),
  sessionsPerIp: Window(600, 600),
  returningSessionsPerIp: Window(1200, 600),
  requestsPerIp: Window(300, 60),
  socketConnectsPerIp: Window(60, 60),
  socketHandshakesPerIp: Window(60, 60),
  socketEvents: Window(40, 10),
  conversationsPerVisitor: Window(10, 600),
  studioSignInsPerIp: Window(10, 600),
  responderTestsPerSite: Window(10, 60),
  socketsPerIp: Count(50),
  socketsPerVisitor: Count(8),
  repliesInFlight: Count(4),
  replyQueue: Count(50),
  repliesPerIp: Count(10),
  repliesPerVisitor: Count(3),
});
export type Limits = z.infer<typeof Limits>;
export type LimitWindow = Limits['messageBurst'];

/** What a site (or TIPSY_LIMITS) may override: any subset of the limits; a site only to tighten them (ceilings.ts). */
export const LimitsOverride = z.strictObject(
  Object.fromEntries(
    Object.entries(Limits.shape).map(([name, schema]) => [name, (schema as z.ZodDefault<z.ZodType>).unwrap().optional()]),
  ) as { [K in keyof Limits]: z.ZodOptional<z.ZodType<Limits[K]>> },
);
export type LimitsOverride = z.infer<typeof LimitsOverride>;

export const DEFAULT_LIMITS: Limits = Limits.parse({});

/** Defaults, then the operator's overrides, then the site's. */
export function resolveLimits(...overrides: (LimitsOverride | undefined)[]): Limits {
  return Object.assign({}, DEFAULT_LIMITS, ...overrides.filter(Boolean));
}
