/**
 * Readable text on a character's accent (a `#rgb` or `#rrggbb` colour, see
 * isAccent): black or white, whichever contrasts more by WCAG's formula. The
 * worse of the two best cases is 4.58:1, so text on any accent reads at 4.5:1.
 */

/** WCAG relative luminance of a `#rgb` or `#rrggbb` colour, 0 (black) to 1 (white). */
export function luminance(hex: string): number {
  const digits = hex.length === 4 ? hex.replace(/\w/g, '$&$&') : hex;
  const [r, g, b] = [1, 3, 5].map((at) => {
    const c = parseInt(digits.slice(at, at + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** WCAG contrast ratio of two colours, 1 to 21. */
export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

/** Black or white text on this background, whichever reads better. */
export const textOn = (background: string): '#000' | '#fff' => (luminance(background) > 0.179 ? '#000' : '#fff');
