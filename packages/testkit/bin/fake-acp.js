#!/usr/bin/env node
// Runs the fake ACP agent on stdio: `node packages/testkit/bin/fake-acp.js --script file.json`.
// Uses the built dist when present; otherwise loads the TypeScript sources through tsx so no build is needed.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/fake-acp/cli.js', import.meta.url);
let mod;
if (existsSync(fileURLToPath(dist))) {
  mod = await import(dist.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import(new URL('../src/fake-acp/cli.ts', import.meta.url).href);
}
try {
  await mod.runFakeAcpCli(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
}
