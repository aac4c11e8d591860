import { describe, expect, it } from 'vitest';
import type { ToolCallView } from '../src/stream/sessionState';
import { toolDisplay, toolTitle } from '../src/chat/toolKinds';
import { segmentTurn } from '../src/chat/segments';
import { lineDiff } from '../src/diff/lineDiff';
import { parseAnsi } from '../src/chat/ansi';

const call = (name: string, input: Record<string, unknown>, over: Partial<ToolCallView> = {}): ToolCallView => ({
  traceId: `t-${name}`,
  toolCallId: 'c1',
  name,
  input,
  output: null,
  status: 'completed',
  error: null,
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: null,
  latencyMs: 40,
  turn: 1,
  ...over,
});

describe('tool calls by kind', () => {
  it("reads edits from every backend's tools as old and new text", () => {
    for (const c of [
      call('edit_file', { path: 'a.ts', old_string: 'x', new_string: 'y' }), // native
      call('edit', { filePath: 'a.ts', oldString: 'x', newString: 'y' }), // opencode
      call('Edit `a.ts`', { file_path: 'a.ts', old_string: 'x', new_string: 'y' }), // ACP, named by title
      call('mystery', { file_path: 'a.ts', old_string: 'x', new_string: 'y' }), // unknown name, edit-shaped input
    ]) {
      expect(toolDisplay(c)).toEqual({ kind: 'edit', path: 'a.ts', edits: [{ before: 'x', after: 'y' }] });
    }
    expect(toolDisplay(call('MultiEdit', { file_path: 'a.ts', edits: [{ old_string: 'a', new_string: 'b' }, { old_string: 'c', new_string: 'd' }] }))).toMatchObject({
      kind: 'edit',
      edits: [{ before: 'a', after: 'b' }, { before: 'c', after: 'd' }],
    });
    expect(toolTitle(call('edit', {}), toolDisplay(call('edit', { filePath: 'a.ts', oldString: 'x', newString: 'y' })))).toEqual({ verb: 'Edit', target: 'a.ts' });
  });

  it("shows BooCode's run_command as the command line, its output and its exit code, not JSON", () => {
    const output = JSON.stringify({ command: 'node', args: ['-e', 'process.exit(3)'], exit_code: 3, signal: null, stdout: 'hi\n', stderr: 'oops\n', truncated: false, timed_out: false, duration_ms: 812 }, null, 2);
    const d = toolDisplay(call('run_command', { command: 'node', args: ['-e', 'process.exit(3)'] }, { output }));
    expect(d).toEqual({
      kind: 'shell',
      commandLine: "node -e 'process.exit(3)'",
      description: null,
      exitCode: 3,
      signal: null,
      durationMs: 812,
      stdout: 'hi\n',
      stderr: 'oops\n',
      timedOut: false,
      truncated: false,
    });
    expect(toolTitle(call('run_command', {}), d)).toEqual({ verb: 'Run', target: "node -e 'process.exit(3)'" });
    // A timeout is a failure whose text starts with a sentence, then the same JSON.
    const timedOut = toolDisplay(call('run_command', { command: 'sleep', args: ['9'] }, { status: 'failed', error: `Command timed out after 10 ms and was killed.\n${output.replace('"timed_out": false', '"timed_out": true')}` }));
    expect(timedOut).toMatchObject({ kind: 'shell', exitCode: 3, timedOut: true });
  });

  it("reads opencode's and ACP agents' shell calls, with plain output", () => {
    expect(toolDisplay(call('bash', { command: 'ls -la', description: 'List files' }, { output: 'a\nb\n', latencyMs: 90 }))).toMatchObject({
      kind: 'shell',
      commandLine: 'ls -la',
      description: 'List files',
      exitCode: null,
      durationMs: 90,
      stdout: 'a\nb\n',
    });
    expect(toolDisplay(call('execute', { command: ['git', 'status'] }, { output: 'clean\nExit code: 1' }))).toMatchObject({ commandLine: 'git status', exitCode: 1 });
  });

  it('numbers read excerpts, lists search hits apart from notes, and falls back for unknown tools', () => {
    expect(toolDisplay(call('read_file', { path: 'a.md' }, { output: '1\t# A\n2\t\n3\ttext\n[4 more lines; continue with offset=4]\n' }))).toEqual({
      kind: 'read',
      path: 'a.md',
      lines: [
        { n: 1, text: '# A' },
        { n: 2, text: '' },
        { n: 3, text: 'text' },
      ],
      note: '[4 more lines; continue with offset=4]',
      raw: null,
    });
    // opencode numbers lines as "00001| text"; plain text is numbered from the offset.
    expect(toolDisplay(call('read', { filePath: 'b.ts', offset: 10 }, { output: 'x\ny' }))).toMatchObject({ lines: [{ n: 10, text: 'x' }, { n: 11, text: 'y' }] });
    expect(toolDisplay(call('grep', { pattern: 'TODO', path: 'src' }, { output: 'src/a.ts:3: TODO one\nsrc/b.ts:9: TODO two\n[stopped at 2 matches; narrow the search]' }))).toEqual({
      kind: 'search',
      pattern: 'TODO',
      path: 'src',
      results: ['src/a.ts:3: TODO one', 'src/b.ts:9: TODO two'],
      note: '[stopped at 2 matches; narrow the search]',
    });
    expect(toolDisplay(call('glob', { pattern: '**/*.md' }, { output: 'No files match "**/*.md" in ..' }))).toMatchObject({ results: [], note: 'No files match "**/*.md" in ..' });
    expect(toolDisplay(call('mcp__web__fetch_page', { url: 'https://x' }))).toEqual({ kind: 'other' });
    // A known name without the input it needs is not forced into that kind.
    expect(toolDisplay(call('bash', {}))).toEqual({ kind: 'other' });
  });
});

describe('segmentTurn', () => {
  const t = (id: string) => call(id, {}, { traceId: id });
  it("cuts the text at each call's offset: steps are blocks with the calls between them", () => {
    const text = 'Let me look first.\n\nNow I will edit.\n\n## Done';
    const segs = segmentTurn(text, [t('a'), t('b'), t('c')], { a: 18, b: 36, c: 36 });
    expect(segs.map((s) => (s.type === 'text' ? s.text : s.type === 'tools' ? s.tools.map((x) => x.traceId).join('+') : 'notices'))).toEqual([
      'Let me look first.',
      'a',
      '\n\nNow I will edit.',
      'b+c',
      '\n\n## Done',
    ]);
  });
  it('puts a notice where it came: after the calls started before it, before the text and calls after it', () => {
    const notice = (title: string, place: { at: number; tools: number } | null) => ({ severity: 'info', title, description: null, place });
    const text = 'Reading.\n\nNow the second.\n\nBoth read.';
    // Calls a and b came after 'Reading.' and after 'Now the second.'; the compaction came after b, with no text between.
    const segs = segmentTurn(text, [t('a'), t('b'), t('c')], { a: 8, b: 25, c: 25 }, [notice('old', null), notice('Context compacted', { at: 25, tools: 2 })]);
    expect(segs.map((s) => (s.type === 'text' ? s.text : s.type === 'tools' ? s.tools.map((x) => x.traceId).join('+') : s.notices.map((n) => n.title).join('+')))).toEqual([
      'old',
      'Reading.',
      'a',
      '\n\nNow the second.',
      'b',
      'Context compacted',
      'c',
      '\n\nBoth read.',
    ]);
  });
  it('puts calls without an offset first and offsets past the text at the end', () => {
    const segs = segmentTurn('hello', [t('old'), t('late')], { late: 99 });
    expect(segs.map((s) => s.type)).toEqual(['tools', 'text', 'tools']);
    expect(segmentTurn('', [], {})).toEqual([]);
  });
});

describe('lineDiff', () => {
  it('keeps common lines as context and marks removed and added ones', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nB\nc\nd\n').map((l) => `${l.kind}:${l.text}:${l.oldNo ?? '-'}:${l.newNo ?? '-'}`)).toEqual([
      'context:a:1:1',
      'del:b:2:-',
      'add:B:-:2',
      'context:c:3:3',
      'add:d:-:4',
    ]);
    expect(lineDiff('', 'new').map((l) => l.kind)).toEqual(['add']);
  });
});

describe('parseAnsi', () => {
  it('keeps colours and weight, and drops other escapes', () => {
    expect(parseAnsi('\u001b[1;31mFAIL\u001b[0m ok \u001b[2K\u001b[92mPASS\u001b[39m')).toEqual([
      { text: 'FAIL', fg: 1, bg: null, bold: true, dim: false, italic: false, underline: false },
      { text: ' ok ', fg: null, bg: null, bold: false, dim: false, italic: false, underline: false },
      { text: 'PASS', fg: 10, bg: null, bold: false, dim: false, italic: false, underline: false },
    ]);
    expect(parseAnsi('\u001b[38;5;200mx\u001b[38;5;4my')).toMatchObject([{ text: 'x', fg: null }, { text: 'y', fg: 4 }]);
  });
});
