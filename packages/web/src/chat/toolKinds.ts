import type { ToolCallView } from '../stream/sessionState';

/**
 * What a tool call is, read from its name and the shape of its input, so every backend's tools
 * (BooCode's native ones, opencode's, and whatever an ACP agent calls them) get the same card.
 */
export type ToolDisplay =
  | { kind: 'edit'; path: string | null; edits: { before: string; after: string }[] }
  | { kind: 'patch'; path: string | null; patch: string }
  | { kind: 'write'; path: string | null; content: string }
  | { kind: 'delete'; path: string | null }
  | {
      kind: 'shell';
      commandLine: string;
      description: string | null;
      exitCode: number | null;
      signal: string | null;
      durationMs: number | null;
      stdout: string;
      stderr: string;
      timedOut: boolean;
      truncated: boolean;
    }
  | { kind: 'read'; path: string | null; lines: { n: number; text: string }[]; note: string | null; raw: string | null }
  | { kind: 'search'; pattern: string | null; path: string | null; results: string[]; note: string | null }
  | { kind: 'other' };

type Input = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const first = (input: Input, keys: readonly string[]): string | null => {
  for (const k of keys) {
    const v = str(input[k]);
    if (v !== null) return v;
  }
  return null;
};

const PATH_KEYS = ['path', 'file_path', 'filePath', 'file', 'filename', 'absolute_path', 'target_file', 'notebook_path'];
const OLD_KEYS = ['old_string', 'oldString', 'old_str', 'old_text', 'oldText'];
const NEW_KEYS = ['new_string', 'newString', 'new_str', 'new_text', 'newText'];
const CONTENT_KEYS = ['content', 'contents', 'text', 'file_text'];
const COMMAND_KEYS = ['command', 'cmd', 'script'];
const PATTERN_KEYS = ['pattern', 'query', 'regex', 'glob', 'include'];

// Names agents give their tools, by kind. ACP agents often name a call by its title
// ("Edit src/a.ts", "Run npm test"): the first word is what is looked up.
const NAMES: Record<'edit' | 'patch' | 'write' | 'delete' | 'shell' | 'read' | 'search', readonly string[]> = {
  edit: ['edit', 'edit_file', 'multiedit', 'multi_edit', 'str_replace', 'str_replace_editor', 'replace', 'edit_block'],
  patch: ['patch', 'apply_patch', 'applypatch'],
  write: ['write', 'write_file', 'create', 'create_file', 'writefile'],
  delete: ['delete', 'delete_file', 'remove', 'rm_file'],
  shell: ['bash', 'shell', 'run', 'run_command', 'run_shell_command', 'exec', 'execute', 'terminal', 'command'],
  read: ['read', 'read_file', 'view', 'cat', 'open', 'read_many_files'],
  search: ['grep', 'glob', 'search', 'find', 'ls', 'list', 'list_dir', 'list_directory', 'search_file_content', 'codebase_search', 'file_search'],
};
const BY_NAME = new Map<string, keyof typeof NAMES>();
for (const [kind, names] of Object.entries(NAMES) as [keyof typeof NAMES, readonly string[]][]) {
  for (const n of names) BY_NAME.set(n, kind);
}

/** The kind a name says, ignoring MCP prefixes ("mcp__server__read_file") and title tails. */
function kindFromName(name: string): keyof typeof NAMES | null {
  const word = name.trim().split(/[\s(:`'"]/)[0]!.toLowerCase();
  const bare = word.includes('__') ? word.slice(word.lastIndexOf('__') + 2) : word;
  return BY_NAME.get(bare) ?? BY_NAME.get(bare.replace(/[-.]/g, '_')) ?? null;
}

/** Without a known name, the input's shape decides (an edit carries old and new text...). */
function kindFromInput(input: Input): keyof typeof NAMES | null {
  if (first(input, OLD_KEYS) !== null && first(input, NEW_KEYS) !== null) return 'edit';
  if (first(input, COMMAND_KEYS) !== null || Array.isArray(input.command)) return 'shell';
  if (first(input, PATH_KEYS) !== null && first(input, CONTENT_KEYS) !== null) return 'write';
  if (first(input, PATTERN_KEYS) !== null) return 'search';
  return null;
}

/** Quotes an argument only when a shell would need it, so the line reads as typed. */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

function commandLine(input: Input): string {
  const cmd = input.command ?? input.cmd ?? input.script;
  const args = Array.isArray(input.args) ? input.args.filter((a): a is string => typeof a === 'string') : [];
  if (Array.isArray(cmd)) return cmd.filter((a): a is string => typeof a === 'string').map(shellQuote).join(' ');
  if (typeof cmd !== 'string') return '';
  return args.length ? [cmd, ...args].map(shellQuote).join(' ') : cmd;
}

interface CommandResult {
  exit_code?: unknown;
  exitCode?: unknown;
  signal?: unknown;
  stdout?: unknown;
  stderr?: unknown;
  output?: unknown;
  duration_ms?: unknown;
  timed_out?: unknown;
  truncated?: unknown;
}

/** A structured command result (BooCode's run_command answers JSON), found at the start of a line. */
function parseCommandResult(text: string | null): CommandResult | null {
  if (!text) return null;
  const at = text.startsWith('{') ? 0 : text.indexOf('\n{') + 1;
  if (at < 0 || (at === 0 && !text.startsWith('{'))) return null;
  try {
    const v: unknown = JSON.parse(text.slice(at));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as CommandResult) : null;
  } catch {
    return null;
  }
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function shell(call: ToolCallView): ToolDisplay {
  const input = call.input;
  const parsed = parseCommandResult(call.output) ?? parseCommandResult(call.error);
  const plain = call.output ?? '';
  // Exit codes some agents print at the end of plain output ("Exit code: 2").
  const trailer = parsed ? null : /(?:^|\n)(?:exit code|exited with code|exit status)[:\s]+(-?\d+)\s*$/i.exec(plain);
  return {
    kind: 'shell',
    commandLine: commandLine(input),
    description: str(input.description),
    exitCode: parsed ? num(parsed.exit_code ?? parsed.exitCode) : trailer ? Number(trailer[1]) : null,
    signal: parsed ? str(parsed.signal) : null,
    durationMs: num(parsed?.duration_ms) ?? call.latencyMs,
    stdout: parsed ? (str(parsed.stdout) ?? str(parsed.output) ?? '') : plain,
    stderr: parsed ? (str(parsed.stderr) ?? '') : '',
    timedOut: parsed?.timed_out === true,
    truncated: parsed?.truncated === true,
  };
}

function edits(input: Input): { before: string; after: string }[] {
  const list = Array.isArray(input.edits) ? input.edits : [input];
  return list
    .filter((e): e is Input => !!e && typeof e === 'object')
    .map((e) => ({ before: first(e, OLD_KEYS) ?? '', after: first(e, NEW_KEYS) ?? '' }))
    .filter((e) => e.before !== '' || e.after !== '');
}

/** "12\ttext" and "  12→text" (line-numbered file excerpts); other lines stay notes. */
const NUMBERED = /^\s*(\d+)(?:\t|→|: |\| )(.*)$/;

function read(call: ToolCallView, path: string | null): ToolDisplay {
  const out = call.output ?? '';
  const rows = out.replace(/\n$/, '').split('\n');
  const lines: { n: number; text: string }[] = [];
  const notes: string[] = [];
  for (const row of rows) {
    const m = NUMBERED.exec(row);
    if (m) lines.push({ n: Number(m[1]), text: m[2]! });
    else if (row.trim() !== '' && !/^<\/?file>$/.test(row.trim())) notes.push(row);
  }
  // Output without line numbers (some agents send the bare text): number it from the offset.
  if (lines.length === 0 && out !== '' && !/^\(.* is empty\)$/.test(out.trim())) {
    const start = num(call.input.offset) ?? num(call.input.line) ?? 1;
    return { kind: 'read', path, lines: rows.map((text, i) => ({ n: start + i, text })), note: null, raw: null };
  }
  return { kind: 'read', path, lines, note: notes.length ? notes.join('\n') : null, raw: lines.length ? null : out || null };
}

function search(call: ToolCallView, path: string | null): ToolDisplay {
  const out = (call.output ?? '').replace(/\n$/, '');
  const rows = out === '' ? [] : out.split('\n');
  // Notes from the tool ("No matches…", "[stopped at 200 matches…]") are shown apart from results.
  const isNote = (r: string) => /^\[.*\]$/.test(r.trim()) || /^(no (files|matches)|\(.* is empty\))/i.test(r.trim());
  const notes = rows.filter(isNote);
  return {
    kind: 'search',
    pattern: first(call.input, PATTERN_KEYS),
    path,
    results: rows.filter((r) => !isNote(r) && r.trim() !== ''),
    note: notes.length ? notes.join('\n') : null,
  };
}

export function toolDisplay(call: ToolCallView): ToolDisplay {
  const input = call.input;
  const kind = kindFromName(call.name) ?? kindFromInput(input);
  const path = first(input, PATH_KEYS);
  switch (kind) {
    case 'edit': {
      const list = edits(input);
      if (list.length) return { kind: 'edit', path, edits: list };
      const patch = first(input, ['patch', 'diff', 'patchText', 'input']);
      return patch ? { kind: 'patch', path, patch } : { kind: 'other' };
    }
    case 'patch': {
      const patch = first(input, ['patch', 'diff', 'patchText', 'input']);
      return patch ? { kind: 'patch', path, patch } : { kind: 'other' };
    }
    case 'write': {
      const content = first(input, CONTENT_KEYS);
      return content !== null ? { kind: 'write', path, content } : { kind: 'other' };
    }
    case 'delete':
      return { kind: 'delete', path };
    case 'shell':
      return commandLine(input) ? shell(call) : { kind: 'other' };
    case 'read':
      return call.status === 'completed' ? read(call, path) : { kind: 'read', path, lines: [], note: null, raw: null };
    case 'search':
      return search(call, path);
    default:
      return { kind: 'other' };
  }
}

/** The card's one-line title: what was done to what, in words. */
export function toolTitle(call: ToolCallView, d: ToolDisplay): { verb: string; target: string | null } {
  switch (d.kind) {
    case 'edit':
    case 'patch':
      return { verb: 'Edit', target: d.path };
    case 'write':
      return { verb: 'Write', target: d.path };
    case 'delete':
      return { verb: 'Delete', target: d.path };
    case 'shell':
      return { verb: 'Run', target: d.commandLine };
    case 'read':
      return { verb: 'Read', target: d.path };
    case 'search':
      return { verb: /glob|find|ls|list/i.test(call.name) ? 'Find' : 'Search', target: [d.pattern, d.path && d.path !== '.' ? `in ${d.path}` : null].filter(Boolean).join(' ') || null };
    case 'other':
      return { verb: call.name, target: null };
  }
}
