import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, startTestServer, type TestServer } from '@boocode/testkit/server';

let server: TestServer;
let home: string;

beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'boocode-cli-token-'));
  server = await startTestServer({ home });
  await writeFile(path.join(home, 'server.json'), JSON.stringify({ url: server.url, pid: process.pid }));
});
afterAll(async () => {
  await server?.close();
  await rm(home, { recursive: true, force: true });
});

describe('boocode token rotate', () => {
  it('prints the new token, which the server stored, and the old one stops working', async () => {
    const old = server.token;
    const run = await runCli(['token', 'rotate', '--home', home, '-q']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const fresh = run.stdout.trim();
    expect(fresh.length).toBeGreaterThanOrEqual(32);
    expect(fresh).not.toBe(old);
    expect(JSON.parse(await readFile(path.join(home, 'config.json'), 'utf8')).token).toBe(fresh);
    // The old token is refused (exit 4), the new one read from the home works.
    const stale = await runCli(['status', '--home', home], { BOOCODE_TOKEN: old });
    expect(stale.code).toBe(4);
    expect((await runCli(['status', '--home', home, '--json'])).code).toBe(0);
  });
});
