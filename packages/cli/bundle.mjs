// Bundles the built CLI (dist/main.js, from `tsc -b`) into dist/boocode.mjs, which bin/boocode.js
// runs, and a few chunks it imports when a command needs them. Loading a few files instead of some
// 200 modules (zod alone is over 100) is most of a client command's start-up on Node 20, which has
// no compile cache; so is parsing, hence the whitespace and syntax minified (names kept, for
// readable stack traces). What only some commands need stays outside and is loaded when used: the
// server (`serve`, `worker`), ws (streams), js-yaml (-o yaml).
import { rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * zod re-exports every locale (`z.locales`, a third of the bundle); the CLI uses none but English,
 * which zod imports by itself. The locale index becomes English only.
 */
const englishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}zod${path.sep}`) ? { path: path.resolve(path.dirname(args.importer), args.path), namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(path.join(path.dirname(args.path), 'en.js'))};`,
      resolveDir: path.dirname(args.path),
    }));
  },
};

// Chunk names carry their content's hash: the last build's would pile up.
rmSync(new URL('dist/chunks', import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: { boocode: new URL('dist/main.js', import.meta.url).pathname },
  outdir: new URL('dist', import.meta.url).pathname,
  // What a command imports when it runs (the client and the contracts once it connects) goes into
  // chunks of its own, loaded then: --help, --version and completion start without them.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  external: ['@boocode/server', '@modelcontextprotocol/sdk', 'ws', 'js-yaml'],
  plugins: [englishOnly],
  // commander is CommonJS: its require() of Node's modules needs a require in an ES module.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
});
