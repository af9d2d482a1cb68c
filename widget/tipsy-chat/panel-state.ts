import type { ChatMode } from './properties.js';

/** What decides whether the panel shows: read by the element (before the chat loads) and by the chat. */
interface PanelHost {
  readonly mode: ChatMode;
  readonly isOpen: boolean;
}

/** Launcher mode: a bubble that opens the panel over the page; otherwise the panel is inline, always shown. */
export const isLauncher = (host: PanelHost): boolean => host.mode === 'launcher';

/** The panel shows (and the session runs) when inline, or when the launcher is open. */
export const isPanelActive = (host: PanelHost): boolean => !isLauncher(host) || host.isOpen;
