import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../server/protocol/api.js';

type CharacterCalls = inferRouterInputs<AppRouter>['admin']['characters'];
export type CharacterRecord = inferRouterOutputs<AppRouter>['admin']['characters']['list'][number];
export type CreateInput = CharacterCalls['create'];
export type UpdateInput = CharacterCalls['update'];
export type DraftInput = CharacterCalls['preview']['draft'];
export type ResponderInput = NonNullable<CreateInput['responder']>;
/** A lorebook as the server gives it back (its input type is unknown: the server bounds it before reading it). */
type Book = NonNullable<CharacterRecord['characterBook']>;

/** One lorebook entry as the form edits it; `rest` keeps the fields the form does not show, so they round-trip. */
export interface LoreEntryForm {
  keys: string;
  content: string;
  enabled: boolean;
  constant: boolean;
  rest: Record<string, unknown>;
}

/** Who speaks: `default` is none of the character's own (the site's, else the server's). */
export interface ResponderForm {
  kind: 'default' | 'simulated' | 'openai' | 'none';
  baseUrl: string;
  model: string;
  /** Typed by the owner; empty: keep the stored key (shown only as `keyHint`). */
  apiKey: string;
  keyHint: string;
  /** The rest of the stored settings (temperature, maxTokens…), kept as they were. */
  rest: Record<string, unknown>;
}

/** The character as the editor holds it: text as typed, validated by the server on save. */
export interface CharacterForm {
  slug: string;
  name: string;
  avatarUrl: string | null;
  greeting: string;
  alternateGreetings: string[];
  persona: string;
  examples: string;
  /** Hex, or empty for none. */
  accent: string;
  /** The book's own fields (name, scan_depth…) beside its entries; null: the character had no book. */
  bookRest: Record<string, unknown> | null;
  entries: LoreEntryForm[];
  responder: ResponderForm;
}

export const emptyForm = (): CharacterForm => ({
  slug: '',
  name: '',
  avatarUrl: null,
  greeting: '',
  alternateGreetings: [],
  persona: '',
  examples: '',
  accent: '',
  bookRest: null,
  entries: [],
  responder: { kind: 'default', baseUrl: '', model: '', apiKey: '', keyHint: '', rest: {} },
});

export const emptyEntry = (): LoreEntryForm => ({ keys: '', content: '', enabled: true, constant: false, rest: {} });

export function formOf(record: CharacterRecord): CharacterForm {
  const { entries = [], ...bookRest } = (record.characterBook ?? {}) as Partial<Book>;
  return {
    slug: record.slug,
    name: record.name,
    avatarUrl: record.avatarUrl,
    greeting: record.greeting ?? '',
    alternateGreetings: [...record.alternateGreetings],
    persona: record.persona,
    examples: record.examples,
    accent: record.accent ?? '',
    bookRest: record.characterBook ? bookRest : null,
    entries: entries.map(({ keys, content, enabled, constant, ...rest }) => ({ keys: keys.join(', '), content, enabled: enabled !== false, constant: constant === true, rest })),
    responder: responderFormOf(record.responder),
  };
}

function responderFormOf(settings: CharacterRecord['responder']): ResponderForm {
  const form = emptyForm().responder;
  if (!settings) return form;
  if (settings.kind !== 'openai') return { ...form, kind: settings.kind };
  const { kind, baseUrl, model, apiKey, ...rest } = settings;
  return { kind, baseUrl, model, apiKey: '', keyHint: apiKey ?? '', rest };
}

/** The settings to send; an empty key field sends the stored key's hint, which the server reads as "keep it" (same address only). */
export function responderOf(form: ResponderForm): ResponderInput | null {
  if (form.kind === 'default') return null;
  if (form.kind !== 'openai') return { kind: form.kind };
  const apiKey = form.apiKey.trim() || (form.keyHint.length > 1 ? form.keyHint : '');
  return { ...form.rest, kind: 'openai', baseUrl: form.baseUrl.trim(), model: form.model.trim(), ...(apiKey && { apiKey }) };
}

export function bookOf(form: CharacterForm): Book | null {
  if (!form.entries.length && !form.bookRest) return null;
  const entries = form.entries.map((entry) => ({
    insertion_order: 100,
    extensions: {},
    ...entry.rest,
    keys: entry.keys.split(',').map((key) => key.trim()).filter(Boolean),
    content: entry.content,
    enabled: entry.enabled,
    constant: entry.constant,
  }));
  return { extensions: {}, ...form.bookRest, entries };
}

const text = (value: string) => value.trim() || undefined;

/** What `preview` takes: the character as typed (empty optional fields left out). */
export function draftOf(form: CharacterForm): DraftInput {
  const book = bookOf(form);
  const responder = responderOf(form.responder);
  return {
    name: form.name.trim(),
    ...(form.avatarUrl && { avatarUrl: form.avatarUrl }),
    ...(text(form.greeting) && { greeting: form.greeting.trim() }),
    ...(form.alternateGreetings.some((g) => g.trim()) && { alternateGreetings: form.alternateGreetings.map((g) => g.trim()).filter(Boolean) }),
    ...(form.persona.trim() && { persona: form.persona }),
    ...(form.examples.trim() && { examples: form.examples }),
    ...(text(form.accent) && { accent: form.accent.trim() }),
    ...(responder && { responder }),
    ...(book && { characterBook: book }),
  };
}

export const createOf = (form: CharacterForm): CreateInput => ({ slug: form.slug.trim(), ...draftOf(form) });

/** Only what changed since `saved`: a field left alone is not rewritten (an imported card keeps its own value for it). */
export function updateOf(saved: CharacterForm, form: CharacterForm): UpdateInput {
  const changed = <K extends keyof CharacterForm>(key: K) => JSON.stringify(form[key]) !== JSON.stringify(saved[key]);
  const book = bookOf(form);
  return {
    slug: saved.slug,
    ...(changed('name') && { name: form.name.trim() }),
    ...(changed('greeting') && { greeting: form.greeting.trim() || null }),
    ...(changed('alternateGreetings') && { alternateGreetings: form.alternateGreetings.map((g) => g.trim()).filter(Boolean) }),
    ...(changed('persona') && { persona: form.persona }),
    ...(changed('examples') && { examples: form.examples }),
    ...(changed('accent') && { accent: form.accent.trim() || null }),
    ...((changed('entries') || changed('bookRest')) && { characterBook: book }),
    ...(changed('responder') && { responder: responderOf(form.responder) }),
  };
}

/** What the colour input can show for the accent: it takes only #rrggbb. */
export function colourOf(accent: string): string {
  const hex = accent.trim().toLowerCase();
  if (/^#[0-9a-f]{6}$/.test(hex)) return hex;
  if (/^#[0-9a-f]{3}$/.test(hex)) return `#${[...hex.slice(1)].map((c) => c + c).join('')}`;
  return '#1f5fbf';
}
