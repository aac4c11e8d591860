import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCheckCommand } from '@boocode/agents';
import { makeRepo } from '../tools/repo.js';
import { ofType, runTurn, useLlmAndRepo } from './harness.js';

const env = useLlmAndRepo();

/** A check that fails while src/a.ts contains BROKEN, printing a compiler-like error. */
const CHECK = [
  process.execPath,
  '-e',
  "const s = require('fs').readFileSync('src/a.ts', 'utf8'); if (s.includes('BROKEN')) { console.error('src/a.ts(1,1): error TS2304: BROKEN is not defined'); process.exit(2); }",
];

async function projectConfig(config: Record<string, unknown>): Promise<void> {
  await mkdir(path.join(env.repo.root, '.boocode'), { recursive: true });
  await writeFile(path.join(env.repo.root, '.boocode/config.json'), JSON.stringify(config));
}

const NOTE = '[BooCode check-after-write]';
const hasNote = (i: number): boolean =>
  env.llm.requests[i]!.messages.some((m) => m.role === 'user' && typeof m.content === 'string' && m.content.includes(NOTE));

describe('check after write', () => {
  it('runs the check after a writing step and feeds a failure into the next steps as a note', async () => {
    await projectConfig({ check: CHECK });
    env.llm.push(
      { toolCalls: [{ id: 'w', name: 'write_file', arguments: { path: 'src/a.ts', content: 'BROKEN\n' } }] },
      { toolCalls: [{ id: 'r', name: 'read_file', arguments: { path: 'src/a.ts' } }] },
      { text: 'I see the error.' },
    );
    const { result, events } = await runTurn(env.llm, env.repo.root);
    expect(result).toMatchObject({ ok: true, stop_reason: 'end_turn' });
    expect(hasNote(0)).toBe(false);
    expect(hasNote(1)).toBe(true);
    // The note stays in the conversation for later steps, right after the step that caused it.
    expect(hasNote(2)).toBe(true);
    const msgs = env.llm.requests[2]!.messages;
    const noteAt = msgs.findIndex((m) => typeof m.content === 'string' && m.content.includes(NOTE));
    expect(msgs[noteAt - 1]).toMatchObject({ role: 'tool', tool_call_id: 'w' });
    expect(String(msgs[noteAt]?.content)).toContain('error TS2304: BROKEN is not defined');

    const check = ofType(events, 'tool_call').filter((c) => c.name === 'check');
    expect(check).toHaveLength(1);
    expect(check[0]?.input).toEqual({ command: CHECK });
    const update = ofType(events, 'tool_update').find((u) => u.id === check[0]?.id);
    expect(update).toMatchObject({ status: 'failed', error: expect.stringContaining('exit 2') });
  });

  it('adds no note when the check passes, and runs no check after read-only steps', async () => {
    await projectConfig({ check: CHECK });
    env.llm.push(
      { toolCalls: [{ name: 'read_file', arguments: { path: 'README.md' } }] },
      { toolCalls: [{ name: 'write_file', arguments: { path: 'src/a.ts', content: 'fine\n' } }] },
      { text: 'done' },
    );
    const { events } = await runTurn(env.llm, env.repo.root);
    expect([0, 1, 2].map(hasNote)).toEqual([false, false, false]);
    const checks = ofType(events, 'tool_call').filter((c) => c.name === 'check');
    expect(checks).toHaveLength(1);
    expect(ofType(events, 'tool_update').find((u) => u.id === checks[0]?.id)?.status).toBe('completed');
  });

  it('can be switched off by the project or by the agent config', async () => {
    const script = () =>
      env.llm.push({ toolCalls: [{ name: 'write_file', arguments: { path: 'src/a.ts', content: 'BROKEN\n' } }] }, { text: 'done' });
    await projectConfig({ check: CHECK, check_after_write: false });
    script();
    const off = await runTurn(env.llm, env.repo.root);
    expect(ofType(off.events, 'tool_call').some((c) => c.name === 'check')).toBe(false);
    expect(hasNote(1)).toBe(false);

    await projectConfig({ check: CHECK });
    script();
    const agentOff = await runTurn(env.llm, env.repo.root, 'hi', { checkAfterWrite: false });
    expect(ofType(agentOff.events, 'tool_call').some((c) => c.name === 'check')).toBe(false);
  });

  it('ignores an invalid project config instead of failing the turn', async () => {
    await projectConfig({ check: 'npm run typecheck' });
    env.llm.push({ toolCalls: [{ name: 'write_file', arguments: { path: 'src/a.ts', content: 'BROKEN\n' } }] }, { text: 'done' });
    const { result, events } = await runTurn(env.llm, env.repo.root);
    expect(result.ok).toBe(true);
    expect(ofType(events, 'tool_call').some((c) => c.name === 'check')).toBe(false);
  });

  it('reports a check that runs past its timeout as failed', async () => {
    await projectConfig({ check: [process.execPath, '-e', 'setTimeout(() => {}, 20000)'] });
    env.llm.push({ toolCalls: [{ name: 'write_file', arguments: { path: 'x.txt', content: 'x' } }] }, { text: 'done' });
    const { events } = await runTurn(env.llm, env.repo.root, 'hi', { checkTimeoutMs: 300 });
    expect(hasNote(1)).toBe(true);
    const check = ofType(events, 'tool_call').find((c) => c.name === 'check');
    expect(ofType(events, 'tool_update').find((u) => u.id === check?.id)?.error).toContain('timed out');
  }, 10_000);
});

describe('resolveCheckCommand', () => {
  const pkg = (scripts: Record<string, string>) => writeFile(path.join(env.repo.root, 'package.json'), JSON.stringify({ scripts }));

  it('prefers the config check, then typecheck, then build, with the lockfile package manager', async () => {
    expect(await resolveCheckCommand(env.repo.root, {})).toBeNull();
    await pkg({ build: 'tsc', typecheck: 'tsc --noEmit' });
    expect(await resolveCheckCommand(env.repo.root, {})).toEqual(['npm', 'run', 'typecheck']);
    await pkg({ build: 'tsc' });
    expect(await resolveCheckCommand(env.repo.root, {})).toEqual(['npm', 'run', 'build']);
    await writeFile(path.join(env.repo.root, 'pnpm-lock.yaml'), '');
    expect(await resolveCheckCommand(env.repo.root, {})).toEqual(['pnpm', 'run', 'build']);
    expect(await resolveCheckCommand(env.repo.root, { check: ['make', 'check'] })).toEqual(['make', 'check']);
    await pkg({ test: 'vitest' });
    expect(await resolveCheckCommand(env.repo.root, {})).toBeNull();
  });

  it('detects yarn and bun lockfiles', async () => {
    await pkg({ typecheck: 'tsc' });
    await writeFile(path.join(env.repo.root, 'yarn.lock'), '');
    expect(await resolveCheckCommand(env.repo.root, {})).toEqual(['yarn', 'run', 'typecheck']);
    await env.repo.cleanup();
    env.repo = await makeRepo({ 'package.json': JSON.stringify({ scripts: { typecheck: 'tsc' } }), 'bun.lock': '' });
    expect(await resolveCheckCommand(env.repo.root, {})).toEqual(['bun', 'run', 'typecheck']);
  });
});
