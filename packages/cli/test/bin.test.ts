import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Project, ServerInfo, Session, WorkflowRun } from '@boocode/contracts';
import { atProcessEnd, scratchDir } from '@boocode/testkit';
import { createTestDatabase, makeGitRepo } from '@boocode/testkit/server';

/**
 * The `boocode` bin run as a program (its shebang starts Node): client commands start Node without
 * --no-node-snapshot, and `serve` starts it again with the flag, in a child that stands in for it.
 */

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/boocode.js');
const stops: (() => void)[] = [];
afterAll(() => stops.forEach((s) => s()));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** `boocode serve` started the way a user starts it, ready once it prints its URL. */
async function serveThroughBin(home: string) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BOOCODE_') && k !== 'NODE_OPTIONS'));
  const child = spawn(BIN, ['serve', '--port', '0', '--home', home], {
    env: { ...env, DATABASE_URL: await createTestDatabase(), BOOCODE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  let info: ServerInfo | null = null;
  const unregister = atProcessEnd(() => {
    child.kill('SIGKILL');
    if (info && alive(info.pid)) process.kill(info.pid, 'SIGKILL');
  });
  stops.push(unregister);
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /BooCode (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then((e) => reject(new Error(`serve exited early (${JSON.stringify(e)}):\n${out}\n${err}`)));
  });
  info = JSON.parse(await readFile(path.join(home, 'server.json'), 'utf8')) as ServerInfo;
  const token = (JSON.parse(await readFile(path.join(home, 'config.json'), 'utf8')) as { token: string }).token;
  const api = async <T>(method: string, route: string, body?: unknown) => {
    const res = await fetch(url + route, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  return { child, exited, info, api, output: () => `${out}\n${err}` };
}

describe('the boocode bin', () => {
  it('serve runs in a child Node with the sandbox flag: workflows are offered; the child stops when the bin is killed outright', async () => {
    const s = await serveThroughBin(scratchDir('boocode-bin-'));
    // The server is the child, not the bin.
    expect(s.info.pid).not.toBe(s.child.pid);
    const project = (await s.api<Project>('POST', '/api/projects', { path: await makeGitRepo() })).body;
    const session = (await s.api<Session>('POST', '/api/sessions', { project_id: project.id, isolated: false })).body;
    // Without the flag the server answers 503 workflows_unavailable.
    const run = await s.api<WorkflowRun>('POST', `/api/sessions/${session.id}/workflow-runs`, {
      script: "export const meta = { name: 'noop', description: 'returns' };\nreturn 1;",
    });
    expect(run.status, JSON.stringify(run.body)).toBe(201);

    s.child.kill('SIGKILL');
    await s.exited;
    await expect.poll(() => alive(s.info.pid), { timeout: 60_000, interval: 100 }).toBe(false);
  });

  it('serve passes SIGTERM on and exits as its child did', async () => {
    const s = await serveThroughBin(scratchDir('boocode-bin-'));
    s.child.kill('SIGTERM');
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(alive(s.info.pid)).toBe(false);
  });
});
