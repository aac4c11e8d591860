import { describe, expect, it } from 'vitest';
import type { MessagePage, SubagentList, TracePage } from '@boocode/contracts';
import { newSession, post, waitTask, OPENCODE_MS, useOpenCodeServer } from './agents-env.js';

/**
 * The real opencode, on the fake LLM, gets BooCode's MCP server for its session and spawns a
 * subagent with it, then collects the child's answer in the same turn.
 */
const ctx = useOpenCodeServer({ native: true });

describe('opencode spawns subagents through BooCode MCP server', { timeout: 3 * OPENCODE_MS }, () => {
  it('calls spawn_subagent and collects the child result in the same turn; the child shows in the session', async () => {
    const { session, chat } = await newSession(ctx.server, ctx.project, { agent: 'opencode', permission_policy: 'allow_all' });
    ctx.llm.push(
      {
        match: { hasTools: true, lastUserIncludes: 'delegate it' },
        toolCalls: [{ name: 'boocode_spawn_subagent', arguments: { prompt: 'native child over mcp', agent: 'native', isolation: 'shared', label: 'from opencode' } }],
      },
      { match: { lastUserIncludes: 'native child over mcp' }, text: 'the native child answer' },
      {
        match: { hasTools: true, lastUserIncludes: 'delegate it' },
        toolCalls: [{ name: 'boocode_subagent_result', arguments: { id: '{{tool_uuid:0}}', wait_seconds: 120 } }],
      },
      { match: { hasTools: true, lastUserIncludes: 'delegate it' }, text: 'collected the child answer' },
    );
    const parent = await waitTask(ctx.server, (await post(ctx.server, chat.id, 'delegate it')).id);
    expect(parent.error).toBeNull();
    expect(parent.status).toBe('completed');
    // opencode offered BooCode's tools to the model under its MCP server's name.
    const first = ctx.llm.requests.find((r) => r.lastUserText.includes('delegate it') && r.tools.length > 0)!;
    expect(first.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['boocode_spawn_subagent', 'boocode_subagent_result']));
    const [child] = (await ctx.server.api<SubagentList>('GET', `/api/sessions/${session.id}/subagents`)).body.items;
    expect(child).toMatchObject({ parent_task_id: parent.id, agent: 'native', label: 'from opencode', status: 'completed' });
    // The child's answer reached opencode's model in the same turn.
    const last = ctx.llm.requests.filter((r) => r.lastUserText.includes('delegate it')).at(-1)!;
    expect(JSON.stringify(last.messages)).toContain('the native child answer');
    const page = (await ctx.server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body;
    expect(page.items.at(-1)?.content).toContain('collected the child answer');
    // The MCP call that spawned it names the child, so the trace tree nests the child's turn under it.
    const traces = (await ctx.server.api<TracePage>('GET', `/api/chats/${chat.id}/traces`)).body.items;
    const spawn = traces.find((t) => t.tool_name.includes('spawn_subagent'));
    expect(spawn?.subagent_ids).toEqual([child!.id]);
  });
});
