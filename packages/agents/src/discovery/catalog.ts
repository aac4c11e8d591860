import type { AgentBackendKind } from '@boocode/contracts';

/** An agent BooCode knows how to find and start. */
export interface KnownAgent {
  name: string;
  label: string;
  kind: Exclude<AgentBackendKind, 'native'>;
  /** Executable to look up (PATH, node_modules/.bin); `opencode` also checks BooCode's own dependency. */
  command: string;
  args: string[];
  env?: Record<string, string>;
  custom?: boolean;
}

/**
 * Agents looked for by default. ACP agents are recognised by speaking ACP (`initialize`), not by
 * a `--version` flag: several of them start their ACP server on any invocation.
 */
export const DEFAULT_AGENTS: readonly KnownAgent[] = [
  { name: 'opencode', label: 'OpenCode', kind: 'opencode_server', command: 'opencode', args: [] },
  { name: 'opencode-acp', label: 'OpenCode (ACP)', kind: 'acp', command: 'opencode', args: ['acp'] },
  { name: 'qwen', label: 'Qwen Code', kind: 'acp', command: 'qwen', args: ['--acp'] },
  { name: 'gemini', label: 'Gemini CLI', kind: 'acp', command: 'gemini', args: ['--acp'] },
  { name: 'claude', label: 'Claude Code (ACP)', kind: 'acp', command: 'claude-agent-acp', args: [] },
  { name: 'codex', label: 'Codex (ACP)', kind: 'acp', command: 'codex-acp', args: [] },
  { name: 'paseo', label: 'Paseo', kind: 'paseo', command: 'paseo', args: [] },
];
