import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Chat, PostMessageResponse, Project, Session, Task } from '@boocode/contracts';
import type { TestServer } from '@boocode/testkit/server';

/** Shared by the server-level external agent tests (agents-*.test.ts). */

/**
 * An isolated, offline home for a real opencode: its own HOME and XDG dirs (nothing from the
 * developer's opencode setup leaks in or out), an unreachable npm registry (a run-time install
 * attempt fails loudly), and a provider pointing at the fake LLM.
 */
export interface OpenCodeHome {
  root: string;
  env: Record<string, string>;
  /** opencode.json content: the fake provider, `fake/fake-model` by default. */
  config: Record<string, unknown>;
  cleanup(): void;
}

export function openCodeHome(llmUrl: string): OpenCodeHome {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'boocode-srv-oc-')));
  const dirs = {
    HOME: join(root, 'home'),
    XDG_CONFIG_HOME: join(root, 'xdg', 'config'),
    XDG_DATA_HOME: join(root, 'xdg', 'data'),
    XDG_CACHE_HOME: join(root, 'xdg', 'cache'),
    XDG_STATE_HOME: join(root, 'xdg', 'state'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const deadRegistry = 'http://127.0.0.1:9/';
  return {
    root,
    env: {
      ...dirs,
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      npm_config_registry: deadRegistry,
      NPM_CONFIG_REGISTRY: deadRegistry,
      BUN_CONFIG_REGISTRY: deadRegistry,
    },
    config: {
      model: 'fake/fake-model',
      provider: {
        fake: {
          npm: '@ai-sdk/openai-compatible',
          name: 'Fake',
          options: { baseURL: llmUrl, apiKey: 'test-key' },
          models: { 'fake-model': { name: 'Fake Model' } },
        },
      },
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** A BOOCODE_HOME whose config.json already holds `extra` (agents, opencode, ...). */
export function homeWithConfig(extra: Record<string, unknown>): string {
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'boocode-home-')));
  const secret = () => randomBytes(32).toString('base64url');
  writeFileSync(join(home, 'config.json'), JSON.stringify({ token: secret(), pg_password: secret(), ...extra }, null, 2), { mode: 0o600 });
  return home;
}

export const FINISHED = ['completed', 'failed', 'cancelled', 'timed_out'];

/** Polls the task through the API until `done` holds. */
export async function waitTask(server: TestServer, id: string, done = (t: Task) => FINISHED.includes(t.status), timeoutMs = 60_000): Promise<Task> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = (await server.api<Task>('GET', `/api/tasks/${id}`)).body;
    if (done(t)) return t;
    if (Date.now() > deadline) throw new Error(`task ${id} still ${t.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function newSession(server: TestServer, project: Project, body: Record<string, unknown>): Promise<{ session: Session; chat: Chat }> {
  const r = await server.api<Session>('POST', '/api/sessions', { project_id: project.id, ...body });
  if (r.status !== 201) throw new Error(`session not created: ${JSON.stringify(r.body)}`);
  const chat = (await server.api<{ items: Chat[] }>('GET', `/api/sessions/${r.body.id}/chats`)).body.items[0]!;
  return { session: r.body, chat };
}

export async function post(server: TestServer, chatId: string, content: string): Promise<Task> {
  const r = await server.api<PostMessageResponse>('POST', `/api/chats/${chatId}/messages`, { content });
  if (r.status !== 201) throw new Error(`message not posted: ${JSON.stringify(r.body)}`);
  return r.body.task;
}

/** Text of the frames of one type for one message, joined. */
export const joined = (frames: Record<string, unknown>[], type: string, messageId: string): string =>
  frames.filter((f) => f.type === type && f.message_id === messageId).map((f) => String(f.text)).join('');
