import { MAX_SUBAGENT_WAIT_SECONDS } from '@boocode/contracts';
import { z } from 'zod';
import { describeResult, isOutcome, subagentsOf } from './subagent-format.js';
import { defineTool, success } from './types.js';

export const SubagentResultInput = z.object({
  id: z.uuid().describe('The id spawn_subagent returned.'),
  wait_seconds: z
    .number()
    .int()
    .min(0)
    .max(MAX_SUBAGENT_WAIT_SECONDS)
    .default(0)
    .describe(`How long to wait for the subagent to finish (0-${MAX_SUBAGENT_WAIT_SECONDS}); 0 answers at once.`),
});

export const subagentResultTool = defineTool({
  name: 'subagent_result',
  description:
    "A background subagent's final answer. While it is still running, waits up to wait_seconds for it to finish, then answers with its status instead.",
  inputSchema: SubagentResultInput,
  writes: false,
  async execute(input, ctx) {
    const subagents = subagentsOf(ctx);
    if (isOutcome(subagents)) return subagents;
    return success(describeResult(await subagents.result(input.id, input.wait_seconds, ctx.signal)));
  },
});
