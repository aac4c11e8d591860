import type { ScriptedTurn } from '@boocode/testkit';

/**
 * A realistic tool loop for the benchmark: `steps - 1` model steps that each call a tool (cycling
 * through cheap read-only tools and one write), then a final text answer. Every step streams a
 * little reasoning and text so the SSE parsing path is exercised too.
 */
const TOOL_CYCLE: NonNullable<ScriptedTurn['toolCalls']>[] = [
  [{ name: 'list_dir', arguments: { path: 'src' } }],
  [{ name: 'read_file', arguments: { path: 'src/mod0.ts' } }],
  [{ name: 'grep', arguments: { pattern: 'export const v\\d+', path: 'src' } }],
  [{ name: 'glob', arguments: { pattern: '**/*.ts' } }],
  [
    { name: 'read_file', arguments: { path: 'src/mod1.ts', offset: 1, limit: 20 } },
    { name: 'read_file', arguments: { path: 'src/mod2.ts' } },
  ],
  [{ name: 'write_file', arguments: { path: 'notes/bench.md', content: '# bench\n'.repeat(20) } }],
];

export function tenStepScript(steps: number, chunkDelayMs: number): ScriptedTurn[] {
  const usage = { prompt_tokens: 2000, completion_tokens: 60, cached_tokens: 1500 };
  const turns: ScriptedTurn[] = [];
  for (let i = 0; i < steps - 1; i++) {
    turns.push({
      reasoning: ['Looking ', 'at the ', 'code.'],
      text: [`Step ${i + 1}: `, 'checking.'],
      toolCalls: TOOL_CYCLE[i % TOOL_CYCLE.length],
      usage,
      chunkDelayMs,
    });
  }
  turns.push({ text: ['All ', 'done. ', 'Summary: ', 'nothing to change.'], usage, chunkDelayMs });
  return turns;
}
