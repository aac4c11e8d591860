import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

/** Module specifiers a file imports (static and dynamic). */
const importsOf = (code: string): string[] => [...code.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);

describe('what the web app bundles', () => {
  it('imports no Node module outside src/node/, and nothing from src/node/', () => {
    const offending: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (file !== path.join(SRC, 'node')) walk(file);
          continue;
        }
        for (const spec of importsOf(readFileSync(file, 'utf8'))) {
          const nodeOnly = spec.startsWith('node:') || builtinModules.includes(spec) || /(^|\/)node(\/|\.js$|$)/.test(spec);
          if (nodeOnly) offending.push(`${path.relative(SRC, file)} imports ${spec}`);
        }
      }
    };
    walk(SRC);
    expect(offending).toEqual([]);
  });

  it('finds the imports it looks for', () => {
    expect(importsOf("import { x } from 'node:fs';\nexport { y } from './node/home.js';\nconst z = await import('node:os');")).toEqual([
      'node:fs',
      './node/home.js',
      'node:os',
    ]);
  });
});
