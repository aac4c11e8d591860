import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Project, Session } from '@boocode/contracts';
import { startFakeLlm, type FakeLlm, type ScriptedTurn } from '@boocode/testkit';
import { makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';
import { startRun, waitRun, type Api } from './workflows-helpers.js';
import { nativeEnv } from './agents-env.js';

/**
 * The built-in workflows, run by name on a real repository with the native agent; the fake LLM
 * plays every agent (planners, researchers, reviewers, verifiers) from the prompts they get.
 */

let llm: FakeLlm;
let server: TestServer;
let project: Project;
let api: Api;

beforeAll(async () => {
  llm = await startFakeLlm();
  server = await startTestServer({
    env: nativeEnv(llm),
    writeIntervalMs: 50,
  });
  api = (m, u, b) => server.api(m, u, b);
  project = (
    await api<Project>('POST', '/api/projects', {
      path: await makeGitRepo({
        'README.md': '# greeter\nSays hello.\n',
        'src/greet.js': 'export function greet(name) {\n  return "hello " + name;\n}\n',
      }),
    })
  ).body;
});
afterAll(async () => {
  await server?.close();
  await llm?.close();
});

const newSession = async () => (await api<Session>('POST', '/api/sessions', { project_id: project.id, permission_policy: 'allow_all' })).body;
const answer = (lastUserIncludes: string, value: unknown): ScriptedTurn => ({
  match: { lastUserIncludes },
  text: typeof value === 'string' ? value : JSON.stringify(value),
});
/** The requests an agent whose prompt contains `text` made to the model. */
const requestsOf = (text: string) => llm.requests.filter((r) => r.lastUserText.includes(text));

describe('built-in workflows', () => {
  it('deep-research: plans areas, researches and verifies each (pipeline), drops unsupported claims, synthesizes', async () => {
    const session = await newSession();
    llm.push(
      answer('planning research', { areas: [{ title: 'code', focus: 'src/' }, { title: 'docs', focus: 'README' }] }),
      { match: { lastUserIncludes: 'Focus: src/' }, toolCalls: [{ name: 'read_file', arguments: { path: 'src/greet.js' } }] },
      answer('Focus: src/', { claims: [{ claim: 'greet prefixes "hello "', source: 'src/greet.js:1-3' }] }),
      answer('Focus: README', { claims: [{ claim: 'the README documents a CLI', source: 'README.md:1' }] }),
      answer('Area: code\n\n', { claims: [{ claim: 'greet prefixes "hello "', source: 'src/greet.js:2' }] }),
      answer('Area: docs\n\n', { claims: [] }),
      answer('Verified findings', 'greet returns "hello " + name (src/greet.js:2).'),
    );
    const run = await startRun(api, session.id, { name: 'deep-research', args: { question: 'How does greeting work?', areas: 2 } });
    expect(run).toMatchObject({ name: 'deep-research', source: 'builtin' });
    const done = await waitRun(api, run.id);
    expect(done.error).toBeNull();
    expect(done.result).toEqual({
      question: 'How does greeting work?',
      answer: 'greet returns "hello " + name (src/greet.js:2).',
      claims: [{ claim: 'greet prefixes "hello "', source: 'src/greet.js:2' }],
    });
    expect(done.agents.map((a) => [a.label, a.phase])).toEqual(
      expect.arrayContaining([
        ['planner', 'Plan'],
        ['research: code', 'Research'],
        ['verify: code', 'Verify'],
        ['synthesis', 'Synthesize'],
      ]),
    );
    // The researcher read the real file of the session's worktree.
    expect(JSON.stringify(requestsOf('Focus: src/').at(-1)!.messages)).toContain('return \\"hello \\" + name');
    // Only the verified claim reached the synthesis.
    expect(requestsOf('Verified findings')[0]!.lastUserText).not.toContain('documents a CLI');
  });

  it("multi-review: reviewers read the session's real pending diff through one lens each; the verifier drops a false finding", async () => {
    const session = await newSession();
    // A first run creates the session's worktree; the change to review is made in it.
    llm.push(answer('looks around', 'ok'));
    await waitRun(api, (await startRun(api, session.id, { script: "export const meta = { name: 'w', description: 'd' };\nawait agent('looks around');" })).id);
    const wt = (await server.ctx.workspace.get(session.id))!;
    await writeFile(path.join(wt.path, 'src/greet.js'), 'export function greet(name) {\n  return "hello " + name.toUpperCase();\n}\n');

    llm.push(
      { match: { lastUserIncludes: 'Review a code change for correctness' }, toolCalls: [{ name: 'run_command', arguments: { command: 'git', args: ['diff', 'HEAD'] } }] },
      answer('Review a code change for correctness', {
        findings: [{ file: 'src/greet.js', line: 2, severity: 'high', problem: 'name.toUpperCase() throws when name is undefined' }],
      }),
      answer('Review a code change for security', { findings: [{ file: 'src/greet.js', line: 2, severity: 'low', problem: 'XSS in greet' }] }),
      answer('Review a code change for tests', { findings: [] }),
      answer('Review a code change for design', { findings: [] }),
      answer('Reviewers reported the findings below', { keep: [0], notes: 'greet returns a string, no HTML: no XSS' }),
    );
    const done = await waitRun(api, (await startRun(api, session.id, { name: 'multi-review' })).id);
    expect(done.error).toBeNull();
    expect(done.result).toEqual({
      findings: [{ file: 'src/greet.js', line: 2, severity: 'high', problem: 'name.toUpperCase() throws when name is undefined', lens: 'correctness' }],
      dropped: 1,
      missingReviews: [],
    });
    expect(done.agents.filter((a) => a.phase === 'Review')).toHaveLength(4);
    // The reviewer saw the session's pending diff, not the project's clean tree.
    expect(JSON.stringify(requestsOf('Review a code change for correctness').at(-1)!.messages)).toContain('name.toUpperCase()');
    // The verifier was given both findings, numbered.
    expect(requestsOf('Reviewers reported the findings below')[0]!.lastUserText).toMatch(/0\. \[correctness, high\][\s\S]*1\. \[security, low\]/);
  });

  it('plan-verify: plans, implements, and fixes what verification finds, within the bound', async () => {
    const session = await newSession();
    llm.push(
      answer('Plan this change', { steps: ['add farewell() to src/greet.js'], checks: ['node -e "import(\'./src/greet.js\')"'] }),
      { match: { lastUserIncludes: 'Implement this change' }, toolCalls: [{ name: 'write_file', arguments: { path: 'src/farewell.js', content: 'export const farewell = () => "bye";\n' } }] },
      answer('Implement this change', 'Added src/farewell.js.'),
      answer('Verify a change made for', { ok: false, problems: ['farewell is not in src/greet.js as planned'] }),
      answer('failed verification. Fix exactly these problems', 'Moved it.'),
      answer('Verify a change made for', { ok: true, problems: [] }),
    );
    const done = await waitRun(api, (await startRun(api, session.id, { name: 'plan-verify', args: 'Add a farewell function' })).id);
    expect(done.error).toBeNull();
    expect(done.result).toMatchObject({ ok: true, fixRounds: 1, problems: [], plan: { steps: ['add farewell() to src/greet.js'] } });
    expect(done.agents.map((a) => a.label)).toEqual(['planner', 'implementer', 'verifier', 'fixer 1', 'verifier 2']);
    expect(requestsOf('failed verification')[0]!.lastUserText).toContain('farewell is not in src/greet.js as planned');
    // The implementer's edit is the session's pending change once the run ends.
    const changes = (await api<{ pending: { files: { path: string }[] } | null }>('GET', `/api/sessions/${session.id}/changes`)).body;
    expect(changes.pending?.files.map((f) => f.path)).toEqual(['src/farewell.js']);

    // A verifier that never passes: the fix loop stops at maxFixes and says what is still wrong.
    llm.push(
      answer('Plan this change', { steps: ['s'], checks: ['c'] }),
      answer('Implement this change', 'done'),
      answer('Verify a change made for', { ok: false, problems: ['still broken'] }),
      answer('failed verification. Fix exactly these problems', 'tried'),
      answer('Verify a change made for', { ok: false, problems: ['still broken'] }),
    );
    const bounded = await waitRun(api, (await startRun(api, session.id, { name: 'plan-verify', args: { task: 'Impossible', maxFixes: 1 } })).id);
    expect(bounded.result).toMatchObject({ ok: false, fixRounds: 1, problems: ['still broken'] });
    const refused = await waitRun(api, (await startRun(api, session.id, { name: 'plan-verify' })).id);
    expect(refused).toMatchObject({ status: 'failed', error: expect.stringMatching(/plan-verify needs a task/) });
  });

  it('bounty-hunt: one hunter per kind of bug, then an independent check of each report', async () => {
    const session = await newSession();
    llm.push(
      answer('of one kind: error handling', { bugs: [{ file: 'src/greet.js', line: 2, title: 'greet(undefined) returns "hello undefined"', trigger: 'greet()' }] }),
      answer('of one kind: edge cases', { bugs: [{ file: 'README.md', title: 'README has no trailing newline', trigger: 'read it' }] }),
      answer('greet(undefined) returns', { confirmed: true, reason: 'no default for name' }),
      answer('README has no trailing newline', { confirmed: false, reason: 'it has one' }),
    );
    const done = await waitRun(
      api,
      (await startRun(api, session.id, { name: 'bounty-hunt', args: { scope: 'src/', kinds: ['error handling: missing checks', 'edge cases: empty input'] } })).id,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({
      confirmed: [{ file: 'src/greet.js', line: 2, title: 'greet(undefined) returns "hello undefined"', trigger: 'greet()', reason: 'no default for name' }],
      rejected: 1,
    });
    expect(done.agents.map((a) => a.label)).toEqual(['hunter: error handling', 'hunter: edge cases', 'check 1', 'check 2']);
    expect(requestsOf('of one kind: error handling')[0]!.lastUserText).toContain('Search only src/.');
  });
});
