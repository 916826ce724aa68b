/**
 * Which folder of app/ may import which: `npm run lint:deps`.
 *
 * The folders form layers, lowest first. A module may import its own layer
 * and the layers below it, never one above: a lower layer that needs
 * something from a higher one is given it (a parameter, a callback) or the
 * code moves. The consent core is held tighter still: it decides who may be
 * texted, so it depends on the database, the queues it writes to and the
 * shared vocabulary, and on nothing that could pull product code under it.
 * Tests may cross layers (a consent test may read the outbox); the rules
 * apply to the code that ships.
 */

/** Lowest first. A folder is `app/<name>/`; a single file is written with its extension. */
const LAYERS = [
  // demo-mode.server.ts is configuration too: the demo's published values, which production refuses.
  { name: "database and configuration", paths: ["db", "db.server.ts", "env.server.ts", "demo/demo-mode.server.ts"] },
  { name: "shared vocabulary and plumbing", paths: ["language", "phone", "security", "queues", "webhooks"] },
  { name: "consent core", paths: ["consent"] },
  { name: "shop settings", paths: ["shops"] },
  { name: "disclosure versions", paths: ["disclosures"] },
  // When a marketing text may go: quiet hours at the recipient, frequency caps. Planning and dispatch both apply them.
  { name: "sending rules", paths: ["sending-rules"] },
  { name: "outbound texts", paths: ["messaging"] },
  // What campaigns earn: tracked links and their clicks, orders and which campaign each is credited to.
  { name: "links and attribution", paths: ["links", "attribution"] },
  { name: "Shopify side", paths: ["shopify", "shopify.server.ts"] },
  { name: "privacy requests", paths: ["compliance"] },
  { name: "saving settings", paths: ["settings"] },
  { name: "admin listings", paths: ["campaigns", "subscribers"] },
  // The first-run checklist reads every setting above it; nothing imports it but routes.
  { name: "dashboard, results and set-up", paths: ["dashboard", "results", "setup"] },
  { name: "checkout consent", paths: ["checkout"] },
  { name: "inbound texts", paths: ["inbound"] },
  { name: "demo", paths: ["demo"] },
  { name: "entry points", paths: ["http", "routes", "components", "root.tsx", "entry.server.tsx"] },
];

const CONSENT_CORE_MAY_IMPORT = ["consent", "db", "db.server.ts", "env.server.ts", "queues", "language"];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** One regular expression for app/<path>/… or app/<file>. */
const pathsOf = (paths) => `^app/(${paths.map((path) => (path.includes(".") ? `${escape(path)}$` : `${escape(path)}/`)).join("|")})`;
const NOT_A_TEST = "\\.test\\.tsx?$";

const layerRules = LAYERS.slice(0, -1).map((layer, index) => ({
  name: `layer-${layer.name.replace(/\W+/g, "-")}`,
  comment: `The ${layer.name} layer must not import a layer above it (${LAYERS.slice(index + 1).map((above) => above.name).join(", ")}).`,
  severity: "error",
  from: { path: pathsOf(layer.paths), pathNot: NOT_A_TEST },
  to: {
    path: pathsOf(LAYERS.slice(index + 1).flatMap((above) => above.paths)),
    // A single file placed in a lower layer than its folder belongs to that lower layer.
    pathNot: pathsOf(LAYERS.slice(0, index + 1).flatMap((below) => below.paths)),
  },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: "no-circular",
      comment: "Modules that import each other, directly or through others, are one module pretending to be several.",
      severity: "error",
      from: { path: "^app/" },
      to: { circular: true },
    },
    {
      name: "consent-core-depends-on-database-and-queues-only",
      comment: `app/consent/ may import only ${CONSENT_CORE_MAY_IMPORT.join(", ")} from app/.`,
      severity: "error",
      from: { path: "^app/consent/", pathNot: NOT_A_TEST },
      to: { path: "^app/", pathNot: pathsOf(CONSENT_CORE_MAY_IMPORT) },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^build/", "^node_modules/"] },
    // Type-only imports count: a type pulled from a higher layer is an arrow the wrong way too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".d.ts"],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
