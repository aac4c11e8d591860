import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatAgentSessionsResponse, MessagePage, PermissionPolicy, Project, Session } from '@boocode/contracts';
import { fakeAcpBin, type FakeAcpScript } from '@boocode/testkit';
import { makeGitRepo, openStream, startTestServer, type TestServer } from '@boocode/testkit/server';
import { homeWithConfig, newSession, post, waitTask } from './agents-env.js';

/**
 * The session's permission policy becomes the ACP agent's own mode: agents decide by themselves
 * whether to ask, so BooCode picks the mode that matches (fake agents advertising the modes of
 * qwen-code and claude-agent-acp), and says so when an agent has none.
 */

const AGENTS: Record<string, string[]> = {
  qwen: ['default', 'auto-edit', 'yolo', 'plan'],
  claude: ['default', 'acceptEdits', 'bypassPermissions', 'plan'],
  builder: ['build', 'plan'],
};

/** What gemini-cli answers to `session/set_mode` for its privileged modes in a folder it does not trust. */
const UNTRUSTED = 'Cannot enable privileged approval modes in an untrusted folder.';

let dir: string;
let server: TestServer;
let project: Project;

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'boocode-srv-acp-modes-')));
  const agents: Record<string, unknown> = {};
  for (const [name, modes] of Object.entries(AGENTS)) {
    const script: FakeAcpScript = { modes, fallback: { steps: [{ text: `${name} answers` }] } };
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ ...script, stateFile: join(dir, `${name}-state.json`), logFile: join(dir, `${name}.jsonl`) }));
    agents[name] = { command: fakeAcpBin, args: ['--script', file], kind: 'acp' };
  }
  // An agent that advertises gemini-cli's modes but refuses the privileged ones, asking before each tool.
  const wary: FakeAcpScript = {
    modes: ['default', 'autoEdit', 'yolo', 'plan'],
    refuseModes: { autoEdit: UNTRUSTED, yolo: UNTRUSTED },
    fallback: {
      steps: [
        { tool: { id: 'edit-1', title: 'Edit a.txt', kind: 'edit', permission: true, output: 'edited' } },
        { tool: { id: 'run-1', title: 'Run make', kind: 'execute', permission: true, output: 'made' } },
        { text: 'wary answers' },
      ],
    },
  };
  writeFileSync(join(dir, 'wary.json'), JSON.stringify({ ...wary, logFile: join(dir, 'wary.jsonl') }));
  agents.wary = { command: fakeAcpBin, args: ['--script', join(dir, 'wary.json')], kind: 'acp' };
  // What claude-agent-acp prints and does when started as root without IS_SANDBOX=1.
  agents.rooted = {
    command: process.execPath,
    args: ['-e', "process.stderr.write('--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons\\n'); process.exit(1)"],
    kind: 'acp',
  };
  server = await startTestServer({ home: homeWithConfig({ agents }), writeIntervalMs: 50, agents: { discovery: { agents: [] } } });
  project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'a\n' }) })).body;
});

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The modes the agent was switched to in one ACP session, in order. */
function modesSet(agent: string, sessionId: string): string[] {
  return readFileSync(join(dir, `${agent}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { method: string; params: { sessionId?: string; modeId?: string } })
    .filter((l) => l.method === 'session/set_mode' && l.params.sessionId === sessionId)
    .map((l) => l.params.modeId!);
}

async function turn(chatId: string, text: string): Promise<string> {
  expect((await waitTask(server, (await post(server, chatId, text)).id)).status).toBe('completed');
  const state = (await server.api<ChatAgentSessionsResponse>('GET', `/api/chats/${chatId}/agent-sessions`)).body.items[0]!;
  return state.resume_token!;
}

const notices = async (chatId: string) =>
  (await server.api<MessagePage>('GET', `/api/chats/${chatId}/messages`)).body.items
    .filter((m) => m.role === 'assistant')
    .map((m) => (m.metadata.notices ?? []) as { title: string; description?: string }[]);

const policySupport = async (sessionId: string) => (await server.api<Session>('GET', `/api/sessions/${sessionId}`)).body.policy_support;

describe('permission policy as the ACP agent mode', () => {
  const cases: [string, PermissionPolicy, string[]][] = [
    ['qwen', 'ask', []],
    ['qwen', 'allow_edits', ['auto-edit']],
    ['qwen', 'allow_all', ['yolo']],
    ['claude', 'ask', []],
    ['claude', 'allow_edits', ['acceptEdits']],
    ['claude', 'allow_all', ['bypassPermissions']],
  ];
  it.each(cases)('%s with %s runs in the matching mode', async (agent, policy, expected) => {
    const { session, chat } = await newSession(server, project, { agent, permission_policy: policy });
    expect(await policySupport(session.id)).toBeNull();
    const acpSession = await turn(chat.id, 'hello');
    // `ask` is the agents' own default mode: nothing to switch.
    expect(modesSet(agent, acpSession)).toEqual(expected);
    expect((await notices(chat.id)).flat()).toEqual([]);
    expect(await policySupport(session.id)).toEqual({ policy, level: 'full', reason: null });
  });

  it('a policy changed mid-session switches the mode on the next turn', async () => {
    const { session, chat } = await newSession(server, project, { agent: 'qwen', permission_policy: 'ask' });
    await turn(chat.id, 'first');
    expect((await server.api<Session>('PATCH', `/api/sessions/${session.id}`, { permission_policy: 'allow_edits' })).status).toBe(200);
    const acpSession = await turn(chat.id, 'second');
    expect(modesSet('qwen', acpSession)).toEqual(['auto-edit']);
  });

  it('an agent with no mode for the policy is left in its own mode, and the turn says so once', async () => {
    const { session, chat } = await newSession(server, project, { agent: 'builder', permission_policy: 'ask' });
    const acpSession = await turn(chat.id, 'first');
    await turn(chat.id, 'second');
    expect(modesSet('builder', acpSession)).toEqual([]);
    const [first, second] = await notices(chat.id);
    expect(first).toEqual([
      expect.objectContaining({
        title: "builder cannot follow this session's permission policy",
        description: expect.stringContaining('ask before it edits or runs anything, but it has no mode that does (its modes: build, plan)'),
      }),
    ]);
    expect(second).toEqual([]);
    // GET session says so too, for the composer to show next to the policy.
    expect(await policySupport(session.id)).toEqual({
      policy: 'ask',
      level: 'none',
      reason: expect.stringContaining('it has no mode that does (its modes: build, plan). It decides by itself when to ask for permission.'),
    });
  });
});

describe('an agent that refuses the mode for the policy', () => {
  it('reports partial support with its reason, and BooCode answers its questions by the policy', async () => {
    const { session, chat } = await newSession(server, project, { agent: 'wary', permission_policy: 'allow_edits' });
    const stream = await openStream(server.url, session.id, { token: server.token });
    const task = await post(server, chat.id, 'edit and run');
    // The edit is allowed by the policy; the command waits for the user.
    const run = await stream.waitFor((f) => f.type === 'permission_request' && f.kind === 'execute', 60_000);
    const edit = stream.frames.find((f) => f.type === 'permission_request' && f.kind === 'edit');
    expect(edit).toBeDefined();
    expect(await stream.waitFor((f) => f.type === 'permission_resolved' && f.permission_id === edit!.permission_id)).toMatchObject({ outcome: 'allow_once', decided_by: 'policy' });
    expect((await server.api('POST', `/api/permissions/${String(run.permission_id)}`, { decision: 'allow_once' })).status).toBe(200);
    expect((await waitTask(server, task.id)).status).toBe('completed');

    const expected = {
      policy: 'allow_edits',
      level: 'partial',
      reason: expect.stringMatching(/^It refused its "autoEdit" mode: Cannot enable privileged approval modes in an untrusted folder\. It stays in its own mode and asks before it acts/),
    };
    expect(await policySupport(session.id)).toEqual(expected);
    const updated = await stream.waitFor((f) => f.type === 'session_updated' && (f.session as Session).policy_support?.level === 'partial');
    expect((updated.session as Session).policy_support).toEqual(expected);
    const [notice] = (await notices(chat.id)).flat();
    expect(notice).toEqual(expect.objectContaining({ title: 'wary refused its "autoEdit" mode', description: expect.stringContaining(UNTRUSTED) }));
    // A second turn neither asks for the mode again nor repeats the notice.
    const again = await post(server, chat.id, 'once more');
    const runAgain = await stream.waitFor((f) => f.type === 'permission_request' && f.kind === 'execute' && f.permission_id !== run.permission_id, 60_000);
    expect((await server.api('POST', `/api/permissions/${String(runAgain.permission_id)}`, { decision: 'allow_once' })).status).toBe(200);
    expect((await waitTask(server, again.id)).status).toBe('completed');
    expect((await notices(chat.id))[1]).toEqual([]);
    expect(await policySupport(session.id)).toEqual(expected);
    // It was asked once, and stayed in its own mode.
    const asked = readFileSync(join(dir, 'wary.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { method: string; params: { modeId?: string } });
    expect(asked.filter((l) => l.method === 'session/set_mode').map((l) => l.params.modeId)).toEqual(['autoEdit']);
    const [state] = (await server.api<ChatAgentSessionsResponse>('GET', `/api/chats/${chat.id}/agent-sessions`)).body.items;
    expect(state?.mode_id).toBe('default');
    stream.close();
  });
});

describe('an agent that cannot start', () => {
  it('fails the turn at once with what it printed and what to do about it', async () => {
    const { chat } = await newSession(server, project, { agent: 'rooted' });
    const task = await waitTask(server, (await post(server, chat.id, 'hello')).id);
    expect(task).toMatchObject({ status: 'failed', attempts: 1 });
    expect(task.error).toContain('root/sudo privileges');
    const last = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.at(-1)!;
    expect(last.status).toBe('failed');
    expect(last.content).toContain('add "IS_SANDBOX": "1" to its env in config.json');
    expect(last.metadata.start_hint).toContain('IS_SANDBOX');
  });
});
