import type { Command } from 'commander';
import type { CliLogEntry, Session, SessionFrame } from '@boocode/contracts';
import { clientCommand, type ClientOptions } from '../command.js';
import { connect } from '../connection.js';
import { parseSince } from '../duration.js';
import { resolve } from '../ids.js';
import { LogPrinter } from '../logs/printer.js';
import { fetchHistory, type SessionHistory } from '../logs/session-history.js';
import { paintFor } from '../output/color.js';
import { outputMode, printEntry, type OutputMode } from '../output/format.js';
import { FINISHED, TurnView, waitStopped } from '../turns/turn.js';
import { watchSession } from '../turns/watch.js';

/** Where a log goes in each output mode: readable lines, JSON lines / YAML documents, or message ids. */
interface LogSink {
  history(h: SessionHistory): Promise<void>;
  frame(f: SessionFrame): Promise<void>;
  close(): void;
}

function sinkFor(mode: OutputMode, view: TurnView | null): LogSink {
  if (mode === 'table') {
    const printer = view?.printer ?? new LogPrinter((t) => process.stdout.write(t), paintFor(process.stdout));
    return {
      history: async (h) => printer.history(h),
      frame: async (f) => (view ? view.frame(f) : printer.frame(f)),
      close: () => (view ? view.close() : printer.finish()),
    };
  }
  if (mode === 'quiet') {
    const seen = new Set<string>();
    const id = (m: string) => {
      if (!seen.has(m)) process.stdout.write(m + '\n');
      seen.add(m);
    };
    return {
      history: async (h) => h.messages.forEach((m) => id(m.id)),
      frame: async (f) => {
        view?.frame(f);
        if (f.type === 'message_created') id(f.message.id);
        if (f.type === 'message_started') id(f.message_id);
      },
      close: () => view?.close(),
    };
  }
  // Messages already written complete are not written again after a reconnect's refetch.
  const complete = new Set<string>();
  const entry = (e: CliLogEntry) => printEntry(mode, e);
  return {
    async history(h) {
      for (const message of h.messages) {
        if (complete.has(message.id)) continue;
        if (message.status !== 'streaming') complete.add(message.id);
        await entry({ type: 'message', message });
        for (const trace of h.traces.filter((t) => t.message_id === message.id)) await entry({ type: 'trace', trace });
        for (const permission of h.permissions.filter((p) => p.message_id === message.id)) await entry({ type: 'permission', permission });
      }
    },
    async frame(f) {
      view?.frame(f);
      await entry({ type: 'frame', frame: f });
    },
    close: () => view?.close(),
  };
}

export function registerLogs(program: Command): void {
  clientCommand(
    program
      .command('logs')
      .description("a session's log: prompts, the agent's text and reasoning, tool calls, permission requests, errors")
      .argument('<session>', 'session id or a unique start of it')
      .option('-f, --follow', 'then stream what comes next, until the session has no turn running or queued')
      .option('--keep', 'with -f: keep following after the session goes idle (until Ctrl-C)')
      .option('--since <when>', 'only what started since then: a duration back (10m, 2h) or a date (2026-05-01T12:00)', (v) => parseSince(v))
      .option('--cancel-on-interrupt', "with -f: Ctrl-C cancels the session's turns (by default it only stops following)"),
    ['boocode logs 1a2b3c4d', 'boocode logs 1a2b -f', 'boocode logs 1a2b --since 10m --json | jq -c .'],
  ).action(async (text: string, opts: ClientOptions & { follow?: boolean; keep?: boolean; since?: Date; cancelOnInterrupt?: boolean }) => {
    const mode = outputMode(opts);
    const conn = await connect(opts);
    const { api } = conn;
    const session: Session = await api.call('getSession', { params: { id: await resolve(api, text, 'session') } });
    if (!opts.follow) {
      const sink = sinkFor(mode, null);
      await sink.history(await fetchHistory(api, session.id, opts.since));
      sink.close();
      return;
    }
    const sink = sinkFor(mode, new TurnView(api, mode));
    const idle = async () =>
      !opts.keep && (await api.call('listSessionTasks', { params: { id: session.id }, query: { status: 'pending,running', limit: 1 } })).items.length === 0;
    let end;
    try {
      end = await watchSession(conn, session.id, {
        onSnapshot: async () => {
          // Idle before the history is read: then the history holds the whole of every turn (a
          // message is finished before its task), and nothing is left to follow.
          const done = await idle();
          await sink.history(await fetchHistory(api, session.id, opts.since));
          return done;
        },
        onFrame: async (f) => {
          await sink.frame(f);
          return f.type === 'task_state' && FINISHED.has(f.status) ? idle() : false;
        },
      });
    } finally {
      sink.close();
    }
    const stopped = await waitStopped(end, api, session, null, { cancelOnInterrupt: opts.cancelOnInterrupt });
    if (stopped) throw stopped;
  });
}
