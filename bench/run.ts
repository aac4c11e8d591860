/** `npm run bench -- <name>` runs bench/<name>/run.ts; without a name it lists them. */
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const names = readdirSync(here).filter((d) => existsSync(path.join(here, d, 'run.ts')));
const name = process.argv[2];
if (!name || !names.includes(name)) {
  console.error(`usage: npm run bench -- <${names.join('|')}>`);
  process.exit(name ? 1 : 0);
}
process.argv.splice(2, 1);
await import(path.join(here, name, 'run.ts'));
