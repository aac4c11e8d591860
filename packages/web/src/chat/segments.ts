import type { ToolOffsets } from '@boocode/contracts';
import type { ToolCallView } from '../stream/sessionState';

export type TurnSegment = { type: 'text'; text: string; start: number } | { type: 'tools'; tools: ToolCallView[] };

/**
 * A turn as the reader should see it: each step's text as its own block, with the tool calls
 * made between them in place. Calls without a recorded offset (turns stored before offsets
 * were kept) come first, as they used to; offsets past the text (it was cut) go to the end.
 */
export function segmentTurn(content: string, tools: readonly ToolCallView[], offsets: ToolOffsets): TurnSegment[] {
  const out: TurnSegment[] = [];
  const placed: { at: number; tool: ToolCallView; order: number }[] = [];
  const unplaced: ToolCallView[] = [];
  tools.forEach((tool, order) => {
    const at = offsets[tool.traceId];
    if (at === undefined) unplaced.push(tool);
    else placed.push({ at: Math.min(at, content.length), tool, order });
  });
  if (unplaced.length) out.push({ type: 'tools', tools: unplaced });
  placed.sort((a, b) => a.at - b.at || a.order - b.order);
  let pos = 0;
  const text = (end: number) => {
    const slice = content.slice(pos, end);
    if (slice.trim() !== '') out.push({ type: 'text', text: slice, start: pos });
    pos = end;
  };
  for (const p of placed) {
    text(p.at);
    const last = out.at(-1);
    if (last?.type === 'tools') last.tools.push(p.tool);
    else out.push({ type: 'tools', tools: [p.tool] });
  }
  text(content.length);
  return out;
}
