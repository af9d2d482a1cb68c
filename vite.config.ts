import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build, defineConfig, type InlineConfig, type Plugin, type ResolvedConfig } from 'vite';
// CHAT_FILE: the chat's module, fetched on demand by the loader; it is imported next to the loader's own URL.
// localeFile: a language's strings, fetched the same way when the page speaks it.
import { CHAT_FILE, chatModuleVersion, localeFile, localesVersion } from './server/http/chat-module.js';
import { LOCALES, type TranslatedLocale } from './widget/i18n/locales.js';

/**
 * Fully minified, for pages rather than bundlers: whitespace too (a library build keeps it by
 * default), and no comments (a library build keeps the pure annotations).
 */
const MINIFIED = { comments: false, minify: { compress: true, mangle: true, codegen: true } } as const;

/** The languages besides English, which is built in: each is built as a file of its own. */
const TRANSLATED = LOCALES.filter((locale): locale is TranslatedLocale => locale !== 'en');

/** Modules the chat needs only for what they export, not for what they run on import (see treeshake below). */
const FREE_OF_SIDE_EFFECTS = /\/node_modules\/(@trpc|socket\.io-client)\/|\/engine\.io-client\/build\/esm\/transports\/polling-xhr\.js$/;

/**
 * Builds the widget into dist/ in one command, in two passes:
 *
 * 1. the chat (widget/chat/index.ts): one ES module, `tipsy-chat-panel.mjs`,
 *    which `<tipsy-chat>` imports when the visitor wants to talk; and beside
 *    it each language's strings (widget/i18n/locales/*.ts), one small ES module
 *    each, `tipsy-chat-locale-es.mjs`…, which `<tipsy-chat>` imports when the
 *    page speaks that language;
 * 2. the loader (widget/loader.ts), what host pages load up front:
 *    `tipsy-chat.js`, a classic script for a `<script src>` tag on any site,
 *    and `tipsy-chat.mjs`, an ES module. It names the chat and the language
 *    files with a hash of their content, so they can be cached for good
 *    (server/http/static-files.ts).
 *
 * A classic script cannot be split into chunks, hence two builds.
 */
export default defineConfig({
  plugins: [minifyStyles(), chatSocketIo(), nativeHelpers(), trpcQueriesAndMutations(), buildLoaderAfterChat(), customElementsManifest()],
  build: {
    // ES2022 keeps #private members native, so the minifier can shorten their names.
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    lib: {
      // The language files import nothing at run time: each stays whole, sharing no chunk with the chat.
      entry: { chat: 'widget/chat/index.ts', ...Object.fromEntries(TRANSLATED.map((locale) => [locale, `widget/i18n/locales/${locale}.ts`])) },
      formats: ['es'],
      fileName: (_format, entry) => (entry === 'chat' ? CHAT_FILE : localeFile(entry)),
    },
    rolldownOptions: {
      // The chat's own chunks: the Markdown renderer, fetched the first time a character writes Markdown.
      output: { ...MINIFIED, chunkFileNames: 'tipsy-chat-[name]-[hash].mjs' },
      treeshake: {
        // Code these packages run on import that the chat does not use, kept only because the
        // packages do not say they are free of side effects: tRPC's other links, io() and its
        // cache of managers (the chat makes its own Manager), and the XHR transport's unload hook
        // (the chat polls with fetch). See widget/transport/socket.ts.
        moduleSideEffects: (id) => !FREE_OF_SIDE_EFFECTS.test(id),
      },
    },
  },
});

/** Once the chat is written, builds the loader into the same folder, naming the chat's version and the language files'. */
function buildLoaderAfterChat(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'tipsy:build-loader',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    async writeBundle(_options, bundle) {
      const chat = bundle[CHAT_FILE];
      if (chat?.type !== 'chunk') throw new Error(`${CHAT_FILE} was not built`);
      // server/http/static-files.ts hashes the file on disk the same way: only this version is cached for good.
      const version = chatModuleVersion(chat.code);
      const locales = TRANSLATED.map((locale) => {
        const file = localeFile(locale);
        const strings = bundle[file];
        if (strings?.type !== 'chunk') throw new Error(`${file} was not built`);
        return [file, strings.code] as const;
      });
      await build(loaderConfig(config, `${CHAT_FILE}?v=${version}`, `${localeFile('*')}?v=${localesVersion(locales)}`));
    },
  };
}

/**
 * Writes custom-elements.json next to the widget: the element's attributes, events, parts and
 * custom properties, for editors and frameworks. It runs the analyzer's own command, configured by
 * custom-elements-manifest.config.mjs, while the loader builds.
 */
function customElementsManifest(): Plugin {
  let config: ResolvedConfig;
  let analyzing: Promise<unknown> | undefined;
  return {
    name: 'tipsy:custom-elements-manifest',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    writeBundle() {
      let cli: string;
      try {
        cli = createRequire(import.meta.url).resolve('@custom-elements-manifest/analyzer/cem.js');
      } catch {
        // Installed without dev dependencies (`npm start` may build there): the chat runs without it.
        config.logger.warn('custom-elements.json not written: @custom-elements-manifest/analyzer is not installed.');
        return;
      }
      const outdir = relative(config.root, resolve(config.root, config.build.outDir));
      analyzing = promisify(execFile)(process.execPath, [cli, 'analyze', '--quiet', '--outdir', outdir], { cwd: config.root });
    },
    async closeBundle() {
      await analyzing;
    },
  };
}

function loaderConfig(chat: ResolvedConfig, chatModule: string, localeModule: string): InlineConfig {
  return {
    configFile: false,
    root: chat.root,
    mode: chat.mode,
    logLevel: chat.logLevel,
    plugins: [minifyStyles()],
    define: {
      TIPSY_CHAT_MODULE: JSON.stringify(chatModule),
      TIPSY_LOCALE_FILE: JSON.stringify(localeModule),
    },
    resolve: {
      // From source, a language's strings are imported as modules to bundle (widget/i18n/locale-imports.ts);
      // the loader, a classic script that cannot be split, fetches the files built beside it instead.
      alias: [{ find: /^\.\/locale-imports\.js$/, replacement: resolve(chat.root, 'widget/i18n/locale-urls.ts') }],
    },
    build: {
      target: chat.build.target,
      outDir: chat.build.outDir,
      emptyOutDir: false,
      sourcemap: true,
      lib: {
        entry: 'widget/loader.ts',
        name: 'TipsyChat',
        formats: ['iife', 'es'],
        fileName: (format) => (format === 'es' ? 'tipsy-chat.mjs' : 'tipsy-chat.js'),
      },
      rolldownOptions: {
        output: MINIFIED,
        onLog(level, log, handler) {
          // The classic script finds its URL through document.currentScript first,
          // so import.meta being empty there is expected (widget/loader.ts).
          if (log.code === 'EMPTY_IMPORT_META') return;
          handler(level, log);
        },
      },
    },
  };
}

/**
 * The chat's events are JSON both ways (server/protocol/events.ts): Socket.IO's parser never
 * meets an attachment, so its search of every packet for binary values, and the code that packs
 * and unpacks them, are left out. A binary packet would be refused as malformed.
 */
const TEXT_ONLY_PARSER = {
  isBinary: 'export const isBinary = () => false; export const hasBinary = () => false;',
  binary: 'const refuse = () => { throw new Error("binary packets are not used"); }; export const deconstructPacket = refuse, reconstructPacket = refuse;',
  base64: 'const refuse = () => { throw new Error("binary packets are not used"); }; export const encode = refuse, decode = refuse;',
};

/**
 * Engine.IO parses the server's URL with a long regular expression, kept for platforms without
 * `URL`; every browser the chat supports has it. The fields Engine.IO reads, from `URL`.
 */
const URL_PARSER = `export function parse(source) {
  const url = new URL(/^[a-z]+:\\/\\//i.test(source) ? source : "http://" + source);
  return { source, protocol: url.protocol.slice(0, -1), host: url.hostname.replace(/^\\[|\\]$/g, ""), port: url.port, path: url.pathname, query: url.search.slice(1) };
}`;

/**
 * Engine.IO's default transport table names every transport it has (XHR and
 * fetch polling, WebSocket, WebTransport), so all of them would be bundled.
 * The chat asks for fetch polling and WebSocket by name (widget/transport/socket.ts):
 * the table holds just those two. And the parser is text-only (TEXT_ONLY_PARSER).
 */
function chatSocketIo(): Plugin {
  return {
    name: 'tipsy:chat-socket-io',
    enforce: 'pre',
    load(id) {
      if (/\/socket\.io-parser\/build\/esm\/is-binary\.js$/.test(id)) return TEXT_ONLY_PARSER.isBinary;
      if (/\/socket\.io-parser\/build\/esm\/binary\.js$/.test(id)) return TEXT_ONLY_PARSER.binary;
      if (/\/engine\.io-parser\/build\/esm\/contrib\/base64-arraybuffer\.js$/.test(id)) return TEXT_ONLY_PARSER.base64;
      if (/\/engine\.io-client\/build\/esm\/contrib\/parseuri\.js$/.test(id)) return URL_PARSER;
      if (!/\/engine\.io-client\/build\/esm\/transports\/index\.js$/.test(id)) return;
      return `import { Fetch } from './polling-fetch.js';
import { WS } from './websocket.js';
export const transports = { polling: Fetch, websocket: WS };`;
    },
  };
}

/** The ES2022 one-liners tRPC's copies of the object-spread helpers stand for, shared by all of them (see nativeHelpers). */
const NATIVE_HELPERS = '\0tipsy:native-helpers';

/**
 * tRPC's client ships two copies of the transpiler's object-spread helpers (typeof,
 * toPrimitive, toPropertyKey, defineProperty, objectSpread2), written for engines without
 * object spread. The chat targets ES2022: each copy becomes an import of the native one-liner
 * it stands for (data objects only pass through them, so copying values is copying
 * descriptors), one module for both, and the helpers they needed fall away.
 *
 * Its async-generator helper sets up its prototype as it loads, a side effect that keeps it
 * bundled though only streaming links use it: built inside a pure function, it goes when unused.
 */
function nativeHelpers(): Plugin {
  const native: Record<string, string> = {
    defineProperty: 'export function _defineProperty(e, r, t) { return Object.defineProperty(e, r, { value: t, enumerable: !0, configurable: !0, writable: !0 }); }',
    // Defined, not assigned: an own "__proto__" key (JSON.parse makes them) stays a plain key, as in a spread.
    objectSpread2:
      'export function _objectSpread2(e, ...r) { for (const s of r) if (s != null) for (const k of Reflect.ownKeys(s)) Object.prototype.propertyIsEnumerable.call(s, k) && Object.defineProperty(e, k, { value: s[k], enumerable: !0, configurable: !0, writable: !0 }); return e; }',
  };
  const helper = /\/\/#region \\0@oxc-project\+runtime@[\d.]+\/helpers\/esm\/(\w+)\.js\n([\s\S]*?)\/\/#endregion/g;
  const pure = (name: string, body: string) => {
    const at = body.indexOf('function AsyncGenerator(');
    if (name !== 'wrapAsyncGenerator' || at < 0) return undefined;
    return `${body.slice(0, at)}var AsyncGenerator = /* @__PURE__ */ (() => {\n${body.slice(at)}return AsyncGenerator;\n})();\n`;
  };
  return {
    name: 'tipsy:native-helpers',
    apply: 'build',
    resolveId: (id) => (id === NATIVE_HELPERS ? id : undefined),
    load: (id) => (id === NATIVE_HELPERS ? Object.values(native).join('\n') : undefined),
    transform(code, id) {
      if (!/\/node_modules\/@trpc\/(client|server)\/dist\/[^/]+\.mjs$/.test(id) || !code.includes('@oxc-project+runtime')) return;
      const replaced = code.replace(helper, (region, name: string, body: string) =>
        native[name] ? `import { _${name} } from ${JSON.stringify(NATIVE_HELPERS)};\n` : (pure(name, body) ?? region),
      );
      return { code: replaced, map: null };
    },
  };
}

/**
 * The chat calls tRPC queries and mutations over httpLink (widget/transport/api.ts), and the
 * server's router has no subscriptions, so the typed client offers none to call. What tRPC keeps
 * bundled anyway, because a class keeps all its methods or a statement reads properties:
 * - the untyped client's `subscription` method (and the async-iterator plumbing only it uses),
 *   which becomes one that refuses;
 * - httpLink's requests with FormData or binary inputs: every input is a JSON object (zod
 *   objects on the server), so each request is a JSON one;
 * - the list of error codes its streaming links retry, whose reads of the code table keep that
 *   whole table: built inside a pure function, both go when unused.
 */
function trpcQueriesAndMutations(): Plugin {
  const subscription = /\n\tsubscription\(path, input, opts = \{\}\) \{\n[\s\S]*?\n\t\}\n\};\n/;
  const retryable = /const retryableRpcCodes = (\[[^\]]*\]);/;
  const nonJsonRequests = /const universalRequester = \(opts\) => \{\n[\s\S]*?\n\};\n/;
  return {
    name: 'tipsy:trpc-queries-and-mutations',
    apply: 'build',
    transform(code, id) {
      let replaced: string | undefined;
      if (/\/node_modules\/@trpc\/client\/dist\/index\.mjs$/.test(id)) {
        replaced = code.replace(subscription, '\n\tsubscription() {\n\t\tthrow new Error("subscriptions are not used");\n\t}\n};\n');
      } else if (/\/node_modules\/@trpc\/client\/dist\/httpLink-[\w-]+\.mjs$/.test(id)) {
        replaced = code.replace(nonJsonRequests, 'const universalRequester = jsonHttpRequester;\n');
      } else if (/\/node_modules\/@trpc\/server\/dist\/codes-[\w-]+\.mjs$/.test(id)) {
        replaced = code.replace(retryable, 'const retryableRpcCodes = /* @__PURE__ */ (() => $1)();');
      } else return;
      // tRPC's files changed: fail the build rather than bundle what this no longer trims.
      if (replaced === code) throw new Error(`${id}: tRPC's code is not as expected; update tipsy:trpc-queries-and-mutations`);
      return { code: replaced, map: null };
    },
  };
}

/** Squeezes comments and whitespace out of the widget's CSS (template strings in *.styles.ts). */
function minifyStyles(): Plugin {
  const squeeze = (css: string) =>
    css
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\s+/g, ' ')
      .replace(/\s*([{};,>])\s*/g, '$1')
      .replace(/:\s+/g, ':')
      .replace(/;}/g, '}')
      .trim();
  return {
    name: 'tipsy:minify-styles',
    apply: 'build',
    transform(code, id) {
      if (!id.endsWith('.styles.ts')) return;
      return { code: code.replace(/= `([^`]*)`/g, (_, css: string) => `= \`${squeeze(css)}\``), map: null };
    },
  };
}
