import { listSubagentsTool } from './list-subagents.js';
import { spawnSubagentTool } from './spawn-subagent.js';
import { subagentResultTool } from './subagent-result.js';
import { subagentStatusTool } from './subagent-status.js';
import type { NativeTool } from './types.js';

/** The tools of background subagents, offered when the turn has them (ToolContext.subagents). */
export const SUBAGENT_TOOLS: readonly NativeTool[] = [spawnSubagentTool, subagentStatusTool, subagentResultTool, listSubagentsTool];
