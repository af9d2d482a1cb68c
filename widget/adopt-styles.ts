const sheets = new Map<string, CSSStyleSheet>();

/**
 * Adds styles to a shadow root as a constructed style sheet: one sheet per
 * text for every element on the page, and allowed under a CSP that forbids
 * inline <style>.
 */
export function adoptStyles(root: ShadowRoot, cssText: string): void {
  let sheet = sheets.get(cssText);
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(cssText);
    sheets.set(cssText, sheet);
  }
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}
