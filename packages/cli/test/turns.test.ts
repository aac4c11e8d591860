import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgentsResponse,
  CliAgentModels,
  CliLogEntry,
  CliLoginUrl,
  CliSessionOverview,
  CliStatus,
  CliStop,
  CliTurn,
  CliWait,
  Project,
  ProjectList,
  Session,
  SessionList,
  TaskList,
} from '@boocode/contracts';
import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { makeGitRepo, runCli, spawnCli, startTestServer, type TestServer } from '@boocode/testkit/server';
import { closedPort, jsonOf, lines } from './helpers.js';

let llm: FakeLlm;
let server: TestServer;
let repo: string;
let env: Record<string, string>;
let project: Project;

beforeAll(async () => {
  llm = await startFakeLlm({ fallback: { text: 'ok' } });
  server = await startTestServer({ env: { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'fake-model', BOOCODE_NATIVE_API_KEY: 'k' }, writeIntervalMs: 50 });
  repo = await makeGitRepo({ 'a.txt': 'alpha\n' });
  env = { BOOCODE_URL: server.url, BOOCODE_TOKEN: server.token };
  project = jsonOf(Project, await runCli(['project', 'add', repo, '--json'], env));
});
afterAll(async () => {
  await server?.close();
  await llm?.close();
});

/** The agent reads a.txt (a tool call), thinks, and answers. */
function readTurn(tag: string) {
  llm.push(
    { match: { lastUserIncludes: tag }, toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] },
    { match: { lastUserIncludes: tag }, reasoning: 'Looked at it.', text: ['The file ', 'says alpha.'], usage: { prompt_tokens: 120, completion_tokens: 8 } },
  );
}

/** The provider refuses every attempt of this turn. */
function failingTurn(tag: string) {
  for (let i = 0; i < 3; i++) llm.push({ match: { lastUserIncludes: tag }, error: { status: 400, body: { error: { message: 'no such model' } } } });
}

describe('boocode run', () => {
  it('opens a session in the project of the current directory and streams the turn to its end', async () => {
    readTurn('read it please');
    const run = await runCli(['run', 'read it please', '--name', 'reader'], env, { cwd: repo });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^session [0-9a-f]{8} opened in repo/m);
    const out = run.stdout;
    expect(out).toContain('> read it please\n');
    expect(out).toMatch(/^tool: read_file a\.txt {2}\[ok \d+ ms\]$/m);
    expect(out).toContain('thinking| Looked at it.\n');
    expect(out).toContain('The file says alpha.\n');
    expect(out).toMatch(/^\[turn 1\] completed in .+ · 120 in \/ 8 out tokens$/m);
    // Piped: no colour codes.
    expect(out).not.toContain('\x1b[');
  });

  it('--json prints the session, the task and the answer (CliTurn)', async () => {
    readTurn('json please');
    const turn = jsonOf(CliTurn, await runCli(['run', 'json please', '--project', project.id.slice(0, 8), '--policy', 'allow_edits', '--json'], env));
    expect(turn.session).toMatchObject({ project_id: project.id, permission_policy: 'allow_edits', isolated: true });
    expect(turn.task.status).toBe('completed');
    expect(turn.answer).toMatchObject({ role: 'assistant', content: 'The file says alpha.', reasoning: 'Looked at it.', status: 'complete' });
  });

  it('exits 5 when the turn fails, still printing what happened', async () => {
    failingTurn('fail this');
    const run = await runCli(['run', 'fail this', '--json'], env, { cwd: repo });
    expect(run.code).toBe(5);
    const turn = CliTurn.parse(JSON.parse(run.stdout));
    expect(turn.task.status).toBe('failed');
    expect(turn.task.error).toMatch(/bad_request/);
    expect(run.stderr).toMatch(/turn [0-9a-f]{8} failed/);
  });

  it('--detach -q prints the session id at once; logs -f then follows the turn until it ends', async () => {
    llm.push({ match: { lastUserIncludes: 'slowly' }, text: ['one ', 'two ', 'three ', 'four'], chunkDelayMs: 150 });
    const run = await runCli(['run', 'slowly', '--detach', '-q', '--name', 'slow'], env, { cwd: repo });
    expect(run.code).toBe(0);
    const [id] = lines(run.stdout);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const logs = await runCli(['logs', id!.slice(0, 6), '-f'], env);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('> slowly\n');
    expect(logs.stdout).toContain('one two three four\n');
    expect(logs.stdout).toMatch(/^\[turn 1\] completed in /m);
    // The turn is over: logs without -f tells the same story from what was stored.
    const again = await runCli(['logs', id!], env);
    expect(again.stdout).toContain('> slowly\n[turn 1]\none two three four\n');
    expect(again.stdout).toMatch(/^\[turn 1\] completed in /m);
  });

  it('reads the prompt from stdin with -, and refuses a bad image before creating anything', async () => {
    readTurn('from stdin');
    const run = await runCli(['run', '-', '--json'], env, { cwd: repo, input: 'prompt from stdin\n' });
    expect(jsonOf(CliTurn, run).answer?.content).toBe('The file says alpha.');
    const sessionsBefore = SessionList.parse(JSON.parse((await runCli(['ls', '--json'], env)).stdout)).items.length;
    const bad = await runCli(['run', 'look', '--image', 'nope.png'], env, { cwd: repo });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('boocode: --image nope.png: no such file');
    const notImage = await runCli(['run', 'look', '--image', 'a.txt'], env, { cwd: repo });
    expect(notImage.code).toBe(2);
    expect(notImage.stderr).toContain('not a .png');
    expect(SessionList.parse(JSON.parse((await runCli(['ls', '--json'], env)).stdout)).items).toHaveLength(sessionsBefore);
  });

  it('passes its options through: model, policy, base branch, no worktree, images', async () => {
    llm.push({ match: { lastUserIncludes: 'look at these' }, text: 'two pictures' });
    const dir = await mkdtemp(path.join(tmpdir(), 'boocode-cli-img-'));
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    await writeFile(path.join(dir, 'a.png'), png);
    await writeFile(path.join(dir, 'b.JPG'), Buffer.from('ffd8ffe000104a464946', 'hex'));
    const args = ['run', 'look at these', '--model', 'fake-model', '--base', 'main', '--policy', 'allow_all', '--image', path.join(dir, 'a.png'), '--image', path.join(dir, 'b.JPG'), '--json'];
    const turn = jsonOf(CliTurn, await runCli(args, env, { cwd: repo }));
    expect(turn.session).toMatchObject({ model: 'fake-model', base_branch: 'main', permission_policy: 'allow_all', isolated: true });
    expect(turn.answer?.content).toBe('two pictures');
    const request = llm.requests.findLast((r) => r.lastUserText.includes('look at these'))!;
    expect(request.images.map((i) => i.url)).toEqual([`data:image/png;base64,${png.toString('base64')}`, expect.stringMatching(/^data:image\/jpeg;base64,/)]);

    llm.push({ match: { lastUserIncludes: 'in place' }, text: 'here' });
    const inPlace = jsonOf(CliTurn, await runCli(['run', 'in place', '--no-worktree', '--json'], env, { cwd: repo }));
    expect(inPlace.session.isolated).toBe(false);
  });

  it('--wait-timeout stops waiting with exit 1 and leaves the turn running; a signal with --cancel-on-interrupt cancels it (exit 130)', async () => {
    llm.push({ match: { lastUserIncludes: 'stalls once' }, text: 'start', stallAfter: 2 }, { match: { lastUserIncludes: 'stalls twice' }, text: 'start', stallAfter: 2 });
    const timedOut = await runCli(['run', 'stalls once', '--wait-timeout', '1s', '-q'], env, { cwd: repo });
    expect(timedOut.code).toBe(1);
    expect(timedOut.stderr).toMatch(/^boocode: still running after 1\.0 s; the turn goes on \(boocode wait ([0-9a-f]{8}), boocode logs -f \1\)$/m);
    const [sessionId] = lines(timedOut.stdout);
    expect(jsonOf(CliStop, await runCli(['stop', sessionId!, '--json'], env)).cancelled).toHaveLength(1);

    const run = spawnCli(['run', 'stalls twice', '--cancel-on-interrupt'], env, { cwd: repo });
    await run.waitForOutput(/^start/m);
    run.child.kill('SIGINT');
    const ended = await run.exited;
    expect(ended.code).toBe(130);
    expect(ended.stderr).toContain('boocode: interrupted: the turn was cancelled');
    const id = /^session ([0-9a-f]{8}) opened/m.exec(ended.stderr)![1]!;
    const waited = await runCli(['wait', id], env);
    expect(waited.code).toBe(5);
    expect(waited.stdout).toMatch(/cancelled/);
  });

  it('outside any project says how to add one (exit 3)', async () => {
    const elsewhere = await makeGitRepo({ 'x.txt': 'x\n' }, 'elsewhere');
    const run = await runCli(['run', 'hi'], env, { cwd: elsewhere });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/is in no project: add it with `boocode project add`/);
  });
});

describe('boocode send, wait, stop', () => {
  it('send continues a session named by a prefix; wait exits 0 after a completed turn and 5 after a failed one', async () => {
    readTurn('first turn');
    const first = jsonOf(CliTurn, await runCli(['run', 'first turn', '--json'], env, { cwd: repo }));
    const prefix = first.session.id.slice(0, 8);

    readTurn('second turn');
    const sent = await runCli(['send', prefix, 'second turn', '--detach', '-q'], env);
    expect(sent.code).toBe(0);
    const [taskId] = lines(sent.stdout);
    expect(taskId).toMatch(/^[0-9a-f-]{36}$/);
    const waited = jsonOf(CliWait, await runCli(['wait', prefix, '--json'], env));
    expect(waited.task).toMatchObject({ id: taskId, status: 'completed' });
    expect(waited.answer?.content).toBe('The file says alpha.');

    failingTurn('third turn');
    expect((await runCli(['send', prefix, 'third turn', '--detach'], env)).code).toBe(0);
    const failed = await runCli(['wait', prefix], env);
    expect(failed.code).toBe(5);
    expect(failed.stdout).toMatch(/^turn [0-9a-f]{8} failed in .+: .*bad_request/m);

    readTurn('fourth turn');
    const fourth = jsonOf(CliTurn, await runCli(['send', prefix, 'fourth turn', '--json'], env));
    expect(fourth).toMatchObject({ session: { id: first.session.id }, task: { status: 'completed' }, answer: { content: 'The file says alpha.' } });

    // Nothing runs any more: stop has nothing to cancel.
    expect(jsonOf(CliStop, await runCli(['stop', prefix, '--json'], env)).cancelled).toEqual([]);
    const tasks = await server.api<TaskList>('GET', `/api/sessions/${first.session.id}/tasks`);
    expect(tasks.body.items.map((t) => t.status)).toEqual(['completed', 'failed', 'completed', 'completed']);
  });

  it('stop cancels a running turn named by a start of its task id', async () => {
    llm.push({ match: { lastUserIncludes: 'never ends' }, text: 'start', stallAfter: 2 });
    const run = jsonOf(CliTurn, await runCli(['run', 'never ends', '--detach', '--json'], env, { cwd: repo }));
    const stopped = jsonOf(CliStop, await runCli(['stop', run.task.id.slice(0, 10), '--json'], env));
    expect(stopped.cancelled).toEqual([run.task.id]);
    const waited = await runCli(['wait', run.session.id], env);
    expect(waited.code).toBe(5);
    expect(waited.stdout).toMatch(/cancelled/);
  });
});

describe('sessions', () => {
  it('ls filters by project, status and agent; -q prints ids; inspect, rename and archive', async () => {
    readTurn('listed');
    const turn = jsonOf(CliTurn, await runCli(['run', 'listed', '--name', 'to list', '--json'], env, { cwd: repo }));
    const id = turn.session.id;
    const all = jsonOf(SessionList, await runCli(['ls', '--json', '--project', repo], env));
    expect(all.items.map((s) => s.id)).toContain(id);
    expect(jsonOf(SessionList, await runCli(['ls', '--json', '--agent', 'opencode'], env)).items).toEqual([]);
    const quiet = await runCli(['ls', '-q'], env);
    expect(lines(quiet.stdout)).toEqual(all.items.map((s) => s.id));
    const table = await runCli(['ls'], env);
    expect(table.stdout).toMatch(new RegExp(`^${id.slice(0, 8)} +to list +repo +native +open`, 'm'));

    const overview = jsonOf(CliSessionOverview, await runCli(['inspect', id.slice(0, 5), '--json'], env));
    expect(overview).toMatchObject({ session: { id }, project: { id: project.id }, permissions: [] });
    expect(overview.tasks[0]?.status).toBe('completed');

    expect(jsonOf(Session, await runCli(['rename', id, 'renamed', '--json'], env)).name).toBe('renamed');
    const archived = jsonOf(Session, await runCli(['archive', id.slice(0, 8), '--json'], env));
    expect(archived).toMatchObject({ id, status: 'archived' });
    expect(jsonOf(SessionList, await runCli(['ls', '--json'], env)).items.map((s) => s.id)).not.toContain(id);
    expect(jsonOf(SessionList, await runCli(['ls', '--json', '--status', 'archived'], env)).items.map((s) => s.id)).toContain(id);
    const yaml = await runCli(['inspect', id, '-o', 'yaml'], env);
    expect(yaml.stdout).toMatch(/^session:\n {2}id: [0-9a-f-]{36}\n/);
  });

  it('logs --json prints JSON lines of the contract (CliLogEntry)', async () => {
    readTurn('log me');
    const turn = jsonOf(CliTurn, await runCli(['run', 'log me', '--json'], env, { cwd: repo }));
    const run = await runCli(['logs', turn.session.id, '--json'], env);
    expect(run.code).toBe(0);
    const entries = lines(run.stdout).map((l) => {
      const json: unknown = JSON.parse(l);
      const e = CliLogEntry.parse(json);
      expect(e).toEqual(json);
      return e;
    });
    expect(entries.map((e) => e.type)).toEqual(['message', 'message', 'trace']);
    // -o yaml: the same entries, one YAML document each.
    const yaml = await runCli(['logs', turn.session.id, '-o', 'yaml'], env);
    expect(yaml.stdout.match(/^---\ntype: (\w+)$/gm)?.map((d) => d.split(': ')[1])).toEqual(['message', 'message', 'trace']);
    // --since after the turn leaves nothing.
    const later = await runCli(['logs', turn.session.id, '--json', '--since', new Date(Date.now() + 60_000).toISOString()], env);
    expect(later.stdout).toBe('');
  });

  it('names an unknown session with exit 3, an ambiguous or too short prefix with exit 2', async () => {
    const unknown = await runCli(['inspect', '00000000-0000-4000-8000-000000000000'], env);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toBe('boocode: not_found: no session with id 00000000-0000-4000-8000-000000000000\n');
    const noPrefix = await runCli(['logs', 'ffffffff'], env);
    expect(noPrefix.code).toBe(3);
    expect(noPrefix.stderr).toBe('boocode: no session with an id starting ffffffff\n');
    const name = await runCli(['wait', 'my-session'], env);
    expect(name.code).toBe(3);
    expect(name.stderr).toContain('no session my-session');
    const short = await runCli(['send', 'ab', 'hi'], env);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('give at least 4 characters');
  });
});

describe('server, agents and projects', () => {
  it('status, login-url and agents print the contract shapes with --json', async () => {
    const status = jsonOf(CliStatus, await runCli(['status', '--json'], env));
    expect(status).toMatchObject({ url: server.url, cli_version: '0.1.0', server: { ok: true, database: 'external' } });
    expect(status.agents.map((a) => a.name)).toContain('native');
    const table = await runCli(['status'], env);
    expect(table.stdout).toMatch(/^server +http:\/\/127\.0\.0\.1:\d+ \(up\)$/m);

    const login = jsonOf(CliLoginUrl, await runCli(['login-url', '--json'], env));
    expect(login.url).toMatch(new RegExp(`^${server.url}/api/auth/login\\?code=`));

    const agents = jsonOf(AgentsResponse, await runCli(['agents', 'ls', '--json'], env));
    expect(agents.items.find((a) => a.name === 'native')).toMatchObject({ kind: 'native', available: true });
    expect(lines((await runCli(['agents', 'ls', '-q'], env)).stdout)).toEqual(agents.items.map((a) => a.name));
    const models = jsonOf(CliAgentModels, await runCli(['agents', 'models', 'native', '--json'], env));
    expect(models.agent).toBe('native');
    const unknown = await runCli(['agents', 'models', 'nobody'], env);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/^boocode: no agent nobody; the agents are: .*native/);
  });

  it('project add, ls and rm; a path that is no repository is refused', async () => {
    const other = await makeGitRepo({ 'o.txt': 'o\n' }, 'other');
    const added = jsonOf(Project, await runCli(['project', 'add', '--name', 'other one', '--json'], env, { cwd: other }));
    expect(added).toMatchObject({ name: 'other one' });
    const list = jsonOf(ProjectList, await runCli(['project', 'ls', '--json'], env));
    expect(list.items.map((p) => p.id).sort()).toEqual([project.id, added.id].sort());
    expect(lines((await runCli(['project', 'ls', '-q'], env)).stdout).sort()).toEqual([project.id, added.id].sort());
    const again = await runCli(['project', 'add', other], env);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/^boocode: conflict: /);
    const removed = jsonOf(Project, await runCli(['project', 'rm', 'other one', '--json'], env));
    expect(removed.id).toBe(added.id);
    expect(jsonOf(ProjectList, await runCli(['project', 'ls', '--json'], env)).items.map((p) => p.id)).toEqual([project.id]);
    const nowhere = await runCli(['project', 'add', '/nonexistent/dir'], env);
    expect(nowhere.code).toBe(3);
    expect(nowhere.stderr).toMatch(/^boocode: path_not_found: /);
  });
});

describe('connection and usage', () => {
  it('with no server answering, says how to start one (exit 1)', async () => {
    const port = await closedPort();
    const run = await runCli(['ls'], { BOOCODE_URL: `http://127.0.0.1:${port}`, BOOCODE_TOKEN: server.token });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`boocode: cannot reach the server at http://127.0.0.1:${port}`);
    expect(run.stderr).toContain('Start one with `boocode serve`');
    expect(run.stdout).toBe('');
  });

  it('--url and --token win over the environment; a wrong token is refused with exit 4', async () => {
    const port = await closedPort();
    const flags = await runCli(['ls', '-q', '--url', server.url, '--token', server.token], { BOOCODE_URL: `http://127.0.0.1:${port}`, BOOCODE_TOKEN: 'y'.repeat(40) });
    expect(flags.code).toBe(0);
    const wrong = await runCli(['ls'], { BOOCODE_URL: server.url, BOOCODE_TOKEN: 'x'.repeat(40) });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toMatch(/^boocode: unauthorized: /);
  });

  it('exits 2 for usage errors: unknown options, bad choices, conflicting output formats', async () => {
    expect((await runCli(['ls', '--bogus'], env)).code).toBe(2);
    expect((await runCli(['ls', '-o', 'xml'], env)).code).toBe(2);
    const both = await runCli(['ls', '--json', '-q'], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give one output format');
    expect((await runCli(['run', 'x', '--wait-timeout', 'soon'], env)).code).toBe(2);
    expect((await runCli([], env)).code).toBe(2);
  });
});
