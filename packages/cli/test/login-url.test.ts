import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, startTestServer, type TestServer } from '@boocode/testkit/server';

let server: TestServer;
let home: string;
const dirs: string[] = [];

beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'boocode-cli-home-'));
  dirs.push(home);
  server = await startTestServer({ home });
});
afterAll(async () => {
  await server?.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function emptyDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'boocode-cli-empty-'));
  dirs.push(dir);
  return dir;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('boocode login-url', () => {
  it("prints a working one-time login URL, finding the server through the home's server.json", async () => {
    await writeFile(path.join(home, 'server.json'), JSON.stringify({ url: server.url, pid: process.pid }));
    const run = await runCli(['login-url', '--home', home]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const url = run.stdout.trim();
    expect(url).toMatch(new RegExp(`^${server.url}/api/auth/login\\?code=`));
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    // BOOCODE_HOME instead of --home.
    expect((await runCli(['login-url'], { BOOCODE_HOME: home })).code).toBe(0);
  });

  it('says what is missing and exits non-zero: no home, no running server, nothing at the address', async () => {
    const none = await emptyDir();
    const noHome = await runCli(['login-url', '--home', none]);
    expect(noHome.code).toBe(1);
    expect(noHome.stderr).toContain(`boocode: no BooCode home at ${none} (no config.json)`);

    const stopped = await emptyDir();
    await writeFile(path.join(stopped, 'config.json'), JSON.stringify({ token: server.token }));
    const notRunning = await runCli(['login-url', '--home', stopped]);
    expect(notRunning.code).toBe(1);
    expect(notRunning.stderr).toContain(`boocode: no running server found for ${stopped}: start one with \`boocode serve\``);

    const port = await closedPort();
    const gone = await runCli(['login-url', '--home', stopped], { BOOCODE_URL: `http://127.0.0.1:${port}` });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`boocode: cannot reach the server at http://127.0.0.1:${port}`);
  });

  it("names the server's refusal of a wrong token", async () => {
    const run = await runCli(['login-url', '--home', home], { BOOCODE_URL: server.url, BOOCODE_TOKEN: 'x'.repeat(40) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^boocode: unauthorized: /);
    expect(run.stdout).toBe('');
  });
});
