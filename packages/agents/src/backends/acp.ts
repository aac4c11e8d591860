import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { AgentModel } from '@boocode/contracts';
import { AcpBackend } from '../acp/backend.js';
import { AcpAgentProcess } from '../acp/process.js';
import { modelOption, selectValues } from '../acp/settings.js';
import { errorMessage } from '../external/logger.js';
import { withTimeout } from '../discovery/probe.js';
import { defineBackend } from './definition.js';

/** config.json `acp`: limits that apply to every ACP agent. */
export const AcpSettings = z.object({
  /** How long `initialize` may take (agents started through npx can be slow). Default 60000. */
  initTimeoutMs: z.number().int().min(1000).optional(),
  /** After `session/cancel`, how long the agent gets to end the turn before it is killed. Default 10000. */
  cancelGraceMs: z.number().int().min(0).optional(),
  /**
   * A turn with no word from the agent for this long shows a notice; after as long again it is
   * cancelled (session/cancel, then stopped after cancelGraceMs). Default 600000; 0 turns it off.
   */
  silenceMs: z.number().int().refine((ms) => ms === 0 || ms >= 1000, 'must be 0 (off) or at least 1000 (ms)').optional(),
});
export type AcpSettings = z.output<typeof AcpSettings>;

export const acpBackend = defineBackend({
  kind: 'acp',
  section: 'acp',
  settings: AcpSettings,
  // Images and resuming depend on the agent: what it declares at `initialize` replaces these.
  capabilities: { images: false, resume: false, modes: true, model_list: true, usage: true },
  discover: {
    // Recognised by speaking ACP (`initialize`), not by a `--version` flag: several of them start
    // their ACP server on any invocation.
    agents: [
      {
        name: 'opencode-acp',
        label: 'OpenCode (ACP)',
        kind: 'acp',
        command: 'opencode',
        args: ['acp'],
        notes: [
          "Its modes (build, plan) cannot follow the session's permission policy: it asks only as its own permission config says. Use OpenCode (BooCode's own opencode backend) to have every edit and command asked.",
        ],
      },
      { name: 'qwen', label: 'Qwen Code', kind: 'acp', command: 'qwen', args: ['--acp'] },
      {
        name: 'gemini',
        label: 'Gemini CLI',
        kind: 'acp',
        command: 'gemini',
        args: ['--acp'],
        notes: ['It cannot create a new file through BooCode (a bug of gemini-cli): the attempt shows as a failed tool with its message.'],
      },
      {
        name: 'claude',
        label: 'Claude Code (ACP)',
        kind: 'acp',
        command: 'claude-agent-acp',
        args: [],
        notes: [
          'Needs Node.js 22 or later.',
          'Run as root, it refuses to start unless IS_SANDBOX=1 is in its env (config.json agents.claude.env).',
        ],
      },
      {
        name: 'codex',
        label: 'Codex (ACP)',
        kind: 'acp',
        command: 'codex-acp',
        args: [],
        notes: ['It fails when the system has a bwrap it cannot use (a container without user namespaces): remove that bwrap from its PATH.'],
      },
    ],
    async probe(executable, agent, ctx) {
      // A throwaway directory: probing must not touch the user's project.
      const scratch = await mkdtemp(join(tmpdir(), 'boocode-probe-'));
      let proc: AcpAgentProcess | null = null;
      try {
        proc = await AcpAgentProcess.start(
          { command: executable, args: agent.args, env: ctx.env },
          { onUpdate: () => {}, onPermission: async () => ({ outcome: { outcome: 'cancelled' } }), rootFor: () => scratch },
          { cwd: scratch, baseEnv: ctx.baseEnv, logger: ctx.logger, initTimeoutMs: ctx.timeoutMs, clientName: 'boocode-discovery' },
        );
        const version = proc.init.agentInfo?.version ?? null;
        const capabilities = { images: proc.acceptsImages, resume: proc.canResume || proc.canLoad };
        let models: AgentModel[] = [];
        let error: string | null = null;
        if (ctx.probeModels) {
          try {
            const res = await withTimeout(proc.newSession(scratch), ctx.timeoutMs);
            const opt = modelOption(res.configOptions ?? []);
            if (opt) models = selectValues(opt).map((x) => ({ id: x.value, name: x.name }));
          } catch (err) {
            // Typically "authentication required": the agent is installed but not logged in.
            error = `models unavailable: ${errorMessage(err)}`;
          }
        }
        return { version, models, error, capabilities };
      } finally {
        await proc?.kill();
        await rm(scratch, { recursive: true, force: true });
      }
    },
  },
  // One process per chat, started inside the backend.
  create: (s, deps) => {
    const [command = '', ...args] = deps.command;
    return new AcpBackend({ ...s, name: deps.name, command: { command, args, env: deps.env }, baseEnv: deps.baseEnv, logger: deps.logger, sandbox: deps.sandbox });
  },
});
