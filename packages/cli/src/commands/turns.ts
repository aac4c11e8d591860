import type { Command } from 'commander';
import type { CliStop, CliTurn, CliWait, PostMessageBody, Session, Task } from '@boocode/contracts';
import { clientCommand, type ClientOptions } from '../command.js';
import { connect, type Connection } from '../connection.js';
import { parseDuration } from '../duration.js';
import type { CliError } from '../exit-codes.js';
import { resolve, resolveId, shortId } from '../ids.js';
import { outputMode, printResult, type OutputMode } from '../output/format.js';
import { newSessionOptions, openSession, type NewSessionOptions } from '../new-session.js';
import { collect, promptText, readImages } from '../turns/images.js';
import { progress } from '../turns/progress.js';
import { answerOf, FINISHED, postAndFollow, taskSummary, turnExit, TurnView, waitStopped, type WaitOptions } from '../turns/turn.js';
import { watchSession } from '../turns/watch.js';

interface PromptOptions extends ClientOptions, WaitOptions {
  agent?: string;
  model?: string;
  image?: string[];
  detach?: boolean;
}

/** Options of every command that posts a prompt and waits for its turn. */
function promptOptions(cmd: Command): Command {
  return cmd
    .option('--agent <agent>', 'agent for this turn (default: the session agent)')
    .option('--model <model>', 'model for this turn (default: the session model)')
    .option('--image <file>', 'attach an image (.png, .jpg, .gif, .webp); repeat for several', collect)
    .option('--detach', 'return once the prompt is queued, without waiting for the turn')
    .option('--wait-timeout <duration>', 'stop waiting after this long (30s, 5m, 1h); the turn goes on', parseDuration)
    .option('--cancel-on-interrupt', 'Ctrl-C cancels the turn (by default it only stops waiting)');
}

async function messageBody(promptArg: string, opts: PromptOptions): Promise<PostMessageBody> {
  return {
    content: await promptText(promptArg),
    images: await readImages(opts.image ?? []),
    ...(opts.agent ? { agent: opts.agent } : {}),
    ...(opts.model ? { model: opts.model } : {}),
  };
}

/** Posts, follows, prints the result of a turn and sets the exit code; `idOf` is what `-q` prints. */
async function turnCommand(conn: Connection, session: Session, chatId: string, body: PostMessageBody, mode: OutputMode, opts: PromptOptions, idOf: (r: CliTurn) => string) {
  const { task, answer, stopped } = await postAndFollow(conn, session, chatId, body, mode, opts);
  const data: CliTurn = { session, task, answer };
  const detached = !FINISHED.has(task.status);
  if (detached && !stopped && mode !== 'quiet') progress(`turn ${shortId(task.id)} ${task.status}; follow it with: boocode logs -f ${shortId(session.id)}`);
  if (!detached && mode !== 'table') progress(taskSummary(task));
  await printResult(mode, {
    data,
    // The log already went to stdout while the turn ran.
    human: () => (detached ? `session ${session.id}\ntask ${task.id}\n` : ''),
    ids: () => [idOf(data)],
  });
  if (stopped) throw stopped;
  process.exitCode = detached ? 0 : turnExit(task);
}

/** Waits until the session has no turn running or queued; returns its last task. */
async function waitIdle(conn: Connection, session: Session, mode: OutputMode, opts: WaitOptions): Promise<{ task: Task | null; stopped: CliError | null }> {
  const { api } = conn;
  const busy = async () => (await api.call('listSessionTasks', { params: { id: session.id }, query: { status: 'pending,running', limit: 1 } })).items[0] ?? null;
  const view = new TurnView(api, 'silent');
  let waitingFor: Task | null = null;
  const idle = async () => {
    const t = await busy();
    if (t && t.id !== waitingFor?.id && mode !== 'quiet') progress(`waiting for turn ${shortId(t.id)} (${t.status})…`);
    waitingFor = t;
    return t === null;
  };
  let end;
  try {
    end = await watchSession(conn, session.id, {
      timeoutMs: opts.waitTimeout,
      onSnapshot: idle,
      onFrame: (f) => {
        view.frame(f);
        return f.type === 'task_state' && FINISHED.has(f.status) ? idle() : false;
      },
      heartbeat: () => waitingFor && progress(`still waiting for turn ${shortId(waitingFor.id)}…`),
    });
  } finally {
    view.close();
  }
  const stopped = await waitStopped(end, api, session, null, opts);
  return { task: (await api.call('listSessionTasks', { params: { id: session.id }, query: { limit: 1 } })).items[0] ?? null, stopped };
}

export function registerTurns(program: Command): void {
  clientCommand(
    promptOptions(
      newSessionOptions(program.command('run'))
        .description('open a session in the current project, send it a prompt and follow the turn to its end')
        .argument('<prompt>', 'what to ask the agent; - reads it from stdin'),
    ),
    [
      'boocode run "add a --verbose flag to the build script"',
      'boocode run "fix the failing test" --agent opencode --policy allow_edits',
      'boocode run "describe this screenshot" --image shot.png --detach -q',
      'git diff | boocode run - --json > result.json',
    ],
  ).action(async (promptArg: string, opts: PromptOptions & NewSessionOptions) => {
    const mode = outputMode(opts);
    const body = await messageBody(promptArg, opts);
    const conn = await connect(opts);
    const { session } = await openSession(conn.api, opts, mode === 'quiet');
    const chat = (await conn.api.call('listChats', { params: { id: session.id } })).items[0]!;
    await turnCommand(conn, session, chat.id, body, mode, opts, (r) => r.session.id);
  });

  clientCommand(
    promptOptions(
      program
        .command('send')
        .description('send a prompt to a session and follow the turn to its end')
        .argument('<session>', 'session id or a unique start of it')
        .argument('<prompt>', 'what to ask the agent; - reads it from stdin')
        .option('--chat <chat>', "the session's chat to post in (default: its first chat)"),
    ),
    ['boocode send 1a2b3c4d "now add a test for it"', 'boocode send 1a2b "and the docs" --detach -q'],
  ).action(async (text: string, promptArg: string, opts: PromptOptions & { chat?: string }) => {
    const mode = outputMode(opts);
    const body = await messageBody(promptArg, opts);
    const conn = await connect(opts);
    const session = await conn.api.call('getSession', { params: { id: await resolve(conn.api, text, 'session') } });
    const chatId = opts.chat ? await resolve(conn.api, opts.chat, 'chat') : (await conn.api.call('listChats', { params: { id: session.id } })).items[0]!.id;
    await turnCommand(conn, session, chatId, body, mode, opts, (r) => r.task.id);
  });

  clientCommand(
    program
      .command('wait')
      .description('wait until a session has no turn running or queued; exits 5 when its last turn did not complete')
      .argument('<session>', 'session id or a unique start of it')
      .option('--timeout <duration>', 'give up after this long (30s, 5m, 1h) with exit 1; the turn goes on', parseDuration)
      .option('--cancel-on-interrupt', 'Ctrl-C cancels the running turn (by default it only stops waiting)'),
    ['boocode wait 1a2b3c4d', 'boocode wait 1a2b --timeout 10m && boocode diff 1a2b | git apply'],
  ).action(async (text: string, opts: ClientOptions & { timeout?: number; cancelOnInterrupt?: boolean }) => {
    const mode = outputMode(opts);
    const conn = await connect(opts);
    const session = await conn.api.call('getSession', { params: { id: await resolve(conn.api, text, 'session') } });
    const { task, stopped } = await waitIdle(conn, session, mode, { waitTimeout: opts.timeout, cancelOnInterrupt: opts.cancelOnInterrupt });
    const data: CliWait = { session, task, answer: task ? await answerOf(conn.api, task) : null };
    await printResult(mode, {
      data,
      human: () => (task ? `${taskSummary(task)}\n` : `session ${shortId(session.id)} has had no turn\n`),
      ids: () => (task ? [task.id] : []),
    });
    if (stopped) throw stopped;
    process.exitCode = turnExit(task);
  });

  clientCommand(
    program
      .command('stop')
      .description("cancel a session's running and queued turns, or one task")
      .argument('<id>', 'session or task id, or a unique start of one'),
    ['boocode stop 1a2b3c4d'],
  ).action(async (text: string, opts: ClientOptions) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const target = await resolveId(api, text, ['session', 'task']);
    let data: CliStop;
    if (target.kind === 'session') data = await api.call('cancelSession', { params: { id: target.id } });
    else {
      const before = await api.call('getTask', { params: { id: target.id } });
      data = { cancelled: FINISHED.has(before.status) ? [] : [(await api.call('cancelTask', { params: { id: target.id } })).id] };
    }
    await printResult(mode, {
      data,
      human: () => (data.cancelled.length ? `cancelling ${data.cancelled.map(shortId).join(', ')}\n` : 'nothing was running or queued\n'),
      ids: () => data.cancelled,
    });
  });
}
