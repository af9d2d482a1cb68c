import { isLauncher } from './panel-state.js';

/**
 * Floating launchers stack up: each sits one bubble (56 px) and a gap above the one before it
 * in document order. The first keeps no lift, so a page with one launcher sees its element untouched.
 */
export function restack(): void {
  [...document.querySelectorAll('tipsy-chat')]
    .filter(isLauncher)
    .forEach((el, i) => el.style.setProperty('--_lift', i ? `${i * 68}px` : ''));
}
