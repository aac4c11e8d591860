import type { ToolOffsets } from '@boocode/contracts';
import type { NoticeView, ToolCallView } from '../stream/sessionState';

export type TurnSegment =
  | { type: 'text'; text: string; start: number }
  | { type: 'tools'; tools: ToolCallView[] }
  | { type: 'notices'; notices: NoticeView[]; key: string };

type Placed = { at: number; order: number } & ({ kind: 'tool'; tool: ToolCallView } | { kind: 'notice'; notice: NoticeView });

/**
 * A turn as the reader should see it: each step's text as its own block, with the tool calls
 * made between them in place, and the notices (a compaction within the turn) where they came:
 * after the calls started before them. Calls and notices without a recorded place (turns stored
 * before places were kept) come first, as they used to; places past the text (it was cut) go to the end.
 */
export function segmentTurn(content: string, tools: readonly ToolCallView[], offsets: ToolOffsets, notices: readonly NoticeView[] = []): TurnSegment[] {
  const out: TurnSegment[] = [];
  const placed: Placed[] = [];
  const unplacedNotices = notices.filter((n) => n.place === null);
  if (unplacedNotices.length) out.push({ type: 'notices', notices: unplacedNotices, key: 'first' });
  const unplaced: ToolCallView[] = [];
  tools.forEach((tool, order) => {
    const at = offsets[tool.traceId];
    if (at === undefined) unplaced.push(tool);
    else placed.push({ at: Math.min(at, content.length), order, kind: 'tool', tool });
  });
  if (unplaced.length) out.push({ type: 'tools', tools: unplaced });
  // A notice after `tools` calls sorts before the call of that index at the same place: it came first.
  for (const notice of notices) if (notice.place) placed.push({ at: Math.min(notice.place.at, content.length), order: notice.place.tools - 0.5, kind: 'notice', notice });
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
    if (p.kind === 'tool') {
      if (last?.type === 'tools') last.tools.push(p.tool);
      else out.push({ type: 'tools', tools: [p.tool] });
    } else if (last?.type === 'notices') last.notices.push(p.notice);
    else out.push({ type: 'notices', notices: [p.notice], key: `${p.at}:${p.order}` });
  }
  text(content.length);
  return out;
}
