// Builds the extension the way Shopify CLI does (it only runs esbuild), without
// the CLI: one bundle per target for inspection, plus the bundle Shopify
// actually receives, with every target in one file. Each must stay under
// Shopify's 64 KB compressed limit.
//
//   node scripts/build.mjs   → dist/*.js, sizes printed, exit 1 when too big

import { build } from "esbuild";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const LIMIT_BYTES = 64 * 1024;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** [{ target, module }] from the [[extensions.targeting]] blocks of shopify.extension.toml. */
export async function readTargets() {
  const toml = await readFile(join(root, "shopify.extension.toml"), "utf8");
  return toml
    .split("[[extensions.targeting]]")
    .slice(1)
    .map((block) => ({
      target: block.match(/^\s*target\s*=\s*"([^"]+)"/m)?.[1],
      module: block.match(/^\s*module\s*=\s*"([^"]+)"/m)?.[1],
    }));
}

// The entry Shopify CLI generates for API versions with Remote DOM (2025-07+).
function entryFor(targets) {
  return targets
    .map(({ target, module }, i) => `import Target_${i} from '${module}';shopify.extend('${target}', (...args) => Target_${i}(...args));`)
    .join("");
}

async function bundle(targets) {
  const result = await build({
    stdin: { contents: entryFor(targets), resolveDir: root, loader: "tsx", sourcefile: "extension-entry.tsx" },
    bundle: true,
    minify: true,
    write: false,
    target: "es6", // what Shopify CLI compiles to
    jsx: "automatic",
    jsxImportSource: "preact",
    define: { "process.env.NODE_ENV": '"production"' },
    legalComments: "none",
    logLevel: "silent",
  });
  const code = result.outputFiles[0].contents;
  return { code, raw: code.byteLength, gzip: gzipSync(code).byteLength };
}

/** Every bundle with its sizes; `write` puts them in dist/. */
export async function buildBundles({ write = false } = {}) {
  const targets = await readTargets();
  const jobs = [
    ...targets.map((target) => ({ name: target.target, file: `${target.target}.js`, targets: [target] })),
    { name: "sms-consent-checkout (deployed)", file: "sms-consent-checkout.js", targets },
  ];
  const bundles = [];
  for (const job of jobs) {
    const { code, raw, gzip } = await bundle(job.targets);
    if (write) {
      await mkdir(join(root, "dist"), { recursive: true });
      await writeFile(join(root, "dist", job.file), code);
    }
    bundles.push({ name: job.name, file: job.file, raw, gzip });
  }
  return bundles;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bundles = await buildBundles({ write: true });
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  for (const { name, file, raw, gzip } of bundles) {
    console.log(`${gzip > LIMIT_BYTES ? "TOO BIG" : "ok     "} dist/${file}  raw ${kb(raw)}  gzip ${kb(gzip)}  (${name})`);
  }
  if (bundles.some(({ gzip }) => gzip > LIMIT_BYTES)) {
    console.error(`A bundle exceeds Shopify's ${kb(LIMIT_BYTES)} compressed limit.`);
    process.exit(1);
  }
}
