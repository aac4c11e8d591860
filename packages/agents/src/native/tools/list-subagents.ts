import { z } from 'zod';
import { describeSubagent, isOutcome, subagentsOf } from './subagent-format.js';
import { defineTool, success } from './types.js';

export const ListSubagentsInput = z.object({});

export const listSubagentsTool = defineTool({
  name: 'list_subagents',
  description: "This session's background subagents, newest first, with their ids and statuses.",
  inputSchema: ListSubagentsInput,
  writes: false,
  async execute(_input, ctx) {
    const subagents = subagentsOf(ctx);
    if (isOutcome(subagents)) return subagents;
    const all = await subagents.list();
    return success(all.length === 0 ? 'No subagents in this session yet.' : all.map(describeSubagent).join('\n'));
  },
});
