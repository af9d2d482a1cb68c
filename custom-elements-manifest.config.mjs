/**
 * How dist/custom-elements.json is made: the manifest editors and frameworks read to learn
 * <tipsy-chat>'s attributes, properties, methods, events, parts and custom properties (the tags
 * in the element's JSDoc, widget/tipsy-chat/tipsy-chat.ts). `vite build` runs the analyzer with
 * this file (vite.config.ts); `npx cem analyze` does the same by hand.
 */
export default {
  // The modules a page or a bundler uses: the element, its events, the bundler entry that exports them.
  globs: ['widget/index.ts', 'widget/tipsy-chat/tipsy-chat.ts', 'widget/events.ts'],
  outdir: 'dist',
  // package.json names dist/custom-elements.json already; the analyzer would write the file again.
  packagejson: false,
  plugins: [publicSurfaceOnly()],
};

/**
 * Keeps the manifest to what a page can use: the analyzer lists #private members too, and an
 * event for every `dispatchEvent(new …)` it sees, without a name (the @fires tags name them all).
 */
function publicSurfaceOnly() {
  return {
    name: 'tipsy:public-surface-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          if (declaration.kind !== 'class') continue;
          if (declaration.members) declaration.members = declaration.members.filter((member) => !member.name.startsWith('#'));
          if (declaration.events) declaration.events = declaration.events.filter((event) => event.name);
        }
      }
    },
  };
}
