import { z } from 'zod';
import { describeSubagent, isOutcome, subagentsOf } from './subagent-format.js';
import { defineTool, success } from './types.js';

export const SubagentStatusInput = z.object({ id: z.uuid().describe('The id spawn_subagent returned.') });

export const subagentStatusTool = defineTool({
  name: 'subagent_status',
  description: "A background subagent's status (pending, running, completed, failed, cancelled, timed_out), at once, without its answer.",
  inputSchema: SubagentStatusInput,
  writes: false,
  async execute(input, ctx) {
    const subagents = subagentsOf(ctx);
    if (isOutcome(subagents)) return subagents;
    return success(describeSubagent(await subagents.status(input.id)));
  },
});
