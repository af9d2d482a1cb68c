/** axe-core in the test page: the accessibility rules a real audit runs, through shadow roots. */
import 'axe-core';
import type * as Axe from 'axe-core';

declare global {
  interface Window {
    axe: typeof Axe;
  }
}

/** Each violation axe finds in the element (its shadow root included), in words a failing test can show. */
export async function axeViolations(element: Element): Promise<string[]> {
  const { violations } = await window.axe.run(element, { resultTypes: ['violations'] });
  return violations.flatMap((v) => v.nodes.map((node) => `${v.id} at ${JSON.stringify(node.target)}: ${node.failureSummary}`));
}
