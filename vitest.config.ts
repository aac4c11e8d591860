import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Tests run against the TypeScript sources of the workspace packages, so no build is needed
 * between an edit and a test run: every `source` export of every package becomes an alias
 * (aliases apply everywhere, including the global setup, where export conditions do not).
 */
function sourceAliases(): { find: RegExp; replacement: string }[] {
  const root = path.resolve('packages');
  const aliases: { find: RegExp; replacement: string }[] = [];
  for (const dir of readdirSync(root)) {
    let pkg: { name: string; exports?: Record<string, { source?: string }> };
    try {
      pkg = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
      if (!target.source) continue;
      const spec = sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`;
      aliases.push({ find: new RegExp(`^${spec.replace(/[/.]/g, '\\$&')}$`), replacement: path.join(root, dir, target.source) });
    }
  }
  return aliases;
}

export default defineConfig({
  resolve: { alias: sourceAliases() },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'packages/web/e2e/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // isolated-vm (the workflow sandbox) needs Node's startup snapshot off from Node 20 on.
    execArgv: ['--no-node-snapshot'],
    globalSetup: ['./vitest.global-setup.ts'],
  },
});
