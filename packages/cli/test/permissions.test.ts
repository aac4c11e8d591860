import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission, PermissionList } from '@boocode/contracts';
import { fakeAcpBin, type FakeAcpScript, type FakeAcpTurn } from '@boocode/testkit';
import { makeGitRepo, runCli, spawnCli, startTestServer, type TestServer } from '@boocode/testkit/server';
import { jsonOf, lines, ptyCli } from './helpers.js';

/** Permission requests come from the fake ACP agent (testkit), which asks the way real ACP agents do. */
const AGENT = 'fake';
const askToEdit = (tag: string): FakeAcpTurn => ({
  match: tag,
  steps: [
    { tool: { id: `edit-${tag}`, title: 'Edit notes.txt', kind: 'edit', input: { path: 'notes.txt' }, permission: true, output: 'edited' } },
    { text: 'After the answer.' },
  ],
});
const script: FakeAcpScript = { turns: [askToEdit('answered by permit'), askToEdit('answered at the prompt'), askToEdit('left waiting')] };

let dir: string;
let server: TestServer;
let repo: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'boocode-cli-acp-')));
  const scriptFile = path.join(dir, 'script.json');
  writeFileSync(scriptFile, JSON.stringify({ ...script, stateFile: path.join(dir, 'state.json') }));
  const home = path.join(dir, 'home');
  const secret = () => randomBytes(32).toString('base64url');
  const config = { token: secret(), pg_password: secret(), agents: { [AGENT]: { command: fakeAcpBin, args: ['--script', scriptFile], kind: 'acp' } } };
  mkdirSync(home);
  writeFileSync(path.join(home, 'config.json'), JSON.stringify(config), { mode: 0o600 });
  server = await startTestServer({ home, writeIntervalMs: 50, agents: { discovery: { agents: [] } } });
  repo = await makeGitRepo({ 'notes.txt': 'one\n' });
  env = { BOOCODE_URL: server.url, BOOCODE_TOKEN: server.token };
  expect((await runCli(['project', 'add', repo, '-q'], env)).code).toBe(0);
});
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('boocode permit', () => {
  it('answers a real permission request while logs -f follows the turn to its end', async () => {
    const run = await runCli(['run', 'answered by permit', '--agent', AGENT, '--detach', '-q'], env, { cwd: repo });
    expect(run.code).toBe(0);
    const [sessionId] = lines(run.stdout);
    const logs = spawnCli(['logs', sessionId!, '-f'], env);
    const asked = await logs.waitForOutput(/^permission ([0-9a-f]{8}): Edit notes\.txt \(edit\) — answer: boocode permit \1 allow\|always\|reject$/m);
    const short = /^permission ([0-9a-f]{8}): Edit/m.exec(asked)![1]!;

    const pending = jsonOf(PermissionList, await runCli(['permit', 'ls', '--json'], env));
    expect(pending.items).toEqual([expect.objectContaining({ session_id: sessionId, title: 'Edit notes.txt', kind: 'edit', status: 'pending' })]);
    expect(pending.items[0]!.id.startsWith(short)).toBe(true);
    expect(lines((await runCli(['permit', 'ls', '-q', '--session', sessionId!.slice(0, 8)], env)).stdout)).toEqual([pending.items[0]!.id]);
    expect((await runCli(['permit', 'ls'], env)).stdout).toMatch(new RegExp(`^${short} +${sessionId!.slice(0, 8)} +edit +\\S+ ago +Edit notes\\.txt$`, 'm'));

    const answered = jsonOf(Permission, await runCli(['permit', short, 'allow', '--json'], env));
    expect(answered).toMatchObject({ status: 'answered', decision: 'allow_once', decided_by: 'user' });

    const ended = await logs.exited;
    expect(ended.code).toBe(0);
    expect(ended.stdout).toMatch(new RegExp(`^permission ${short}: allow_once \\(user\\)$`, 'm'));
    expect(ended.stdout).toContain('After the answer.');
    expect(ended.stdout).toMatch(/^\[turn 1\] completed in /m);

    const again = await runCli(['permit', short, 'reject'], env);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/^boocode: already_resolved: permission request .* is already answered/);
    expect(jsonOf(PermissionList, await runCli(['permit', 'ls', '--json'], env)).items).toEqual([]);
  });

  it('refuses an answer that is not allow, always or reject, and an unknown request', async () => {
    const bad = await runCli(['permit', 'abcd1234', 'maybe'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('maybe: answer allow, always or reject');
    const unknown = await runCli(['permit', 'abcd1234', 'allow'], env);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('no permission request with an id starting abcd1234');
  });

  it('asks at the terminal while run waits, in colour', async () => {
    const run = await ptyCli(['run', 'answered at the prompt', '--agent', AGENT], env, repo);
    await run.waitForOutput(/Allow Edit notes\.txt \(edit\)\?.*\[y\] once {2}\[a\] always {2}\[n\] reject {2}\[s\] skip: /);
    run.write('y\r');
    expect(await run.exited).toBe(0);
    const out = run.output();
    expect(out).toContain('After the answer.');
    expect(out).toMatch(/\x1b\[32m\[turn 1\] completed in /);
    expect(out).toMatch(/permission [0-9a-f]{8}: allow_once \(user\)/);
  });

  it('leaves a skipped request waiting, and Ctrl-C detaches without cancelling (exit 130)', async () => {
    const run = await ptyCli(['run', 'left waiting', '--agent', AGENT, '--name', 'detached'], { ...env, NO_COLOR: '1' }, repo);
    await run.waitForOutput(/\[s\] skip: /);
    run.write('s\r');
    await run.waitForOutput(/skipped: permission [0-9a-f]{8} waits/);
    run.write('\x03');
    expect(await run.exited).toBe(130);
    expect(run.output()).toMatch(/detached: the turn goes on \(boocode logs -f [0-9a-f]{8}/);
    // NO_COLOR: no colour codes even on a terminal.
    expect(run.output()).not.toMatch(/\x1b\[(3\d|1|2|3)m/);
    const waiting = jsonOf(PermissionList, await runCli(['permit', 'ls', '--json'], env));
    expect(waiting.items.map((p) => p.status)).toEqual(['pending']);
    const session = /detached: .*logs -f ([0-9a-f]{8})/.exec(run.output())![1]!;
    expect((await runCli(['stop', session, '-q'], env)).code).toBe(0);
  });
});
