import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readScript, readState, writeState, type FakePaseoAgent, type FakePaseoState } from './state.js';

/**
 * A fake `paseo` CLI with the real one's JSON shapes and exit codes: `ls --json` rows are
 * `{id, shortId, name, provider, status, cwd, created}`, `inspect --json` is PascalCase,
 * errors go to stderr (`{"error":{code,message}}` with --json, `Error: ...` without) with exit 1.
 * `send` streams the scripted reply to stdout line by line and waits for the turn like the real
 * one does; `stop` interrupts a running `send`.
 */

export const FAKE_PASEO_VERSION = '0.9.0-fake';

class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Io {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

function relativeTime(iso: string): string {
  const s = Math.floor((Date.now() - Date.parse(iso)) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} minutes ago`;
  return `${Math.floor(s / 3600)} hours ago`;
}

function resolveAgent(state: FakePaseoState, idOrPrefix: string, includeArchived = false): FakePaseoAgent {
  const pool = state.agents.filter((a) => includeArchived || a.archivedAt === null);
  const exact = pool.find((a) => a.id === idOrPrefix);
  if (exact) return exact;
  const matches = pool.filter((a) => a.id.startsWith(idOrPrefix));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new CliError('AMBIGUOUS_ID', `Ambiguous ID prefix '${idOrPrefix}'`);
  throw new CliError('AGENT_NOT_FOUND', `Agent not found: ${idOrPrefix}`);
}

function inspectView(a: FakePaseoAgent): Record<string, unknown> {
  return {
    Id: a.id,
    Name: a.name,
    Provider: a.provider,
    Model: a.model ?? '-',
    Status: a.status,
    Mode: 'default',
    Cwd: a.cwd,
    CreatedAt: a.createdAt,
    UpdatedAt: a.updatedAt,
    Archived: a.archivedAt !== null,
    ArchivedAt: a.archivedAt,
    LastUsage: a.lastUsage ?? null,
    Capabilities: { Streaming: true, Persistence: true, DynamicModes: false, McpServers: false },
    AvailableModes: [],
    PendingPermissions: [],
    Labels: a.labels,
    Worktree: null,
    ParentAgentId: null,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runFakePaseoCli(argv: string[], io: Io = stdio): Promise<number> {
  const logFile = process.env.FAKE_PASEO_LOG;
  if (logFile) appendFileSync(logFile, `${JSON.stringify(argv)}\n`);
  const stateFile = process.env.FAKE_PASEO_STATE;
  const script = readScript(process.env.FAKE_PASEO_SCRIPT);

  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        host: { type: 'string' },
        provider: { type: 'string' },
        cwd: { type: 'string' },
        label: { type: 'string', multiple: true, default: [] },
        image: { type: 'string', multiple: true, default: [] },
        'no-wait': { type: 'boolean', default: false },
        all: { type: 'boolean', short: 'a', default: false },
        limit: { type: 'string' },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    io.err(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const { values, positionals } = parsed;
  const json = values.json;
  const fail = (code: string, message: string): number => {
    io.err(json ? `${JSON.stringify({ error: { code, message } })}\n` : `Error: ${message}\n`);
    return 1;
  };

  if (values.version) {
    io.out(`${FAKE_PASEO_VERSION}\n`);
    return 0;
  }
  const [command, ...args] = positionals;
  if (!command) return fail('USAGE', 'usage: paseo <command> [options]');
  if (!stateFile) return fail('FAKE_MISCONFIGURED', 'FAKE_PASEO_STATE is not set');
  if (script.daemonDown) {
    return fail(
      'DAEMON_NOT_RUNNING',
      `Cannot connect to daemon at ${values.host ?? 'localhost:6767'}: connect ECONNREFUSED. Start the daemon with: paseo daemon start`,
    );
  }

  try {
    const state = readState(stateFile);
    switch (command) {
      case 'ls': {
        let agents = state.agents.filter((a) => values.all || a.archivedAt === null);
        if (values.limit) agents = agents.slice(0, Number(values.limit));
        const rows = agents.map((a) => ({
          id: a.id,
          shortId: a.id.slice(0, 7),
          name: a.name,
          provider: a.model ? `${a.provider}/${a.model}` : a.provider,
          status: a.status,
          cwd: a.cwd,
          created: relativeTime(a.createdAt),
        }));
        io.out(json ? `${JSON.stringify(rows, null, 2)}\n` : rows.map((r) => `${r.shortId}  ${r.name}  ${r.status}`).join('\n') + '\n');
        return 0;
      }
      case 'inspect': {
        const a = resolveAgent(state, args[0] ?? '', true);
        io.out(`${JSON.stringify(inspectView(a), null, 2)}\n`);
        return 0;
      }
      case 'import': {
        const sessionId = args[0];
        if (!sessionId) throw new CliError('MISSING_SESSION_ID', 'Session ID is required');
        if (!values.provider) throw new CliError('MISSING_PROVIDER', 'Provider is required');
        if (script.importError) throw new CliError('AGENT_IMPORT_FAILED', `Failed to import agent: ${script.importError}`);
        const labels: Record<string, string> = {};
        for (const l of values.label) {
          const eq = l.indexOf('=');
          if (eq <= 0) throw new CliError('INVALID_LABEL', `Invalid label format: ${l}`);
          labels[l.slice(0, eq)] = l.slice(eq + 1);
        }
        const now = new Date().toISOString();
        const agent: FakePaseoAgent = {
          id: randomUUID(),
          name: `imported ${sessionId.slice(0, 8)}`,
          provider: values.provider,
          model: null,
          status: 'idle',
          cwd: values.cwd ?? process.cwd(),
          createdAt: now,
          updatedAt: now,
          archivedAt: null,
          labels,
          importedSessionId: sessionId,
          lastUsage: undefined,
          prompts: [],
        };
        state.agents.push(agent);
        writeState(stateFile, state);
        const result = { agentId: agent.id, status: 'created', provider: agent.provider, cwd: agent.cwd, title: agent.name };
        io.out(json ? `${JSON.stringify(result, null, 2)}\n` : `${agent.id}\n`);
        return 0;
      }
      case 'archive': {
        const a = resolveAgent(state, args[0] ?? '');
        a.archivedAt = new Date().toISOString();
        a.updatedAt = a.archivedAt;
        writeState(stateFile, state);
        io.out(json ? `${JSON.stringify({ agentId: a.id, archivedAt: a.archivedAt })}\n` : `Archived ${a.id}\n`);
        return 0;
      }
      case 'stop': {
        const a = resolveAgent(state, args[0] ?? '');
        a.status = 'stopped';
        writeState(stateFile, state);
        io.out(json ? `${JSON.stringify({ agentId: a.id, status: 'stopped' })}\n` : `Stopped ${a.id}\n`);
        return 0;
      }
      case 'send':
        return await send(stateFile, state, script.replies, args, values['no-wait'], values.image, io);
      default:
        throw new CliError('UNKNOWN_COMMAND', `unknown command '${command}'`);
    }
  } catch (err) {
    if (err instanceof CliError) return fail(err.code, err.message);
    throw err;
  }
}

async function send(
  stateFile: string,
  state: FakePaseoState,
  replies: ReturnType<typeof readScript>['replies'],
  args: string[],
  noWait: boolean,
  images: string[],
  io: Io,
): Promise<number> {
  const [idArg, prompt] = args;
  if (!idArg) throw new CliError('MISSING_AGENT_ID', 'Agent ID is required');
  if (!prompt?.trim()) throw new CliError('MISSING_PROMPT', 'A prompt is required');
  const agent = resolveAgent(state, idArg);
  const index = replies.findIndex((r, i) => !state.usedReplies.includes(i) && (r.match === undefined || prompt.includes(r.match)));
  if (index < 0) throw new CliError('SEND_FAILED', `Failed to send message: fake-paseo has no reply for "${prompt}"`);
  const reply = replies[index]!;
  state.usedReplies.push(index);
  agent.status = 'running';
  agent.prompts.push(images.length > 0 ? `${prompt} [images: ${images.length}]` : prompt);
  writeState(stateFile, state);
  if (noWait) {
    io.out(`${JSON.stringify({ agentId: agent.id, status: 'sent', message: 'Message sent, not waiting for completion' })}\n`);
    return 0;
  }
  for (const line of reply.lines) {
    if (reply.delayMs > 0) await sleep(reply.delayMs);
    // `paseo stop` from another process interrupts the turn.
    if (readState(stateFile).agents.find((a) => a.id === agent.id)?.status === 'stopped') break;
    io.out(`${line}\n`);
  }
  const now = readState(stateFile);
  const current = now.agents.find((a) => a.id === agent.id)!;
  const stopped = current.status === 'stopped';
  current.status = reply.exitCode === 0 || stopped ? 'idle' : 'error';
  current.updatedAt = new Date().toISOString();
  if (reply.usage) current.lastUsage = reply.usage;
  writeState(stateFile, now);
  if (stopped) return 0;
  if (reply.stderr) io.err(`${reply.stderr}\n`);
  return reply.exitCode;
}
