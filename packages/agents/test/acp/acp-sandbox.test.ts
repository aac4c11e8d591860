import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeAcpBin } from '@boocode/testkit';
import { AcpBackend } from '../../src/acp/index.js';
import { probeSandbox, SandboxSettings, type SandboxPolicy } from '../../src/sandbox/index.js';

/** An ACP agent named in `sandbox.agents` runs inside bubblewrap, with a private home. */

let dir: string;
let root: string;
let home: string;
let policy: SandboxPolicy;
let userHome: string;

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'boocode-acp-sbx-')));
  root = join(dir, 'worktree');
  home = join(dir, 'boocode-home');
  mkdirSync(root);
  mkdirSync(home);
  userHome = join(dir, 'user-home');
  mkdirSync(userHome);
  writeFileSync(join(userHome, '.user-dotfile'), 'x');
  writeFileSync(join(home, 'config.json'), '{"token":"TOKEN-IN-CONFIG"}\n');
  const probe = await probeSandbox(process.env.PATH ?? '');
  if (!probe.available) throw new Error(`bubblewrap unavailable: ${probe.reason}`);
  policy = { settings: SandboxSettings.parse({ agents: ['fake-acp'] }), probe, hide: [home], agentHomes: join(dir, 'agent-homes') };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(name: string): Promise<string> {
  // Everything the agent needs sits in the worktree: the rest of /tmp is private to the sandbox.
  const script = join(root, `${name}-script.json`);
  const seen = join(root, `${name}-seen.txt`);
  writeFileSync(script, JSON.stringify({ turns: [] }));
  const backend = new AcpBackend({
    name,
    command: {
      command: '/bin/sh',
      args: ['-c', `{ cat ${home}/config.json; echo "HOME=$HOME"; ls -a "$HOME"; ls /proc | grep -c '^[0-9]'; } > "$0" 2>&1; exec "$@"`, seen, process.execPath, fakeAcpBin, '--script', script],
    },
    baseEnv: { ...process.env, HOME: userHome },
    sandbox: policy,
  });
  try {
    await backend.ensureSession({ chatId: 'c', agent: name }, { sessionId: 's', projectId: 'p', root, model: null, resumeToken: null });
  } finally {
    await backend.dispose();
  }
  return readFileSync(seen, 'utf8');
}

describe('ACP agents in the sandbox', () => {
  it('starts an agent named in sandbox.agents inside it, with BooCode home hidden and a private home', async () => {
    const seen = await start('fake-acp');
    expect(seen).not.toContain('TOKEN-IN-CONFIG');
    expect(seen).toContain(`HOME=${userHome}`);
    // The user's own home is not the agent's: its files are not there, and what the agent writes stays apart.
    expect(seen).not.toContain('.user-dotfile');
    expect(Number(seen.trim().split('\n').at(-1))).toBeLessThan(10);
    expect(existsSync(join(dir, 'agent-homes', 'fake-acp'))).toBe(true);
  });

  it('starts any other agent as it is', async () => {
    const seen = await start('not-listed');
    expect(seen).toContain('TOKEN-IN-CONFIG');
    expect(seen).toContain('.user-dotfile');
  });
});
