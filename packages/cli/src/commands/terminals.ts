import type { Command } from 'commander';
import type { ApiClient } from '@boocode/client';
import type { Terminal, TerminalSearchResult } from '@boocode/contracts';
import { clientCommand, withExamples, type ClientOptions } from '../command.js';
import { addConnectionOptions, connect, type ConnectionOptions } from '../connection.js';
import { formatAge } from '../duration.js';
import { CliError, ExitCode, notFoundError, usageError } from '../exit-codes.js';
import { resolve, shortId } from '../ids.js';
import type { Paint } from '../output/color.js';
import { outputMode, printResult } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { collect, promptText } from '../turns/images.js';

/**
 * The terminal named by `text`: its whole id, or a unique start of it (at least 4 hex digits) among the
 * running terminals. Terminals live in tmux, not in the database, so they are looked up in their list.
 */
export async function findTerminal(api: ApiClient, text: string): Promise<Terminal> {
  const { IdPrefix } = await import('@boocode/contracts');
  const wanted = text.toLowerCase();
  if (!IdPrefix.safeParse(wanted).success) {
    if (/^[0-9a-f-]{1,3}$/.test(wanted)) throw usageError(`${text}: give at least 4 characters of the terminal id`);
    throw notFoundError(`no terminal ${text} (give an id, or a unique start of one: boocode terminal ls)`);
  }
  const digits = wanted.replace(/-/g, '');
  const hits = (await api.call('listAllTerminals')).items.filter((t) => t.id.replace(/-/g, '').startsWith(digits));
  if (hits.length === 0) throw notFoundError(`no running terminal with an id starting ${text} (boocode terminal ls)`);
  if (hits.length > 1) {
    throw new CliError(ExitCode.Usage, `${text} is ambiguous; it starts these terminal ids (give more characters):\n${hits.map((t) => `  ${t.id} ${t.name}`).join('\n')}`);
  }
  return hits[0]!;
}

const terminalTable = (items: readonly Terminal[], paint: Paint) =>
  items.length === 0
    ? 'no terminals\n'
    : renderTable(
        items,
        [
          ['ID', (t) => shortId(t.id)],
          ['SESSION', (t) => shortId(t.session_id)],
          ['NAME', (t) => t.name],
          ['SIZE', (t) => `${t.cols}x${t.rows}`],
          ['CREATED', (t) => formatAge(t.created_at)],
          ['CWD', (t) => t.cwd],
        ],
        paint,
      );

/** grep's layout: `line:text` for a match, `line-text` for context, `--` between groups that do not touch. */
function searchText(r: TerminalSearchResult, paint: Paint): string {
  if (!r.matches.length) return `no matches in ${r.searched_lines} lines\n`;
  const out: string[] = [];
  let last = 0;
  for (const m of r.matches) {
    const first = m.line - m.before.length;
    if (last && first > last + 1) out.push(paint.dim('--'));
    m.before.forEach((l, i) => {
      if (first + i > last) out.push(`${paint.dim(`${first + i}-`)}${l}`);
    });
    if (m.line > last) out.push(`${paint.green(`${m.line}:`)}${m.text}`);
    m.after.forEach((l, i) => out.push(`${paint.dim(`${m.line + 1 + i}-`)}${l}`));
    last = m.line + m.after.length;
  }
  if (r.truncated) out.push(paint.dim(`(more matches: only the newest ${r.matches.length} are shown; raise --limit)`));
  return out.join('\n') + '\n';
}

const terminalArg = ['<terminal>', 'terminal id or a unique start of it (boocode terminal ls)'] as const;
const int = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw usageError(`${name} must be an integer from ${min} to ${max}, got "${v}"`);
  return n;
};

export function registerTerminals(program: Command): void {
  const group = withExamples(program.command('terminal').description("shells in tmux, in a session's worktree; they outlive a server restart"), [
    'boocode terminal new 1a2b3c4d',
    'boocode terminal attach 9f8e7d6c',
  ]);

  clientCommand(group.command('ls').description('running terminals, oldest first: all, or those of one session').argument('[session]', 'only this session (id or a unique start of it)'), [
    'boocode terminal ls',
    'boocode terminal ls 1a2b3c4d --json',
  ]).action(async (sessionText: string | undefined, opts: ClientOptions) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const list = sessionText
      ? await api.call('listTerminals', { params: { id: await resolve(api, sessionText, 'session') } })
      : await api.call('listAllTerminals');
    await printResult(mode, { data: list, human: (paint) => terminalTable(list.items, paint), ids: () => list.items.map((t) => t.id) });
  });

  clientCommand(
    group
      .command('new')
      .description("start a shell in the session's worktree (or its project directory)")
      .argument('<session>', 'session id or a unique start of it')
      .option('--name <name>', 'a name for the tab (default: the shell)')
      .option('--cols <n>', 'columns (default: this terminal, else 80)', int('--cols', 2, 1000))
      .option('--rows <n>', 'rows (default: this terminal, else 24)', int('--rows', 1, 500)),
    ['boocode terminal new 1a2b3c4d', 'boocode terminal new 1a2b --name tests -q'],
  ).action(async (sessionText: string, opts: ClientOptions & { name?: string; cols?: number; rows?: number }) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const id = await resolve(api, sessionText, 'session');
    const tty = process.stdout.isTTY ? { cols: process.stdout.columns, rows: process.stdout.rows } : { cols: 80, rows: 24 };
    const t = await api.call('createTerminal', {
      params: { id },
      body: { ...(opts.name ? { name: opts.name } : {}), cols: opts.cols ?? tty.cols, rows: opts.rows ?? tty.rows },
    });
    await printResult(mode, {
      data: t,
      human: (paint) => `${paint.bold(shortId(t.id))} ${t.name} in ${t.cwd}\nattach: boocode terminal attach ${shortId(t.id)}\n`,
      ids: () => [t.id],
    });
  });

  withExamples(
    addConnectionOptions(
      group
        .command('attach')
        .description('use the terminal from here (raw mode, follows resizes); Ctrl-] detaches and leaves it running')
        .argument(...terminalArg),
    ),
    ['boocode terminal attach 9f8e7d6c'],
  ).action(async (text: string, opts: ConnectionOptions) => {
    const { api, server } = await connect(opts);
    const t = await findTerminal(api, text);
    const { attachTerminal } = await import('../terminals/attach.js');
    process.exitCode = await attachTerminal({ api, server, terminal: t });
  });

  clientCommand(
    group
      .command('send')
      .description('type text into the terminal (literally), then press keys')
      .argument(...terminalArg)
      .argument('[text]', 'text to type; - reads it from stdin')
      .option('--key <key>', 'a tmux key pressed after the text: Enter, C-c, Up, F5... (repeat for several, in order)', collect)
      .option('--enter', 'press Enter after the text (same as --key Enter)'),
    ["boocode terminal send 9f8e 'npm test' --enter", 'boocode terminal send 9f8e --key C-c', 'cat script.sh | boocode terminal send 9f8e -'],
  ).action(async (text: string, input: string | undefined, opts: ClientOptions & { key?: string[]; enter?: boolean }) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const typed = input === undefined ? undefined : await promptText(input);
    const keys = [...(opts.key ?? []), ...(opts.enter ? ['Enter'] : [])];
    if (typed === undefined && keys.length === 0) throw usageError('give text to type, --key or --enter');
    const t = await findTerminal(api, text);
    await api.call('sendTerminalKeys', { params: { id: t.id }, body: { ...(typed !== undefined ? { text: typed } : {}), ...(keys.length ? { keys } : {}) } });
    await printResult(mode, { data: t, human: () => '', ids: () => [t.id] });
  });

  clientCommand(
    group
      .command('capture')
      .description('print the screen, and with --lines that much scrollback above it')
      .argument(...terminalArg)
      .option('--lines <n>', 'scrollback lines above the screen', int('--lines', 0, 1_000_000))
      .option('--escapes', 'keep colours and attributes (escape sequences)'),
    ['boocode terminal capture 9f8e', 'boocode terminal capture 9f8e --lines 1000 > log.txt'],
  ).action(async (text: string, opts: ClientOptions & { lines?: number; escapes?: boolean }) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const t = await findTerminal(api, text);
    const cap = await api.call('captureTerminal', { params: { id: t.id }, query: { lines: opts.lines ?? 0, escapes: opts.escapes ?? false } });
    await printResult(mode, { data: cap, human: () => (cap.text ? `${cap.text}\n` : ''), ids: () => [t.id] });
  });

  clientCommand(
    group
      .command('search')
      .description("regex search (RE2) over the terminal's output, with line numbers and context, as grep prints them")
      .argument(...terminalArg)
      .argument('<pattern>', 'an RE2 regular expression (no backreferences or lookarounds)')
      .option('-i, --ignore-case', 'ignore case')
      .option('-C, --context <n>', 'lines of context before and after each match (default 2)', int('--context', 0, 50))
      .option('--limit <n>', 'at most this many matches, the newest (default 100)', int('--limit', 1, 1000)),
    ["boocode terminal search 9f8e 'error|failed' -i", "boocode terminal search 9f8e '^FAIL' -C 0 --json"],
  ).action(async (text: string, pattern: string, opts: ClientOptions & { ignoreCase?: boolean; context?: number; limit?: number }) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const t = await findTerminal(api, text);
    const r = await api.call('searchTerminal', {
      params: { id: t.id },
      body: { pattern, ignore_case: opts.ignoreCase ?? false, ...(opts.context !== undefined ? { context: opts.context } : {}), ...(opts.limit ? { limit: opts.limit } : {}) },
    });
    await printResult(mode, { data: r, human: (paint) => searchText(r, paint), ids: () => r.matches.map((m) => String(m.line)) });
  });

  clientCommand(group.command('rename').description('rename a terminal (its tab in the web UI)').argument(...terminalArg).argument('<name>', 'the new name'), [
    'boocode terminal rename 9f8e7d6c "dev server"',
  ]).action(async (text: string, name: string, opts: ClientOptions) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const t = await api.call('renameTerminal', { params: { id: (await findTerminal(api, text)).id }, body: { name } });
    await printResult(mode, { data: t, human: () => `renamed terminal ${shortId(t.id)} to ${t.name}\n`, ids: () => [t.id] });
  });

  clientCommand(group.command('kill').description('kill the terminal: its shell and everything running in it').argument(...terminalArg), [
    'boocode terminal kill 9f8e7d6c',
  ]).action(async (text: string, opts: ClientOptions) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const t = await findTerminal(api, text);
    await api.call('killTerminal', { params: { id: t.id } });
    await printResult(mode, { data: t, human: () => `killed terminal ${shortId(t.id)} (${t.name})\n`, ids: () => [t.id] });
  });
}
