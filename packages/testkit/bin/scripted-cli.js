#!/usr/bin/env node
// A coding CLI with no protocol, for the terminal (pty) agent tests: `scripted-cli.js --prompt "<steps>"`.
import { fail, loadSource } from './source.js';

const { runScriptedCli } = await loadSource('scripted-cli.ts');
await runScriptedCli(process.argv.slice(2)).catch(fail);
