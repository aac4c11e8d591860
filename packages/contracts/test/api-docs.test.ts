import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routes, streams, type RouteDef } from '@boocode/contracts';

// docs/api.md is the API's reference for people: it must name every route of the table as
// "METHOD /path", and no route or path the server does not have.
const doc = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');

const table = Object.entries(routes as Record<string, RouteDef>);
const known = new Set([...table.map(([, r]) => `${r.method} ${r.path}`), ...Object.values(streams).map((s) => `GET ${s.path}`)]);
const knownPaths = new Set([...known].map((k) => k.slice(k.indexOf(' ') + 1)));

/** `/api/...` as written in the text, without a query string or the punctuation after it. */
const PATH = String.raw`/api/[\w\-./:{}]*`;
const clean = (p: string) => p.replace(/[.:]+$/, '');

describe('docs/api.md', () => {
  it('names every route of the table as "METHOD /path"', () => {
    const named = new Set([...doc.matchAll(new RegExp(String.raw`\b(GET|POST|PATCH|PUT|DELETE) (${PATH})`, 'g'))].map((m) => `${m[1]} ${clean(m[2]!)}`));
    const missing = table.filter(([, r]) => !named.has(`${r.method} ${r.path}`)).map(([name, r]) => `${name}: ${r.method} ${r.path}`);
    expect(missing).toEqual([]);
  });

  it('names no route and no path the server does not have', () => {
    const pairs = [...doc.matchAll(new RegExp(String.raw`\b([A-Z]{3,7}) (${PATH})`, 'g'))].map((m) => `${m[1]} ${clean(m[2]!)}`);
    expect(pairs.filter((p) => !known.has(p))).toEqual([]);
    const paths = [...doc.matchAll(new RegExp(PATH, 'g'))].map((m) => clean(m[0]));
    expect(paths.filter((p) => !knownPaths.has(p))).toEqual([]);
  });
});
