import { describe, expect, it } from 'vitest';
import type { Project, Session } from '@boocode/contracts';
import { DEFAULT_AGENTS } from '@boocode/agents';
import { isTitleRequest } from '@boocode/testkit';
import { createTestDatabase, makeGitRepo, openStream, startTestServer, type TestServer } from '@boocode/testkit/server';
import { homeWithConfig, newSession, post, waitTask, OPENCODE_MS, useOpenCodeServer } from './agents-env.js';

/**
 * opencode's own session titles, opted into with config.json `opencode.titles: "opencode"`: the
 * real opencode asks the fake LLM for a title (its title agent's request) and the BooCode session
 * takes it as its name, unless the user named the session.
 */

const ctx = useOpenCodeServer({ opencode: { titles: 'opencode' } });

const titleRequests = (about: string) => ctx.llm.requests.filter((r) => isTitleRequest(r.messages) && r.lastUserText.includes(about));
const getSession = async (id: string) => (await ctx.server.api<Session>('GET', `/api/sessions/${id}`)).body;

describe("opencode's own session titles", { timeout: 3 * OPENCODE_MS }, () => {
  it("names the session with the title opencode's model invented, once", async () => {
    const { session, chat } = await newSession(ctx.server, ctx.project, { agent: 'opencode' });
    ctx.llm.push(
      { match: { titleRequest: true, lastUserIncludes: 'connect postgres' }, text: 'Postgres API connection' },
      { match: { titleRequest: false, lastUserIncludes: 'connect postgres' }, text: 'Use a connection pool.' },
      { match: { titleRequest: false, lastUserIncludes: 'and mysql' }, text: 'Same idea.' },
    );
    const stream = await openStream(ctx.server.url, session.id, { token: ctx.server.token });
    await stream.waitFor((f) => f.type === 'agent_snapshot');

    const first = await waitTask(ctx.server, (await post(ctx.server, chat.id, 'how do I connect postgres to my API')).id);
    expect(first.status).toBe('completed');
    expect(first.output_summary).toBe('Use a connection pool.');
    const updated = await stream.waitFor(
      (f) => f.type === 'session_updated' && (f.session as Session).name === 'Postgres API connection',
      OPENCODE_MS,
    );
    expect((updated.session as Session).id).toBe(session.id);
    expect(await getSession(session.id)).toMatchObject({ name: 'Postgres API connection' });
    expect(titleRequests('connect postgres')).toHaveLength(1);

    // A second turn: opencode asks for no new title, and the one it has is not reported again.
    expect((await waitTask(ctx.server, (await post(ctx.server, chat.id, 'and mysql?')).id)).output_summary).toBe('Same idea.');
    stream.close();
    expect(titleRequests('and mysql')).toEqual([]);
    expect(stream.frames.filter((f) => f.type === 'agent_title').map((f) => f.title)).toEqual(['Postgres API connection']);
    expect((await getSession(session.id)).name).toBe('Postgres API connection');
  });

  it('does not report the title again when the chat is released and reopened', async () => {
    const { session, chat } = await newSession(ctx.server, ctx.project, { agent: 'opencode', permission_policy: 'ask' });
    ctx.llm.push(
      { match: { titleRequest: true, lastUserIncludes: 'cache the tokens' }, text: 'Token cache' },
      { match: { titleRequest: false, lastUserIncludes: 'cache the tokens' }, text: 'Cached.' },
      { match: { titleRequest: false, lastUserIncludes: 'after reopening' }, text: 'Still here.' },
    );
    const stream = await openStream(ctx.server.url, session.id, { token: ctx.server.token });
    await stream.waitFor((f) => f.type === 'agent_snapshot');
    expect((await waitTask(ctx.server, (await post(ctx.server, chat.id, 'cache the tokens')).id)).status).toBe('completed');
    await stream.waitFor((f) => f.type === 'agent_title' && f.title === 'Token cache', OPENCODE_MS);
    const token = async () => (await ctx.server.api<{ items: { resume_token: string | null }[] }>('GET', `/api/chats/${chat.id}/agent-sessions`)).body.items[0]?.resume_token;
    const before = await token();
    // Another policy releases the warm session; the next turn reopens the same opencode session.
    expect((await ctx.server.api('PATCH', `/api/sessions/${session.id}`, { permission_policy: 'allow_all' })).status).toBe(200);
    expect((await waitTask(ctx.server, (await post(ctx.server, chat.id, 'after reopening')).id)).output_summary).toBe('Still here.');
    stream.close();
    expect(await token()).toBe(before);
    expect(stream.frames.filter((f) => f.type === 'agent_title').map((f) => f.title)).toEqual(['Token cache']);
  });

  it('does not report the title again when the chat is reopened after a BooCode restart', async () => {
    // Its own servers on one database and home, so the second one starts with no memory but the stored one.
    const databaseUrl = await createTestDatabase();
    const home = homeWithConfig({ opencode: { config: ctx.oc.config, defaultProvider: 'fake', offline: true, env: ctx.oc.env, titles: 'opencode' } });
    const start = () =>
      startTestServer({
        home,
        databaseUrl,
        writeIntervalMs: 50,
        agents: { discovery: { agents: DEFAULT_AGENTS.filter((a) => a.name === 'opencode'), env: ctx.oc.env, timeoutMs: OPENCODE_MS } },
      });
    let server: TestServer = await start();
    try {
      const project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'hello.txt': 'hi there\n' }) })).body;
      const { session, chat } = await newSession(server, project, { agent: 'opencode' });
      ctx.llm.push(
        { match: { titleRequest: true, lastUserIncludes: 'index the logs' }, text: 'Log indexing' },
        { match: { titleRequest: false, lastUserIncludes: 'index the logs' }, text: 'Indexed.' },
        { match: { titleRequest: false, lastUserIncludes: 'after the restart' }, text: 'Back again.' },
      );
      const first = await openStream(server.url, session.id, { token: server.token });
      await first.waitFor((f) => f.type === 'agent_snapshot');
      expect((await waitTask(server, (await post(server, chat.id, 'index the logs')).id)).status).toBe('completed');
      await first.waitFor((f) => f.type === 'agent_title' && f.title === 'Log indexing', OPENCODE_MS);
      first.close();
      const token = async () => (await server.api<{ items: { resume_token: string | null }[] }>('GET', `/api/chats/${chat.id}/agent-sessions`)).body.items[0]?.resume_token;
      const before = await token();

      await server.close();
      server = await start();
      const second = await openStream(server.url, session.id, { token: server.token });
      await second.waitFor((f) => f.type === 'agent_snapshot');
      expect((await waitTask(server, (await post(server, chat.id, 'after the restart')).id)).output_summary).toBe('Back again.');
      second.close();
      // The same opencode session, whose events repeat its title: not news after the restart either.
      expect(await token()).toBe(before);
      expect(second.frames.filter((f) => f.type === 'agent_title')).toEqual([]);
      expect((await server.api<Session>('GET', `/api/sessions/${session.id}`)).body.name).toBe('Log indexing');
    } finally {
      await server.close();
    }
  });

  it('takes a title that landed after the first turn with the next turn', async () => {
    const { session, chat } = await newSession(ctx.server, ctx.project, { agent: 'opencode' });
    ctx.llm.push(
      // Three chunks, 6 s apart: the title lands well after the first turn (and its short wait) ended.
      { match: { titleRequest: true, lastUserIncludes: 'late title' }, text: 'Late title', chunkDelayMs: 6_000 },
      { match: { titleRequest: false, lastUserIncludes: 'late title' }, text: 'Quick answer.' },
      { match: { titleRequest: false, lastUserIncludes: 'next one' }, text: 'Next answer.' },
    );
    const stream = await openStream(ctx.server.url, session.id, { token: ctx.server.token });
    await stream.waitFor((f) => f.type === 'agent_snapshot');
    expect((await waitTask(ctx.server, (await post(ctx.server, chat.id, 'a late title please')).id)).output_summary).toBe('Quick answer.');
    expect((await getSession(session.id)).name).toBe('a late title please');
    // Once the fake LLM has sent the whole title, opencode has it (no turn runs to hear it)...
    const deadline = Date.now() + OPENCODE_MS;
    while (titleRequests('late title')[0]?.serverMs == null) {
      if (Date.now() > deadline) throw new Error('opencode never finished asking for the title');
      await new Promise((r) => setTimeout(r, 50));
    }
    // ...and the next turn reports it.
    expect((await waitTask(ctx.server, (await post(ctx.server, chat.id, 'next one')).id)).output_summary).toBe('Next answer.');
    await stream.waitFor((f) => f.type === 'session_updated' && (f.session as Session).name === 'Late title', OPENCODE_MS);
    stream.close();
    expect(stream.frames.filter((f) => f.type === 'agent_title').map((f) => f.title)).toEqual(['Late title']);
  });

  it('keeps a name the user gave: the title opencode reports does not replace it', async () => {
    const { session, chat } = await newSession(ctx.server, ctx.project, { agent: 'opencode' });
    expect((await ctx.server.api<Session>('PATCH', `/api/sessions/${session.id}`, { name: 'My own name' })).status).toBe(200);
    ctx.llm.push(
      { match: { titleRequest: true, lastUserIncludes: 'rename the helper' }, text: 'Helper renaming' },
      { match: { titleRequest: false, lastUserIncludes: 'rename the helper' }, text: 'Renamed.' },
    );
    const stream = await openStream(ctx.server.url, session.id, { token: ctx.server.token });
    await stream.waitFor((f) => f.type === 'agent_snapshot');
    expect((await waitTask(ctx.server, (await post(ctx.server, chat.id, 'rename the helper')).id)).status).toBe('completed');
    // opencode did title its own session, and said so...
    await stream.waitFor((f) => f.type === 'agent_title' && f.title === 'Helper renaming', OPENCODE_MS);
    stream.close();
    expect(titleRequests('rename the helper')).toHaveLength(1);
    // ...but the session keeps the user's name.
    expect((await getSession(session.id)).name).toBe('My own name');
  });
});
