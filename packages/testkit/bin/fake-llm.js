#!/usr/bin/env node
// Runs the fake OpenAI-compatible server: `node packages/testkit/bin/fake-llm.js --port N --script file.json`.
import { fail, loadSource } from './source.js';

const { runFakeLlmCli } = await loadSource('fake-llm/cli.ts');
await runFakeLlmCli(process.argv.slice(2)).catch(fail);
