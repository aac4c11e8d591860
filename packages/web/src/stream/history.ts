import type { Message, MessagePage, SessionFrame } from '@boocode/contracts';
import { emptyLog, fromMetadata, toUiMessage, type ChatLog, type NoticeView, type SessionState, type UiMessage } from './sessionState';

/**
 * Merging REST history with what the stream already delivered. REST is authoritative for
 * finished messages. For a message still streaming, the copy holding the newer delta wins: the
 * stored one holds every delta up to its `content_seq`, the local one every delta up to its own
 * (the store lets deltas of a chat wait until its page is in, so a local copy has no holes and,
 * when ahead, also holds the stored text). Without `content_seq` (older servers) the longer
 * text wins, the database copy being a coalesced prefix of the streamed one.
 */
export function mergeMessage(local: UiMessage | undefined, rest: Message): UiMessage {
  if (!local) return toUiMessage(rest);
  if (rest.status !== 'streaming') return toUiMessage(rest, local);
  if (local.status !== 'streaming') return local;
  const merged = toUiMessage(rest, local);
  if (typeof rest.content_seq === 'number') {
    const ahead = typeof local.content_seq === 'number' && local.content_seq > rest.content_seq;
    return ahead ? { ...merged, content: local.content, reasoning: local.reasoning, content_seq: local.content_seq } : merged;
  }
  return {
    ...merged,
    content: local.content.length > rest.content.length ? local.content : rest.content,
    reasoning: local.reasoning.length > rest.reasoning.length ? local.reasoning : rest.reasoning,
  };
}

const time = (m: Message): number => {
  const t = Date.parse(m.started_at);
  return Number.isNaN(t) ? 0 : t;
};

/** Stable sort by start time: equal times keep their given order (REST order first). */
function byStart(messages: UiMessage[]): UiMessage[] {
  return messages
    .map((m, i) => ({ m, i, t: time(m) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.m);
}

/**
 * Merges the newest page of a chat. Older messages already loaded are kept when the page
 * joins up with them (its first message is one we hold); otherwise the page starts over.
 */
export function mergeLatestPage(log: ChatLog | undefined, page: MessagePage): ChatLog {
  const base = log ?? emptyLog();
  const local = new Map(base.messages.map((m) => [m.id, m]));
  const restIds = new Set(page.items.map((m) => m.id));
  const merged = page.items.map((m) => mergeMessage(local.get(m.id), m));
  const first = page.items[0];
  const joins = first !== undefined && local.has(first.id);
  const firstTime = first ? time(first) : Number.POSITIVE_INFINITY;
  const kept = base.messages.filter((m) => {
    if (restIds.has(m.id)) return false;
    // Older history we paged in before: keep only if contiguous with this page.
    if (time(m) < firstTime) return joins;
    // Newer than the page: the stream delivered it after the page was read.
    return true;
  });
  const keptOlder = joins && kept.some((m) => time(m) < firstTime);
  return {
    messages: byStart([...merged, ...kept]),
    olderCursor: keptOlder ? base.olderCursor : page.prev_cursor,
    loaded: true,
  };
}

/** Prepends an older page fetched with `before`. */
export function prependOlderPage(log: ChatLog | undefined, page: MessagePage): ChatLog {
  const base = log ?? emptyLog();
  const have = new Set(base.messages.map((m) => m.id));
  const older = page.items.filter((m) => !have.has(m.id)).map((m) => toUiMessage(m));
  return { messages: [...older, ...base.messages], olderCursor: page.prev_cursor, loaded: true };
}

/** Adds or refreshes one message (e.g. the user message returned by POST). */
export function upsertMessage(state: SessionState, m: Message): SessionState {
  const log = state.logs[m.chat_id] ?? { ...emptyLog(), loaded: true };
  const i = log.messages.findIndex((x) => x.id === m.id);
  const messages =
    i >= 0
      ? log.messages.map((x, j) => (j === i ? mergeMessage(x, m) : x))
      : byStart([...log.messages, toUiMessage(m)]);
  return { ...state, logs: { ...state.logs, [m.chat_id]: { ...log, messages } } };
}

/**
 * How many of `deltas` (in order) the stored text already ends with. After a snapshot the
 * refetched content may include the first deltas that follow the snapshot's seq; applying
 * them again would duplicate text at the seam. The longest match wins.
 */
export function seamOverlap(stored: string, deltas: readonly string[]): number {
  let best = 0;
  let joined = '';
  for (let j = 0; j < deltas.length; j++) {
    joined += deltas[j]!;
    if (joined.length > stored.length) break;
    if (joined.length > 0 && stored.endsWith(joined)) best = j + 1;
  }
  return best;
}

type DeltaFrame = Extract<SessionFrame, { type: 'message_delta' | 'reasoning_delta' }>;
type NoticeFrame = Extract<SessionFrame, { type: 'notice' }>;
const isDelta = (f: SessionFrame): f is DeltaFrame => f.type === 'message_delta' || f.type === 'reasoning_delta';

/** How many of `held` (in order) the end of `stored` already lists. The longest match wins. */
function listOverlap(stored: readonly NoticeView[], held: readonly NoticeFrame[]): number {
  const same = (n: NoticeView, f: NoticeFrame) => n.severity === f.severity && n.title === f.title && n.description === (f.description ?? null);
  for (let k = Math.min(stored.length, held.length); k > 0; k--) {
    const start = stored.length - k;
    if (held.slice(0, k).every((f, i) => same(stored[start + i]!, f))) return k;
  }
  return 0;
}

function groupBy<F extends SessionFrame>(frames: readonly F[], key: (f: F) => string): F[][] {
  const groups = new Map<string, F[]>();
  for (const f of frames) {
    const k = key(f);
    const g = groups.get(k);
    if (g) g.push(f);
    else groups.set(k, [f]);
  }
  return [...groups.values()];
}

const findMessage = (state: SessionState, chatId: string, messageId: string) =>
  state.logs[chatId]?.messages.find((x) => x.id === messageId);

/**
 * Drops the frames (held since a snapshot) that the refetched messages already contain. Deltas:
 * exactly, by seq, when the server says which delta the stored text ends with (`content_seq`);
 * by matching the text at the seam otherwise (older servers). Notices: those the stored
 * metadata already ends with (its write is not ordered with the text, so no seq tells).
 */
export function dropSeamOverlap(state: SessionState, frames: readonly SessionFrame[]): SessionFrame[] {
  const drop = new Set<SessionFrame>();
  for (const g of groupBy(frames.filter(isDelta), (f) => `${f.type}:${f.chat_id}:${f.message_id}`)) {
    const f0 = g[0]!;
    const m = findMessage(state, f0.chat_id, f0.message_id);
    if (!m || m.status !== 'streaming') continue;
    const storedUpTo = m.content_seq;
    if (typeof storedUpTo === 'number') {
      for (const f of g) if (f.seq <= storedUpTo) drop.add(f);
      continue;
    }
    const stored = f0.type === 'message_delta' ? m.content : m.reasoning;
    const n = seamOverlap(
      stored,
      g.map((f) => f.text),
    );
    for (const f of g.slice(0, n)) drop.add(f);
  }
  const notices = frames.filter((f): f is NoticeFrame => f.type === 'notice');
  for (const g of groupBy(notices, (f) => `${f.chat_id}:${f.message_id}`)) {
    const m = findMessage(state, g[0]!.chat_id, g[0]!.message_id);
    if (!m) continue;
    for (const f of g.slice(0, listOverlap(fromMetadata(m.metadata).notices, g))) drop.add(f);
  }
  return frames.filter((f) => !drop.has(f));
}
