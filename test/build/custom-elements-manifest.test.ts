/**
 * dist/custom-elements.json, which editors and frameworks read, against the source: every
 * attribute, part, event and `--tipsy-*` property the element has is in it, with a description,
 * and nothing it no longer has. A part added without its @csspart line fails here.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { OBSERVED_ATTRIBUTES, STRING_PROPERTIES } from '../../widget/tipsy-chat/properties.js';
import { cssPropertiesRead, eventsDefined, partsSet } from './element-source.js';

const root = new URL('../../', import.meta.url);
const MANIFEST = 'dist/custom-elements.json';

interface Documented {
  name: string;
  description?: string;
}

interface ElementDeclaration {
  tagName?: string;
  customElement?: boolean;
  attributes?: Documented[];
  cssParts?: Documented[];
  cssProperties?: Documented[];
  events?: Documented[];
  members?: Documented[];
}

interface Manifest {
  modules: { path: string; declarations?: ElementDeclaration[]; exports?: { kind: string; name: string }[] }[];
}

/** Same names both ways, each described: a missing one is undocumented, an extra one is stale. */
function assertDocumented(kind: string, documented: Documented[] | undefined, actual: Set<string>): void {
  const names = (documented ?? []).map((d) => d.name);
  const missing = [...actual].filter((name) => !names.includes(name));
  const stale = names.filter((name) => !actual.has(name));
  assert.deepEqual(missing, [], `${kind} without a doc line in widget/tipsy-chat/tipsy-chat.ts: ${missing.join(', ')}`);
  assert.deepEqual(stale, [], `${kind} documented but not in the source: ${stale.join(', ')}`);
  assert.equal(new Set(names).size, names.length, `${kind} documented twice: ${names.join(', ')}`);
  const bare = (documented ?? []).filter((d) => !d.description?.trim()).map((d) => d.name);
  assert.deepEqual(bare, [], `${kind} without a description: ${bare.join(', ')}`);
}

describe('custom-elements.json', () => {
  const path = new URL(MANIFEST, root);
  const manifest = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Manifest) : undefined;
  const module = manifest?.modules.find((m) => m.declarations?.some((d) => d.tagName === 'tipsy-chat'));
  const element = module?.declarations?.find((d) => d.tagName === 'tipsy-chat');

  it('is built into dist/ and named by package.json', () => {
    assert.ok(manifest, `${MANIFEST} was not built (vite.config.ts writes it)`);
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { customElements?: string };
    assert.equal(pkg.customElements, MANIFEST);
  });

  it('defines <tipsy-chat> as a custom element', () => {
    assert.ok(element?.customElement, 'no custom element with the tag name tipsy-chat');
    assert.ok(module?.exports?.some((e) => e.kind === 'custom-element-definition' && e.name === 'tipsy-chat'));
  });

  it('lists every attribute', () => assertDocumented('attributes', element?.attributes, new Set(OBSERVED_ATTRIBUTES)));

  it('lists every part the templates and the DOM code set', () => assertDocumented('parts', element?.cssParts, partsSet()));

  it('lists every tipsy-* event', () => assertDocumented('events', element?.events, eventsDefined()));

  it('lists every --tipsy-* property the styles read', () => assertDocumented('CSS properties', element?.cssProperties, cssPropertiesRead()));

  it('lists the properties that mirror the attributes, and no private member', () => {
    const members = (element?.members ?? []).map((m) => m.name);
    const missing = ['isOpen', ...Object.keys(STRING_PROPERTIES)].filter((name) => !members.includes(name));
    assert.deepEqual(missing, []);
    assert.deepEqual(
      members.filter((name) => name.startsWith('#')),
      [],
    );
  });
});
