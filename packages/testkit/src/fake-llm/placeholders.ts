import { messageText, type ChatMessage } from './request.js';
import type { ParsedTurn } from './script.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const PLACEHOLDER = /\{\{tool_uuid:(\d+)\}\}/g;
const HAS_PLACEHOLDER = /\{\{tool_uuid:\d+\}\}/;

/**
 * Fills `{{tool_uuid:N}}` in a turn's tool-call arguments with the Nth distinct UUID (0-based, in
 * order of first appearance) in the request's tool results, so a script can pass on an id the
 * server made up (a spawned subagent's). A placeholder without such a UUID is left as it is.
 */
export function fillPlaceholders(turn: ParsedTurn, messages: ChatMessage[]): ParsedTurn {
  if (!turn.toolCalls?.some((c) => HAS_PLACEHOLDER.test(JSON.stringify(c.arguments)))) return turn;
  const seen: string[] = [];
  for (const m of messages) {
    if (m.role !== 'tool') continue;
    for (const id of messageText(m).match(UUID) ?? []) if (!seen.includes(id)) seen.push(id);
  }
  const fill = (s: string) => s.replace(PLACEHOLDER, (whole, n: string) => seen[Number(n)] ?? whole);
  return {
    ...turn,
    toolCalls: turn.toolCalls.map((c) => ({
      ...c,
      arguments: typeof c.arguments === 'string' ? fill(c.arguments) : (JSON.parse(fill(JSON.stringify(c.arguments))) as Record<string, unknown>),
    })),
  };
}
