#!/usr/bin/env node
// Runs the fake ACP agent on stdio: `node packages/testkit/bin/fake-acp.js --script file.json`.
import { fail, loadSource } from './source.js';

const { runFakeAcpCli } = await loadSource('fake-acp/cli.ts');
await runFakeAcpCli(process.argv.slice(2)).catch(fail);
