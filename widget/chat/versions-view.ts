import { html, nothing } from 'lit/html.js';
import type { ChatController } from '../controllers/chat-controller.js';
import type { ChatWords } from '../i18n/chat-locale.js';

type VersionPart = 'version-previous' | 'version-next' | 'regenerate';

/**
 * Under the conversation's last message, when it is the character's and finished: ‹ n/m › through
 * its versions, and Regenerate (not on a greeting: its versions are its alternates). While nothing
 * can be sent, the buttons say so (aria-disabled) but keep their place and focus.
 */
export function renderVersions(chat: ChatController, words: ChatWords, greeting: boolean, regenerated: () => void) {
  const { t } = words;
  const number = (value: number) => words.number(value);
  const last = chat.list.entries.at(-1);
  if (last?.sender !== 'character' || last.seq === undefined || last.status === 'streaming') return nothing;
  const { index, count } = last.swipe ?? { index: 0, count: 1 };
  if (greeting && count < 2) return nothing;
  const { versions } = chat;
  const button = (part: VersionPart, label: string, symbol: string, enabled: boolean, act: () => unknown) =>
    html`<button class="icon-button" type="button" part=${part} aria-label=${label} aria-disabled=${!(enabled && versions.ready)} @click=${() => enabled && versions.ready && act()}>${symbol}</button>`;
  return html`<div class="versions" part="versions">
    ${count > 1
      ? html`${button('version-previous', t('previousVersion'), '‹', index > 0, () => versions.change(index - 1))}<span aria-hidden="true"
            >${number(index + 1)}/${number(count)}</span
          ><span class="visually-hidden" role="status">${t('version', { index: number(index + 1), count: number(count) })}</span
          >${button('version-next', t('nextVersion'), '›', index < count - 1, () => versions.change(index + 1))}`
      : nothing}
    ${greeting
      ? nothing
      : button('regenerate', t('regenerate'), '↻', true, () => {
          void versions.change();
          regenerated();
        })}
  </div>`;
}
