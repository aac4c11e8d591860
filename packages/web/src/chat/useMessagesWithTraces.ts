import { useMemo, useRef } from 'react';
import type { TurnUsage } from '@boocode/contracts';
import { mergeToolCalls } from '../stream/fromApi';
import { traceKey, type SessionState, type UiMessage } from '../stream/sessionState';

/**
 * The chat's messages with each turn's fetched tool calls merged in, and the messages whose
 * calls still have to be fetched. Merged messages are cached per (message, fetched list) so
 * rows that did not change keep their identity and skip re-rendering while others stream.
 */
export function useMessagesWithTraces(
  chatId: string,
  messages: UiMessage[],
  traces: SessionState['traces'],
  usage: TurnUsage[] | undefined,
  inFlightMessageIds: ReadonlySet<string>,
): { messages: UiMessage[]; needTraces: ReadonlySet<string> } {
  const cache = useRef(new WeakMap<UiMessage, { fetched: unknown; merged: UiMessage }>());
  return useMemo(() => {
    const toolCalls = new Map(usage?.map((u) => [u.message_id, u.tool_calls]) ?? []);
    const need = new Set<string>();
    const out = messages.map((m) => {
      if (m.role !== 'assistant' || m.turn === null) return m;
      const fetched = traces[traceKey(chatId, m.turn)];
      if (!fetched) {
        const expected = toolCalls.get(m.id) ?? 0;
        // A turn in flight has no usage row yet: its calls from before we connected are fetched.
        if (expected > m.tools.length || (inFlightMessageIds.has(m.id) && m.tools.length === 0)) need.add(m.id);
        return m;
      }
      const hit = cache.current.get(m);
      if (hit && hit.fetched === fetched.items) return hit.merged;
      const merged = { ...m, tools: mergeToolCalls(m.tools, fetched.items) };
      cache.current.set(m, { fetched: fetched.items, merged });
      return merged;
    });
    return { messages: out, needTraces: need };
  }, [chatId, messages, traces, usage, inFlightMessageIds]);
}
