import type { ErrorCode } from '../../server/protocol/errors.js';

/**
 * Every word the widget shows or speaks, in English: the source of truth. Each
 * other locale (./locales/*.ts) `satisfies Strings`, so a missing or misspelt
 * key fails the type check. `{name}`-style placeholders are filled by `t()`
 * (./translate.ts), with numbers already formatted through Intl.
 *
 * Two halves, one table: the launcher's words ship with the loader, which every
 * page downloads; the chat's ship with the chat module.
 */
export const launcherEn = {
  openChat: 'Open chat',
  closeChat: 'Close chat',
  /** The closed launcher's name while replies wait unread. */
  openChatUnread: 'Open chat, {count} unread',
  loadFailed: 'The chat could not be loaded. Check your connection and try again.',
  tryAgain: 'Try again',
} as const;

export const chatEn = {
  /** The header's name until the character is known. */
  chat: 'Chat',
  /** The panel's accessible name. */
  chatWith: 'Chat with {name}',
  connecting: 'Connecting…',
  online: 'Online',
  typing: 'Typing…',
  /** The header while a person answers in the character's place (live takeover). */
  agentAnswering: '{name} (a person) is answering',
  reconnecting: 'Reconnecting…',
  limited: 'Limited connection: messages still go through',
  unavailable: 'Unavailable',
  /** The browser said it went offline: shown at once, before the socket notices. */
  offline: 'Offline',
  loadingOlder: 'Loading earlier messages…',
  /** The composer's accessible name. */
  messageTo: 'Message {name}',
  placeholder: 'Type a message…',
  send: 'Send',
  stop: 'Stop the reply',
  dismiss: 'Dismiss',
  /** After a rate-limit error, counting down; abbreviated units say it without plural forms. */
  cooldown: 'You can send again in {seconds} s.',
  /** A new visitor's start refused by the per-network session limit; retried by itself. */
  busy: 'Chat is busy right now. Try again in {minutes} min.',
  tooLong: 'A message can have at most {max} characters.',
  sending: 'Sending…',
  interrupted: '(interrupted)',
  notSent: 'Not sent.',
  retry: 'Retry',
  isTyping: '{name} is typing',
  /** Who sent a message, for screen readers (the character's is its name). */
  you: 'You',
  /** Marks a reply the visitor stopped. */
  stopped: '(stopped)',
  /** A code block's copy button, and what it says for a moment once it copied. */
  copy: 'Copy',
  copied: 'Copied',
  /** The last message's versions: its buttons, and what they say to screen readers. */
  previousVersion: 'Previous version',
  nextVersion: 'Next version',
  version: 'Version {index} of {count}',
  regenerate: 'Regenerate',
  /** The header's buttons: start over, and the list of the visitor's conversations with the character. */
  newChat: 'New chat',
  chats: 'Earlier chats',
  /** "Delete this chat": the header's button, the question asked before, and its two answers. */
  deleteChat: 'Delete this chat',
  deleteChatAsk: 'Delete this chat and all its messages for good?',
  delete: 'Delete',
  cancel: 'Cancel',
  'error.INVALID_INPUT': 'That message could not be sent. Please check it and try again.',
  'error.UNAUTHORIZED': 'Chat is unavailable right now.',
  'error.IDENTITY_REJECTED': 'We could not confirm who you are. Please sign in again.',
  'error.FORBIDDEN_ORIGIN': 'Chat is not enabled on this website.',
  'error.NOT_ALLOWED': 'This website does not allow that.',
  'error.NOT_FOUND': 'This conversation could not be found.',
  'error.RATE_LIMITED': 'You are sending messages too quickly. Please wait a moment.',
  'error.UNAVAILABLE': 'Cannot reach the chat right now. Retrying…',
  'error.QUOTA_EXCEEDED': 'This chat has reached its limit for now. Please come back later.',
  'error.INTERNAL': 'Something went wrong on our side. Please try again.',
} as const;

/** The words for an error code of docs/protocol.md (widget/error-words.ts looks every one up). */
export type ErrorKey = `error.${ErrorCode}`;

type English = typeof launcherEn & typeof chatEn;
export type StringKey = keyof English;

/** The whole table: every key, in any language. */
export interface Strings extends Readonly<Record<StringKey, string>> {}
export interface LauncherStrings extends Readonly<Record<keyof typeof launcherEn, string>> {}

/** What a page may set through the `strings` attribute: any key, as a template with the same placeholders. */
export type StringOverrides = Partial<Strings>;

/** The names in a template's `{placeholders}`. */
type Placeholders<Template> = Template extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;

/** A key's values, if its English template has placeholders: formatted text only (numbers go through Intl first). */
export type ValuesOf<K extends StringKey> = [Placeholders<English[K]>] extends [never] ? [] : [values: Record<Placeholders<English[K]>, string>];

/** Looks a key up in the current locale and fills its placeholders. */
export type Translate = <K extends StringKey>(key: K, ...values: ValuesOf<K>) => string;
