import { readFileSync } from 'node:fs';

/** The CLI's own version: the client commands do not load the server package to learn it. */
export const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
