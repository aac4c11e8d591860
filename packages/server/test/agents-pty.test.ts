import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentsResponse, MessagePage, Project, SessionDiff, Task } from '@boocode/contracts';
import { scratchDir, scriptedCliBin } from '@boocode/testkit';
import { makeGitRepo, openStream, startTestServer, until, type TestServer } from '@boocode/testkit/server';
import { loadServerConfig } from '../src/config/server-config.js';
import { homeWithConfig, joined, newSession, post, waitTask } from './agents-env.js';

/**
 * The terminal (pty) backend through the server: a custom agent of kind `pty` running the
 * testkit's scripted CLI, a command with no protocol, once per turn in a real pseudo-terminal in
 * the session's real git worktree.
 */

const ARGS = ['--model', '{model}', '--worktree={worktree}', '--prompt', '{prompt}'];
let dir: string;
let home: string;
let server: TestServer;
let project: Project;

beforeAll(async () => {
  dir = scratchDir('boocode-srv-pty-');
  home = homeWithConfig({
    agents: {
      scripted: { kind: 'pty', command: scriptedCliBin, args: ARGS, label: 'Scripted CLI' },
      slow: { kind: 'pty', command: scriptedCliBin, args: ARGS, timeout_seconds: 2 },
      boxed: { kind: 'pty', command: scriptedCliBin, args: ARGS },
    },
    // Required: a machine where bubblewrap cannot run fails the sandbox test instead of skipping it.
    sandbox: { mode: 'required', agents: ['boxed'] },
  });
  server = await startTestServer({ home, writeIntervalMs: 50, agents: { discovery: { agents: [] } } });
  project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'notes.txt': 'one\n' }) })).body;
});

afterAll(async () => {
  await server?.close();
});

/** Whether the process runs (a zombie, killed and not yet reaped by whoever adopted it, does not). */
const alive = (pid: number): boolean => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
};

const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/;

describe('a terminal agent (pty) through the server', () => {
  it('is listed, with the note that it keeps no memory between turns', async () => {
    const agents = (await server.api<AgentsResponse>('GET', '/api/agents')).body.items;
    const scripted = agents.find((a) => a.name === 'scripted');
    expect(scripted).toMatchObject({ kind: 'pty', label: 'Scripted CLI', available: true, custom: true, capabilities: { usage: false, images: false } });
    expect(scripted!.notes.join(' ')).toMatch(/keeps no memory between turns unless its CLI does/);
  });

  it('streams clean text live, edits the worktree (in the diff), reports no usage; a second turn runs the command afresh', async () => {
    const { session, chat } = await newSession(server, project, { agent: 'scripted' });
    const stream = await openStream(server.url, session.id, { token: server.token });
    const gate = join(dir, 'gate-1');
    const task = await post(server, chat.id, `say first line; progress; write notes.txt edited by the cli; wait-for ${gate}; say after the gate`);
    // Printed while the command still runs: it waits for the gate.
    await stream.waitFor((f) => f.type === 'message_delta' && String(f.text).includes('first line'), 60_000);
    expect((await server.api<Task>('GET', `/api/tasks/${task.id}`)).body.status).toBe('running');
    writeFileSync(gate, '');
    expect((await waitTask(server, task.id)).status).toBe('completed');
    const done = await stream.waitFor((f) => f.type === 'message_complete', 30_000);
    expect(done.usage_reported).toBe(false);
    const text = joined(stream.frames, 'message_delta', done.message_id as string);
    expect(text).not.toMatch(CONTROL);
    const [header, vars, ...rest] = text.split('\n');
    expect(header).toMatch(/^scripted-cli model=\(none\) worktree=(\S+) cwd=\1$/);
    // Neither BooCode's token nor its database URL reaches the command.
    expect(vars).toBe('boocode-vars: none');
    expect(rest.join('\n')).toBe('first line\nprogress 100%\nafter the gate\n');

    const diff = (await server.api<SessionDiff>('GET', `/api/sessions/${session.id}/diff`)).body;
    expect(diff.files.map((f) => f.path)).toContain('notes.txt');
    const worktree = /worktree=(\S+)/.exec(header!)![1]!;
    expect(readFileSync(join(worktree, 'notes.txt'), 'utf8')).toBe('edited by the cli\n');
    expect(readFileSync(join(await projectPath(), 'notes.txt'), 'utf8')).toBe('one\n');

    const second = await waitTask(server, (await post(server, chat.id, 'say turn two')).id);
    expect(second.status).toBe('completed');
    const messages = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.filter((m) => m.role === 'assistant');
    expect(messages.at(-1)).toMatchObject({ usage_reported: false });
    expect(messages.at(-1)!.content).toMatch(/\nturn two\n$/);
    stream.close();
  });

  it("fills {model} from the session's model", async () => {
    const { chat } = await newSession(server, project, { agent: 'scripted', model: 'big-model' });
    const task = await waitTask(server, (await post(server, chat.id, 'say hi')).id);
    expect(task.status).toBe('completed');
    const last = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.at(-1)!;
    expect(last.content).toMatch(/^scripted-cli model=big-model /);
  });

  it('a non-zero exit fails the turn, naming the code and the last output', async () => {
    const { chat } = await newSession(server, project, { agent: 'scripted' });
    const task = await waitTask(server, (await post(server, chat.id, 'say something broke; exit 3')).id);
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/^agent_error: scripted exited with code 3\. Its last output:\n(.|\n)*something broke$/);
  });

  it('cancel kills the whole process group, a background grandchild too', async () => {
    const { chat } = await newSession(server, project, { agent: 'scripted' });
    const pidFile = join(dir, 'grandchild.pid');
    const task = await post(server, chat.id, `grandchild ${pidFile}; hang`);
    const pid = await until(async () => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8')), 'the grandchild to start');
    expect(alive(pid)).toBe(true);
    // The command's process group is in the child ledger while it runs, for a crashed BooCode's next start to kill.
    const group = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[2]);
    expect(readdirSync(join(home, 'agent-processes'))).toContain(`${group}.json`);
    await until(async () => (await server.api<Task>('GET', `/api/tasks/${task.id}`)).body.status === 'running', 'the turn to run');
    expect((await server.api<Task>('POST', `/api/tasks/${task.id}/cancel`)).status).toBeLessThan(300);
    expect((await waitTask(server, task.id)).status).toBe('cancelled');
    await until(async () => !alive(pid), 'the grandchild to be gone', 30_000);
    expect(readdirSync(join(home, 'agent-processes'))).not.toContain(`${group}.json`);
  });

  it('a command running past its time limit is stopped and the turn reads as timed out', async () => {
    const { chat } = await newSession(server, project, { agent: 'slow' });
    const task = await waitTask(server, (await post(server, chat.id, 'hang')).id);
    expect(task.status).toBe('timed_out');
    expect(task.error).toBe('slow ran longer than its time limit of 2 s and was stopped (agents.slow.timeout_seconds in config.json)');
  });

  it('runs an agent named in sandbox.agents in bubblewrap: BooCode home hidden, the worktree writable', async () => {
    const config = join(home, 'config.json');
    const run = async (agent: string) => {
      const { session, chat } = await newSession(server, project, { agent });
      const task = await waitTask(server, (await post(server, chat.id, `exists ${config}; write boxed.txt inside`)).id);
      const last = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.at(-1)!;
      const diff = (await server.api<SessionDiff>('GET', `/api/sessions/${session.id}/diff`)).body;
      return { status: task.status, text: last.content, files: diff.files.map((f) => f.path) };
    };
    expect(await run('scripted')).toMatchObject({ status: 'completed', text: expect.stringContaining(`exists ${config}: yes`) });
    const boxed = await run('boxed');
    expect(boxed).toMatchObject({ status: 'completed', text: expect.stringContaining(`exists ${config}: no`), files: ['boxed.txt'] });
    const agents = (await server.api<AgentsResponse>('GET', '/api/agents')).body.items;
    expect(agents.find((a) => a.name === 'boxed')?.sandbox).toMatchObject({ state: 'on' });
  });

  it('refuses a bad terminal agent config, saying what is wrong', async () => {
    const bad = (agents: unknown) =>
      loadServerConfig({ env: {}, flags: { home: homeWithConfig({ agents }) } });
    await expect(bad({ aider: { kind: 'pty', command: 'aider', args: ['--message', '{promt}'] } })).rejects.toThrow(
      /agents\.aider\.args: unknown placeholder \{promt\} in "\{promt\}"/,
    );
    await expect(bad({ aider: { kind: 'pty', command: 'aider', args: ['--yes'] } })).rejects.toThrow(/agents\.aider\.args: no argument holds \{prompt\}/);
    await expect(bad({ aider: { kind: 'pty', args: ['{prompt}'] } })).rejects.toThrow(/agents\.aider\.command: required/);
    await expect(bad({ mine: { kind: 'acp', command: 'x', timeout_seconds: 5 } })).rejects.toThrow(/agents\.mine\.timeout_seconds: only an agent of kind "pty"/);
    await expect(bad({ aider: { kind: 'pty', command: 'aider', args: ['{prompt}'], timeout_seconds: 0 } })).rejects.toThrow(/agents\.aider\.timeout_seconds/);
  });
});

async function projectPath(): Promise<string> {
  return (await server.api<Project>('GET', `/api/projects/${project.id}`)).body.path;
}
