// Child of orphans.test.ts: starts `opencode serve` through the backend, prints its pid, and exits
// without disposing anything, as a crashing BooCode would.
import { OpenCodeBackend } from '../../src/opencode/index.js';
import { openCodeTestHome } from './env.js';

const home = openCodeTestHome('http://127.0.0.1:9/v1');
const backend = new OpenCodeBackend({ baseEnv: process.env, env: home.env, config: home.config, offline: true });
await backend.ensureSession(
  { chatId: 'c', agent: 'opencode' },
  { sessionId: 's', projectId: 'p', root: home.makeRepo('r'), model: null, resumeToken: null },
);
process.stdout.write(`${backend.serverInfo()?.pid} ${home.root}\n`);
process.exit(0);
