/** Helpers for browser tests: they run inside the Chromium page. */
import { sendKeys } from '@web/test-runner-commands';
import { waitUntil } from '@open-wc/testing';
import type { TipsyChat } from '../../widget/tipsy-chat/tipsy-chat.js';
import { TEST_ROUTES } from './routes.js';
import type { BrowserTestEnv } from './server-plugin.js';

export async function testEnv(): Promise<BrowserTestEnv> {
  return (await fetch(TEST_ROUTES.env)).json() as Promise<BrowserTestEnv>;
}

/** Adds a <tipsy-chat> with these attributes to the page, as a host site would. */
export function mount(attributes: Record<string, string | true>): TipsyChat {
  const element = document.createElement('tipsy-chat');
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value === true ? '' : value);
  document.body.append(element);
  return element;
}

export const shadow = (el: Element) => el.shadowRoot!;
export const $ = <T extends Element = HTMLElement>(el: Element, selector: string) => shadow(el).querySelector<T>(selector);
export const $$ = (el: Element, selector: string) => [...shadow(el).querySelectorAll<HTMLElement>(selector)];

export const bubbles = (el: Element, who: 'user' | 'character') =>
  $$(el, `[part~="message-${who}"]:not([part~="greeting"])`);

/** Types into the composer with real key presses, then presses Enter. */
export async function typeAndSend(el: Element, text: string): Promise<void> {
  await waitUntil(() => $(el, 'textarea') && !$<HTMLTextAreaElement>(el, 'textarea')!.disabled, 'composer ready');
  $<HTMLTextAreaElement>(el, 'textarea')!.focus();
  await sendKeys({ type: text });
  await sendKeys({ press: 'Enter' });
}

/** The texts of the messages from `who`, in order (greetings left out). */
export const texts = (el: Element, who: 'user' | 'character') => bubbles(el, who).map((b) => b.querySelector('.text')!.textContent);

/** Waits for the chat, then has the visitor write `text` and get the reply. */
export async function talked(el: Element, text: string): Promise<void> {
  await waitForReady(el);
  await typeAndSend(el, text);
  await waitUntil(() => bubbles(el, 'character').at(-1)?.dataset.status === 'sent' && texts(el, 'user').includes(text), 'the reply', { timeout: 5000 });
}

/** Lets the chat render what it was just told (it renders once per microtask turn). */
export const rendered = () => new Promise<void>((resolve) => setTimeout(resolve));

export async function waitForReady(el: Element): Promise<void> {
  await waitUntil(() => $(el, '.presence')?.textContent === 'Online', 'connected', { timeout: 8000 });
}

/** Sets what reaches the chat server through `env.proxiedServer`. */
export async function setNetwork(mode: 'open' | 'no-socket' | 'offline'): Promise<void> {
  await fetch(`${TEST_ROUTES.proxy}?mode=${mode}`);
}

/** Stores `count` alternating messages in a conversation, oldest first (for paging tests). */
export async function seedMessages(conversationId: string, count: number): Promise<void> {
  await fetch(`${TEST_ROUTES.seed}?conversationId=${conversationId}&count=${count}`);
}
