const sheets = new Map<string, CSSStyleSheet>();

/**
 * Adds styles to a shadow root as a constructed style sheet: one sheet per
 * text for every element on the page, and allowed under a CSP that forbids
 * inline <style> (where constructed sheets exist).
 */
export function adoptStyles(root: ShadowRoot, cssText: string): void {
  // Browsers without constructable style sheets (Firefox before 101, Safari before 16.4) get a <style> of their own, as Lit
  // does: under a CSP, only where it allows inline styles.
  if (!root.adoptedStyleSheets) {
    const style = document.createElement('style');
    style.textContent = cssText;
    root.append(style);
    return;
  }
  let sheet = sheets.get(cssText);
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(cssText);
    sheets.set(cssText, sheet);
  }
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}
