// Bundles the built CLI (dist/main.js, from `tsc -b`) into one file, dist/boocode.mjs, which
// bin/boocode.js runs. Loading one file instead of some 200 modules (zod alone is over 100) is most
// of a client command's start-up on Node 20, which has no compile cache; so is parsing, hence the
// whitespace and syntax minified (names kept, for readable stack traces). What only some commands
// need stays outside and is loaded when used: the server (`serve`), ws (streams), js-yaml (-o yaml).
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

await build({
  entryPoints: [new URL('dist/main.js', import.meta.url).pathname],
  outfile: new URL('dist/boocode.mjs', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  external: ['@boocode/server', 'ws', 'js-yaml'],
  plugins: [englishOnly],
  // commander is CommonJS: its require() of Node's modules needs a require in an ES module.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
});
