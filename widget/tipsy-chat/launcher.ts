import type { LauncherStrings } from '../i18n/strings.js';

// Plain DOM, not Lit: this ships to every page before the visitor acts. No markup either
// (innerHTML): pages that enforce Trusted Types refuse it.
const SVG = 'http://www.w3.org/2000/svg';
const CHAT_PATH = 'M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z';
const CLOSE_PATH = 'M18 6 6 18M6 6l12 12';

/** Both icons' attributes (the close icon has no joins, so stroke-linejoin leaves it as it was). */
const ICON_ATTRIBUTES = { viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', 'stroke-width': '2', 'stroke-linecap': 'round', 'stroke-linejoin': 'round', 'aria-hidden': 'true' };

function icon(d: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  for (const [name, value] of Object.entries(ICON_ATTRIBUTES)) svg.setAttribute(name, value);
  const path = svg.appendChild(document.createElementNS(SVG, 'path'));
  path.setAttribute('d', d);
  return svg;
}

/** Sets a node's text only if it changed: new text in the notice (an alert) is announced again. */
function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

let audio: AudioContext | undefined;

/**
 * A short soft chime, made by an oscillator (no sound file to fetch). Only once the visitor has
 * used the page: before that, browsers keep audio suspended (and a page that plays sound
 * unasked is rude). Where the browser cannot tell, no chime.
 */
export function chime(): void {
  if (!navigator.userActivation?.hasBeenActive) return;
  const context = (audio ??= new AudioContext());
  const now = context.currentTime;
  // A quiet sine at 440 Hz (the default) that fades out at once.
  const tone = new OscillatorNode(context);
  const volume = new GainNode(context, { gain: 0.06 });
  volume.gain.setTargetAtTime(0, now, 0.1);
  tone.connect(volume).connect(context.destination);
  tone.start();
  tone.stop(now + 0.6);
}

export interface LauncherActions {
  toggle(): void;
  /** The visitor shows interest (hover, focus, touch): fetch the chat before the click. */
  prefetch(): void;
  retry(): void;
}

export interface LauncherState {
  /** In the element's language (widget/i18n). */
  words: LauncherStrings;
  /** The language is written right to left: the bubble and the notice mirror. */
  rtl: boolean;
  /** Launcher mode: the bubble shows. */
  launcher: boolean;
  open: boolean;
  /** The character's replies that arrived while the panel was closed. */
  unread: number;
  /** The chat is being fetched for an open panel. */
  loading: boolean;
  /** The chat could not be fetched, and the visitor is waiting for it. */
  failed: boolean;
}

/**
 * What `<tipsy-chat>` shows before the chat is loaded, and keeps showing: the
 * floating bubble, and the notice (with a retry) when the chat cannot be fetched.
 */
export class LauncherView {
  readonly #button = document.createElement('button');
  readonly #notice = document.createElement('div');
  readonly #noticeWords = document.createElement('span');
  readonly #retry = document.createElement('button');
  readonly #chatIcon = icon(CHAT_PATH);
  readonly #closeIcon = icon(CLOSE_PATH);
  /** The unread count, for the eye: the button's name says it in words. */
  readonly #badge = document.createElement('span');

  readonly #root: ShadowRoot;

  constructor(root: ShadowRoot, actions: LauncherActions) {
    this.#root = root;
    const button = this.#button;
    const notice = this.#notice;
    button.className = 'launcher';
    button.type = 'button';
    button.setAttribute('part', 'launcher');
    button.addEventListener('click', actions.toggle);
    for (const type of ['pointerenter', 'focus', 'touchstart']) button.addEventListener(type, actions.prefetch, { passive: true });

    this.#badge.className = 'badge';
    this.#badge.setAttribute('part', 'badge');
    this.#badge.setAttribute('aria-hidden', 'true');

    notice.className = 'notice';
    notice.setAttribute('part', 'error');
    notice.setAttribute('role', 'alert');
    const retry = this.#retry;
    retry.type = 'button';
    retry.addEventListener('click', actions.retry);
    notice.append(this.#noticeWords, retry);
  }

  render({ words, rtl, launcher, open, unread, loading, failed }: LauncherState): void {
    const root = this.#root;
    const button = this.#button;
    const notice = this.#notice;
    // An empty dir inherits the page's direction.
    button.dir = notice.dir = rtl ? 'rtl' : '';
    setText(this.#noticeWords, words.loadFailed);
    setText(this.#retry, words.tryAgain);
    if (launcher) {
      const shown = open ? this.#closeIcon : this.#chatIcon;
      if (shown.parentNode !== button) button.replaceChildren(shown);
      const badge = this.#badge;
      if (unread && !open) {
        setText(badge, unread > 9 ? '9+' : String(unread));
        button.append(badge);
      } else badge.remove();
      button.setAttribute(
        'aria-label',
        open ? words.closeChat : unread ? words.openChatUnread.replace('{count}', String(unread)) : words.openChat,
      );
      button.setAttribute('aria-expanded', String(open));
      button.setAttribute('aria-busy', String(loading));
      if (button.parentNode !== root) root.append(button);
    } else {
      button.remove();
    }
    // Where the panel would be: before the bubble, as the panel is.
    if (failed) root.insertBefore(notice, button.parentNode ? button : null);
    else notice.remove();
  }
}
