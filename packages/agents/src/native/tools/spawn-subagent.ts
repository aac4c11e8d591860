import { SpawnSubagentInput } from '@boocode/contracts';
import { describeSubagent, isOutcome, subagentsOf } from './subagent-format.js';
import { defineTool, success } from './types.js';

export const spawnSubagentTool = defineTool({
  name: 'spawn_subagent',
  description:
    'Start a background subagent on a self-contained task and return at once with its id; you keep working meanwhile. ' +
    'The subagent sees none of this conversation: put everything it needs in `prompt`, including what to report back. ' +
    'By default it works in its own git worktree (its changes stay there for review); isolation "shared" makes it work in yours. ' +
    'Use it for independent pieces of work that can run in parallel. Collect the answer with subagent_result; ' +
    'if your turn ends first, its result comes back to you in a later note. Limits on how many run at once and how deep they nest apply.',
  inputSchema: SpawnSubagentInput,
  writes: false,
  async execute(input, ctx) {
    const subagents = subagentsOf(ctx);
    if (isOutcome(subagents)) return subagents;
    const child = await subagents.spawn(input, ctx.toolCallId ?? null);
    return success(`${describeSubagent(child)}\nIt runs in the background; collect its answer with subagent_result {"id": "${child.id}"}.`);
  },
});
