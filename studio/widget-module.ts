/** The widget's own module, from the chat server that serves the studio (the page allows only its own scripts). */
const WIDGET_MODULE = '/widget/tipsy-chat.mjs';

let loading: Promise<unknown> | undefined;

/**
 * Defines `<tipsy-chat>` on this page, once, for the studio's live previews; a failed load is
 * tried again by the next caller (the widget may not have been built yet).
 */
export function loadWidget(): Promise<unknown> {
  loading ??= import(/* @vite-ignore */ `${location.origin}${WIDGET_MODULE}`).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
