/**
 * The layers of server/ and widget/, as the imports really run, checked on every `npm test`
 * (`npm run lint:layers`, and test/build/layering.test.ts, which also proves each rule fires).
 *
 *   kernel       errors, ids, log, text, json-bounds: the error type, ids and timestamps, the logger's
 *                shape, the zod building blocks for text, bounds for untrusted JSON. Anyone may use
 *                them; they use nothing of ours but the contract's error codes, as types.
 *   contract     protocol/: what the server and its clients agree on. A few files are pure
 *                constants and functions (CONTRACT_PURE) the widget may run; the rest is types,
 *                and payloads.ts, the zod schemas of the socket's payloads (server side only).
 *   store        db/: Kysely over better-sqlite3 or pg (Postgres), tables, group commit, checkpoints.
 *   domain       admin/, auth/, characters/, chat/, limits/: what a visitor, a site owner and the
 *                operator may do, whatever the transport. The queries on the store live here.
 *   transports   trpc/, realtime/ (Socket.IO), http/ (plumbing tRPC and Socket.IO share), cli/.
 *   roots        app.ts and main.ts (the server), demo-seed.ts, tools/; config.ts, which the CLI
 *                reads too (its commands are the root of their own process: cli/main.ts, with-db.ts).
 *   widget       widget/: the browser's side, bundled with a size budget.
 *   studio       studio/: the site owner's console, a page of its own; the server's contract as types only.
 *
 * Each rule's comment says why; docs/architecture.md ("Rules the layout keeps") sums them up.
 */

const KERNEL = '^server/(errors|ids|log|text|json-bounds)\\.ts$';
const CONTRACT = '^server/protocol/';
/**
 * Contract files the widget may import at run time: plain constants and functions, no zod,
 * nothing from Node. Everything else in protocol/ the widget takes as types only.
 */
const CONTRACT_PURE = '^server/protocol/(bounds|character|connect-error|errors|events)\\.ts$';
const STORE = '^server/db/';
const DOMAIN = '^server/(admin|auth|characters|chat|limits)/';
const TRANSPORT = '^server/(trpc|realtime|http|cli)/';
const ROOT = '^server/(app|main|demo-seed|config)\\.ts$|^server/tools/';
const CONFIG = '^server/config\\.ts$';
const ROUTER = '^server/trpc/router\\.ts$';
const WIDGET = '^widget/';
/** Browser tests import test helpers and @open-wc; they are not shipped. */
const WIDGET_TEST = '\\.test\\.ts$';

/** Packages a transport is built on: the domain must not know them. */
const TRANSPORT_PACKAGES = 'node_modules/(fastify|@fastify/|@trpc/|socket\\.io|@socket\\.io/|engine\\.io|commander)';
/** What the widget may run from node_modules: each one is weighed against its budget (docs/performance.md). */
const WIDGET_PACKAGES = 'node_modules/(lit|lit-html|@lit/|@trpc/client|socket\\.io-client)/';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle at run time makes two modules one: neither can be loaded, tested or moved alone, and which runs ' +
        'first depends on who imported whom. Types may refer back (an element and the loader it hands itself to).',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['pre-compilation-only'] } },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing (a wrong path or extension in a .mjs file, which tsc does not check).',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A module nothing imports and that imports nothing is dead. The worker is started by URL (db/checkpoints.ts).',
      from: { orphan: true, pathNot: ['^server/db/checkpoint-worker\\.mjs$', '\\.d\\.ts$'] },
      to: {},
    },

    // The kernel
    {
      name: 'kernel-imports-only-kernel',
      severity: 'error',
      comment:
        'Everyone may use the kernel, so it may use nothing of ours, or it would drag its users into a cycle. ' +
        'One exception: TipsyError carries the contract’s error codes, as a type.',
      from: { path: KERNEL },
      to: { path: '^(server|widget)/', pathNot: [KERNEL, '^server/protocol/errors\\.ts$'] },
    },
    {
      name: 'kernel-takes-error-codes-as-types',
      severity: 'error',
      comment: 'The exception to kernel-imports-only-kernel is type-only: the codes are the contract’s, not the kernel’s.',
      from: { path: KERNEL },
      to: { path: '^server/protocol/errors\\.ts$', preCompilationOnly: false },
    },

    // The contract
    {
      name: 'contract-imports-only-kernel',
      severity: 'error',
      comment:
        'The contract is what both sides agree on: it may build on the kernel (text rules, the error type), never ' +
        'on what one side does with it. The one exception is the router’s type, for clients (the next two rules).',
      from: { path: CONTRACT },
      to: { path: '^(server|widget)/', pathNot: [CONTRACT, KERNEL, ROUTER] },
    },
    {
      name: 'contract-names-the-router-in-api-only',
      severity: 'error',
      comment: 'protocol/api.ts is where a client finds the API’s type; no other contract file leans on the router.',
      from: { path: CONTRACT, pathNot: ['^server/protocol/api\\.ts$'] },
      to: { path: ROUTER },
    },
    {
      name: 'contract-takes-the-router-as-a-type',
      severity: 'error',
      comment: 'And only its type: a client that imported the contract would otherwise load the whole server.',
      from: { path: CONTRACT },
      to: { path: ROUTER, preCompilationOnly: false },
    },
    {
      name: 'contract-pure-stays-pure',
      severity: 'error',
      comment:
        'The widget runs these files: at run time they may import only one another, no package (zod would land ' +
        'in the chat’s size budget) and nothing from Node.',
      from: { path: CONTRACT_PURE },
      to: { pathNot: [CONTRACT_PURE], preCompilationOnly: false },
    },

    // The store
    {
      name: 'store-imports-only-kernel',
      severity: 'error',
      comment:
        'The store knows tables and transactions, not what they mean: it never imports the domain (which calls it), ' +
        'the contract, a transport or a root. A second store (Postgres) replaces db/ alone.',
      from: { path: STORE },
      to: { path: '^(server|widget)/', pathNot: [STORE, KERNEL] },
    },
    {
      name: 'only-the-store-opens-a-database',
      severity: 'error',
      comment: 'The database drivers (SQLite, Postgres) are the store’s: everyone else speaks Kysely through db/, so a store changes in one folder.',
      from: { pathNot: STORE },
      to: { path: 'node_modules/(better-sqlite3|pg)/' },
    },

    // The domain
    {
      name: 'domain-knows-no-transport',
      severity: 'error',
      comment:
        'The domain is what a visitor or site owner may do, whatever the transport: it never imports tRPC, ' +
        'Socket.IO, the HTTP plumbing or the CLI, not even their types. A transport reaches it through an ' +
        'interface the domain owns (chat/broadcaster.ts, auth/access-changes.ts).',
      from: { path: DOMAIN },
      to: { path: TRANSPORT },
    },
    {
      name: 'domain-knows-no-transport-package',
      severity: 'error',
      comment: 'Nor the packages transports are built on: Fastify, tRPC, Socket.IO, commander.',
      from: { path: DOMAIN },
      to: { path: TRANSPORT_PACKAGES },
    },

    // Transports
    {
      name: 'transports-stand-alone',
      severity: 'error',
      comment:
        'tRPC, Socket.IO and the CLI are peers that share the domain, not one another; the network transports ' +
        'share the HTTP plumbing (http/: client addresses, the error envelope), which imports none of them.',
      from: { path: TRANSPORT },
      // $1: the importing transport's own folder.
      to: { path: TRANSPORT, pathNot: ['^server/$1/', '^server/http/'] },
    },
    {
      name: 'network-transports-hold-no-database',
      severity: 'error',
      comment:
        'tRPC, Socket.IO and the HTTP plumbing reach the database only through the domain: they never hold a handle ' +
        '(the tRPC context carries services, not `db`). A row type the domain hands out may be named, as a type. ' +
        'The CLI opens the database it works on (cli/with-db.ts): it is the root of its own process.',
      from: { path: '^server/(trpc|realtime|http)/' },
      to: { path: STORE, pathNot: ['^server/db/tables\\.ts$'] },
    },
    {
      name: 'network-transports-name-row-types-only',
      severity: 'error',
      comment: 'The exception above is for types.',
      from: { path: '^server/(trpc|realtime|http)/' },
      to: { path: '^server/db/tables\\.ts$', preCompilationOnly: false },
    },

    // Roots
    {
      name: 'only-roots-import-roots',
      severity: 'error',
      comment:
        'The composition roots build everything; nothing they build may reach back into them. ' +
        'config.ts (the environment, validated) is read by the roots and by the CLI, which is the root of its own process.',
      from: { pathNot: [ROOT] },
      to: { path: ROOT, pathNot: [CONFIG] },
    },
    {
      name: 'config-is-read-by-roots',
      severity: 'error',
      comment: 'Parts are handed their settings by a root; only roots and the CLI read the environment’s config.',
      from: { pathNot: [ROOT, '^server/cli/'] },
      to: { path: CONFIG },
    },

    // The widget
    {
      name: 'server-imports-no-widget',
      severity: 'error',
      comment: 'The widget is browser code, built by Vite and served from dist/: the server never imports it, not even its types.',
      from: { path: '^server/' },
      to: { path: WIDGET },
    },
    {
      name: 'widget-imports-only-the-contract',
      severity: 'error',
      comment: 'The widget is built for the browser: of the server, it knows the contract (protocol/) and nothing else, not even as types.',
      from: { path: WIDGET },
      to: { path: '^server/', pathNot: [CONTRACT] },
    },
    {
      name: 'widget-runs-only-pure-contract',
      severity: 'error',
      comment:
        'What the widget imports from the contract at run time is bundled: only the pure files (CONTRACT_PURE); ' +
        'anything else, `import type` (payloads.ts holds zod, api.ts the router).',
      from: { path: WIDGET },
      to: { path: CONTRACT, pathNot: [CONTRACT_PURE], preCompilationOnly: false },
    },
    {
      name: 'widget-runs-only-budgeted-packages',
      severity: 'error',
      comment:
        'Every package the widget runs is weighed against its size budget: lit, the tRPC client and the Socket.IO ' +
        'client. Types of any package are free.',
      from: { path: WIDGET, pathNot: [WIDGET_TEST] },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-no-pkg', 'npm-unknown'], pathNot: [WIDGET_PACKAGES], preCompilationOnly: false },
    },
    {
      name: 'studio-takes-the-server-as-types',
      severity: 'error',
      comment:
        'The studio is a page of its own, built apart: it reaches the server over HTTP (the admin API with its ' +
        'session cookie) and takes the contract as types only; no server code runs in it.',
      from: { path: '^studio/' },
      to: { path: '^server/', preCompilationOnly: false },
    },
    {
      name: 'widget-needs-no-node',
      severity: 'error',
      comment: 'The widget and its tests run in browsers: no Node built-in module.',
      from: { path: WIDGET },
      to: { dependencyTypes: ['core'] },
    },
  ],
  options: {
    // Type-only imports count, and each dependency says whether it survives compilation: several rules
    // allow a type and forbid the same import at run time. The compiler's own options decide, so an
    // `import { type X }` counts as run time (verbatimModuleSyntax keeps it as `import {}`).
    tsPreCompilationDeps: 'specify',
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    // Tests and benches may import anything; widget tests' helpers live in test/browser.
    exclude: { path: '^(test|bench)/' },
    // Packages resolve as Node and the bundler load them, as ES modules (some export nothing else).
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] },
    skipAnalysisNotInRules: true,
  },
};
