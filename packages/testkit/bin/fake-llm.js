#!/usr/bin/env node
// Runs the fake OpenAI-compatible server: `node packages/testkit/bin/fake-llm.js --port N --script file.json`.
// Uses the built dist when present; otherwise loads the TypeScript sources through tsx so no build is needed.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/fake-llm/cli.js', import.meta.url);
let mod;
if (existsSync(fileURLToPath(dist))) {
  mod = await import(dist.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import(new URL('../src/fake-llm/cli.ts', import.meta.url).href);
}
try {
  await mod.runFakeLlmCli(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
}
