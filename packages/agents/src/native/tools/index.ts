import { deleteFileTool } from './delete-file.js';
import { editFileTool } from './edit-file.js';
import { globTool } from './glob.js';
import { grepTool } from './grep.js';
import { listDirTool } from './list-dir.js';
import { readFileTool } from './read-file.js';
import { runCommandTool } from './run-command.js';
import { failure, type NativeTool, type ToolContext, type ToolOutcome } from './types.js';
import { writeFileTool } from './write-file.js';

/** Every tool of the native agent, in the order the model sees them. */
export const NATIVE_TOOLS: readonly NativeTool[] = [
  readFileTool,
  listDirTool,
  globTool,
  grepTool,
  editFileTool,
  writeFileTool,
  deleteFileTool,
  runCommandTool,
];

export const WRITING_TOOL_NAMES: ReadonlySet<string> = new Set(NATIVE_TOOLS.filter((t) => t.writes).map((t) => t.name));

/**
 * Validates raw input and runs the tool. Never throws: bad input and unexpected errors become a
 * failed outcome the model can read.
 */
export async function runTool(tool: NativeTool, rawInput: unknown, ctx: ToolContext): Promise<ToolOutcome> {
  const parsed = tool.inputSchema.safeParse(rawInput);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
    return failure(`Invalid input for ${tool.name}: ${issues}`);
  }
  try {
    return await tool.execute(parsed.data, ctx);
  } catch (err) {
    return failure(`${tool.name} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export * from './types.js';
export { resolveInRoot } from '../../paths.js';
export { isSecretName, isSecretValue, scrubbedEnv } from './env.js';
export { execNoShell, type ExecResult } from './exec.js';
export { readFileTool, listDirTool, globTool, grepTool, editFileTool, writeFileTool, deleteFileTool, runCommandTool };
export type { RunCommandResult } from './run-command.js';
