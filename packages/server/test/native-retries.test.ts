import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';
import type { Project } from '@boocode/contracts';
import { homeWithConfig, nativeEnv, newSession, post, useNativeServer, waitTask } from './agents-env.js';

/** config.json `native.maxRetries` reaches the native agent: how often a failed model request is retried. */

const env = useNativeServer({ fallback: { text: 'ok' } });

let noRetries: TestServer;
let project: Project;
beforeAll(async () => {
  noRetries = await startTestServer({ home: homeWithConfig({ native: { maxRetries: 0 } }), env: nativeEnv(env.llm), writeIntervalMs: 50 });
  project = (await noRetries.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'alpha\n' }) })).body;
});
afterAll(() => noRetries?.close());

/** The provider fails the first request for `prompt` with a 500, then answers. */
function flakyOnce(prompt: string): void {
  env.llm.push({ match: { lastUserIncludes: prompt }, error: { status: 500, body: { error: { message: 'the fake provider hiccups' } } } }, { match: { lastUserIncludes: prompt }, text: 'recovered' });
}

const requestsFor = (prompt: string) => env.llm.requests.filter((r) => JSON.stringify(r.messages).includes(prompt)).length;

describe('native.maxRetries', () => {
  it('by default retries a request the provider failed, and the turn succeeds', async () => {
    flakyOnce('flaky with retries');
    const { chat } = await newSession(env.server, env.project, {});
    const task = await waitTask(env.server, (await post(env.server, chat.id, 'flaky with retries')).id);
    expect(task.status).toBe('completed');
    expect(task.output_summary).toBe('recovered');
    expect(requestsFor('flaky with retries')).toBe(2);
  });

  it('with 0 from config.json does not retry: the same failure fails the turn', async () => {
    flakyOnce('flaky without retries');
    const { chat } = await newSession(noRetries, project, {});
    const task = await waitTask(noRetries, (await post(noRetries, chat.id, 'flaky without retries')).id);
    expect(task.status).toBe('failed');
    expect(requestsFor('flaky without retries')).toBe(1);
  });
});
