import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliWorkflowLogEntry, CliWorkflowRun, Project, Session, WorkflowCatalog, WorkflowRun, WorkflowRunDetail, WorkflowRunList } from '@boocode/contracts';
import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { makeGitRepo, runCli, spawnCli, startTestServer, type TestServer } from '@boocode/testkit/server';
import { jsonOf, lines } from './helpers.js';

/** `boocode workflow` against a real server: workflows in the sandbox, their agents native on the fake LLM. */

let llm: FakeLlm;
let server: TestServer;
let repo: string;
let env: Record<string, string>;
let project: Project;

const GREET = `export const meta = { name: 'greet', description: 'says hello to someone', phases: ['Greeting'] };
phase('Greeting');
log('greeting', args.who);
const text = await agent('say hello to ' + args.who, { label: 'hello' });
return { said: text };
`;

beforeAll(async () => {
  llm = await startFakeLlm({ fallback: { text: 'fallback' } });
  server = await startTestServer({ env: { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'fake-model', BOOCODE_NATIVE_API_KEY: 'k' }, writeIntervalMs: 50 });
  repo = await makeGitRepo({ 'a.txt': 'alpha\n' });
  await mkdir(path.join(repo, '.boocode/workflows'), { recursive: true });
  await writeFile(path.join(repo, '.boocode/workflows/greet.js'), GREET);
  await writeFile(path.join(repo, '.boocode/workflows/broken.js'), "export const meta = { name: 'broken', description: 'x' };\nreturn (;\n");
  env = { BOOCODE_URL: server.url, BOOCODE_TOKEN: server.token };
  project = jsonOf(Project, await runCli(['project', 'add', repo, '--json'], env));
});
afterAll(async () => {
  await server?.close();
  await llm?.close();
});

async function newSession(): Promise<Session> {
  return (await server.api<Session>('POST', '/api/sessions', { project_id: project.id, isolated: false })).body;
}

describe('boocode workflow', () => {
  it('ls lists the catalog and the files that cannot be read', async () => {
    const catalog = jsonOf(WorkflowCatalog, await runCli(['workflow', 'ls', '--json'], env, { cwd: repo }));
    expect(catalog.items.find((w) => w.name === 'greet')).toMatchObject({ source: 'project', description: 'says hello to someone' });
    expect(catalog.items.map((w) => w.name)).toEqual(expect.arrayContaining(['deep-research', 'multi-review', 'plan-verify', 'bounty-hunt']));
    expect(catalog.problems).toHaveLength(1);
    const table = await runCli(['workflow', 'ls', '--project', project.id.slice(0, 8)], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^greet\s+project\s+says hello to someone$/m);
    expect(table.stdout).toMatch(/1 workflow file\(s\) could not be read:\n {2}.*broken\.js: .*line 2/);
    expect(lines((await runCli(['workflow', 'ls', '-q'], env, { cwd: repo })).stdout)).toContain('greet');
  });

  it('run --wait opens a session, shows progress on stderr and the run on stdout, exit 0', async () => {
    llm.push({ match: { lastUserIncludes: 'say hello to Ada' }, text: ['Hello, ', 'Ada!'], usage: { prompt_tokens: 30, completion_tokens: 4 } });
    const run = await runCli(['workflow', 'run', 'greet', '--args', '{"who":"Ada"}', '--wait', '--no-worktree'], env, { cwd: repo });
    expect(run.stderr).not.toContain('boocode:');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^session [0-9a-f]{8} opened in repo$/m);
    expect(run.stderr).toMatch(/^greet run [0-9a-f]{8} queued in session [0-9a-f]{8}$/m);
    expect(run.stderr).toContain('phase: Greeting\n');
    expect(run.stderr).toContain('log: greeting Ada\n');
    expect(run.stderr).toContain('agent 0 (hello) running\n');
    expect(run.stderr).toContain('agent 0 (hello) completed\n');
    expect(run.stderr).toMatch(/^greet run [0-9a-f]{8} completed in .+ · 1 agent\(s\) · 30 in \/ 4 out tokens$/m);
    expect(run.stdout).toMatch(/^status +completed in /m);
    expect(run.stdout).toMatch(/^0 +hello +Greeting +completed +[0-9a-f]{8} +30\/4$/m);
    expect(run.stdout).toContain('result\n{\n  "said": "Hello, Ada!"\n}\n');
    expect(run.stdout).not.toContain('\x1b[');
  });

  it('run --json prints CliWorkflowRun; a failed run exits 5 and says why', async () => {
    const session = await newSession();
    llm.push({ match: { lastUserIncludes: 'say hello to Bob' }, text: 'Hi Bob' });
    const ok = jsonOf(CliWorkflowRun, await runCli(['workflow', 'run', 'greet', '--session', session.id.slice(0, 8), '--args', '{"who":"Bob"}', '--wait', '--json'], env));
    expect(ok.session.id).toBe(session.id);
    expect(ok.run).toMatchObject({ name: 'greet', source: 'project', status: 'completed', result: { said: 'Hi Bob' }, args: { who: 'Bob' } });
    expect(ok.run.agents).toMatchObject([{ position: 0, label: 'hello', status: 'completed', cached: false }]);

    const file = path.join(repo, 'fails.js');
    await writeFile(file, "export const meta = { name: 'fails', description: 'throws' };\nthrow new Error('nothing to do here');\n");
    const failed = await runCli(['workflow', 'run', file, '--session', session.id, '--wait', '--json'], env);
    expect(failed.code).toBe(5);
    const run = CliWorkflowRun.parse(JSON.parse(failed.stdout)).run;
    expect(run).toMatchObject({ name: 'fails', source: 'script', status: 'failed' });
    expect(run.error).toContain('nothing to do here');
    expect(failed.stderr).toMatch(/^fails run [0-9a-f]{8} failed in .+: .*nothing to do here$/m);
  });

  it('run without --wait returns the queued run; logs -f follows it, status shows it, resume is answered from the journal', async () => {
    const session = await newSession();
    llm.push({ match: { lastUserIncludes: 'say hello to Cy' }, text: ['Hey ', 'Cy'], chunkDelayMs: 50 });
    const started = jsonOf(CliWorkflowRun, await runCli(['workflow', 'run', 'greet', '--session', session.id, '--args', '{"who":"Cy"}', '--json'], env));
    expect(['pending', 'running']).toContain(started.run.status);
    const short = started.run.id.slice(0, 8);

    const logs = await runCli(['workflow', 'logs', '-f', short], env);
    expect(logs.stderr).toBe('');
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/^greet run [0-9a-f]{8} completed in .+$/m);
    expect(logs.stdout).toContain('agent 0 (hello) completed');
    // A line both stored before the stream opened and sent on it is printed once.
    expect(logs.stdout.split('log: greeting Cy\n')).toHaveLength(2);
    // Without -f, after the run: the lines it logged are stored, not lost with the stream.
    const later = await runCli(['workflow', 'logs', short], env);
    expect(later.code).toBe(0);
    expect(later.stdout).toMatch(/agent 0 \(hello\) completed\nlog: greeting Cy\ngreet run [0-9a-f]{8} completed/);

    const detail = jsonOf(WorkflowRunDetail, await runCli(['workflow', 'status', short, '--json'], env));
    expect(detail).toMatchObject({ status: 'completed', result: { said: 'Hey Cy' } });
    const list = jsonOf(WorkflowRunList, await runCli(['workflow', 'status', '--session', session.id, '--json'], env));
    expect(list.items.map((r) => r.id)).toEqual([started.run.id]);
    // Without --session: the runs of the open sessions of the current directory's project.
    expect(lines((await runCli(['workflow', 'status', '-q'], env, { cwd: repo })).stdout)).toContain(started.run.id);
    expect((await runCli(['workflow', 'status'], env, { cwd: repo })).stdout).toMatch(new RegExp(`^${short}\\s+greet\\s+${session.id.slice(0, 8)}\\s+completed`, 'm'));

    const asked = llm.requests.length;
    const resumed = jsonOf(CliWorkflowRun, await runCli(['workflow', 'resume', short, '--wait', '--json'], env));
    expect(resumed.run).toMatchObject({ status: 'completed', resume_from: started.run.id, result: { said: 'Hey Cy' }, agent_counts: { total: 1, cached: 1 } });
    expect(llm.requests.length).toBe(asked);

    // History as JSON Lines: the run, then its agents, then its log lines.
    const entries = lines((await runCli(['workflow', 'logs', resumed.run.id, '--json'], env)).stdout).map((l) => CliWorkflowLogEntry.parse(JSON.parse(l)));
    expect(entries.map((e) => e.type)).toEqual(['run', 'agent', 'log']);
    expect(entries[2]).toMatchObject({ log: { line: 1, message: 'greeting Cy' } });
  });

  it('cancel stops a running run: logs -f ends with exit 5', async () => {
    const session = await newSession();
    llm.push({ match: { lastUserIncludes: 'say hello to Dee' }, text: ['a', 'b', 'c'], stallAfter: 1 });
    const { run } = jsonOf(CliWorkflowRun, await runCli(['workflow', 'run', 'greet', '--session', session.id, '--args', '{"who":"Dee"}', '--json'], env));
    const follow = spawnCli(['workflow', 'logs', '-f', run.id, '--json'], env);
    await follow.waitForOutput(/"type":"run"/);
    // The agent is answering (and stalls there).
    await expect.poll(() => llm.requests.some((r) => r.lastUserText.includes('say hello to Dee')), { timeout: 60_000 }).toBe(true);
    const cancelled = jsonOf(WorkflowRun, await runCli(['workflow', 'cancel', run.id.slice(0, 8), '--json'], env));
    expect(cancelled.cancel_requested).toBe(true);
    const end = await follow.exited;
    expect(end.code).toBe(5);
    const last = CliWorkflowLogEntry.parse(JSON.parse(lines(end.stdout).at(-1)!));
    expect(last).toMatchObject({ type: 'frame', frame: { type: 'workflow_run', run: { status: 'cancelled' } } });
  });

  it('refuses bad input with a message and the exit code of its kind', async () => {
    const session = await newSession();
    const badArgs = await runCli(['workflow', 'run', 'greet', '--session', session.id, '--args', '{who:1}'], env);
    expect(badArgs.code).toBe(2);
    expect(badArgs.stderr).toContain("option '--args <json>' argument '{who:1}' is invalid. must be JSON");

    const unknown = await runCli(['workflow', 'run', 'nope', '--session', session.id], env);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('boocode: no workflow named nope (the project has: greet,');
    expect(unknown.stderr).toMatch(/1 workflow file\(s\) could not be read:\n {2}.*broken\.js: .*line 2/);
    // Refused before a session is opened for it.
    const before = (await server.api<{ items: Session[] }>('GET', `/api/sessions?project_id=${project.id}`)).body.items.length;
    expect((await runCli(['workflow', 'run', 'nope'], env, { cwd: repo })).code).toBe(3);
    expect((await server.api<{ items: Session[] }>('GET', `/api/sessions?project_id=${project.id}`)).body.items).toHaveLength(before);

    const broken = await runCli(['workflow', 'run', path.join(repo, '.boocode/workflows/broken.js'), '--session', session.id], env);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^boocode: invalid_workflow: script: syntax error at line 2, column \d+/m);

    const missingFile = await runCli(['workflow', 'run', './nowhere.js', '--session', session.id], env);
    expect(missingFile.code).toBe(3);
    expect(missingFile.stderr).toContain('no file ./nowhere.js');

    for (const args of [['status', 'ffff0000'], ['logs', 'ffff0000'], ['cancel', 'ffff0000'], ['resume', 'ffff0000']]) {
      const r = await runCli(['workflow', ...args], env);
      expect(r.code, args.join(' ')).toBe(3);
      expect(r.stderr).toContain('no workflow run with an id starting ffff0000');
    }
    const noSession = await runCli(['workflow', 'run', 'greet', '--session', 'ffff0000'], env);
    expect(noSession.code).toBe(3);
    const budget = await runCli(['workflow', 'run', 'greet', '--session', session.id, '--budget', '0'], env);
    expect(budget.code).toBe(2);
    expect(budget.stderr).toContain('must be a whole number of output tokens');
  });
});
