import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { z } from 'zod';
import { errorMessage, silentLogger, type AgentLogger } from '../external/logger.js';

/**
 * The parts of the daemon's WebSocket protocol BooCode follows: after a `hello`, the daemon pushes
 * every agent's stream events (`agent_stream`), the same structured events its own app renders.
 * Only what a turn needs is parsed; everything else passes through untouched.
 */

const ToolCallItem = z.looseObject({
  type: z.literal('tool_call'),
  callId: z.string(),
  name: z.string(),
  status: z.enum(['running', 'completed', 'failed', 'canceled']),
  detail: z.unknown().optional(),
  error: z.unknown().optional(),
});

const TimelineItem = z.union([
  z.looseObject({ type: z.literal('assistant_message'), text: z.string() }),
  z.looseObject({ type: z.literal('reasoning'), text: z.string() }),
  z.looseObject({ type: z.literal('error'), message: z.string() }),
  ToolCallItem,
  z.looseObject({ type: z.string() }),
]);
export type PaseoTimelineItem = z.infer<typeof TimelineItem>;

export const PaseoStreamEvent = z.union([
  z.looseObject({ type: z.literal('turn_started') }),
  z.looseObject({ type: z.literal('turn_completed'), usage: z.unknown().optional() }),
  z.looseObject({ type: z.literal('turn_failed'), error: z.string(), code: z.string().optional(), diagnostic: z.string().optional() }),
  z.looseObject({ type: z.literal('turn_canceled'), reason: z.string() }),
  z.looseObject({ type: z.literal('timeline'), item: TimelineItem }),
  z.looseObject({ type: z.literal('permission_requested'), request: z.looseObject({ id: z.string().optional(), name: z.string().optional(), title: z.string().optional() }) }),
  z.looseObject({ type: z.string() }),
]);
export type PaseoStreamEvent = z.infer<typeof PaseoStreamEvent>;

const Outbound = z.looseObject({
  type: z.literal('session'),
  message: z.looseObject({
    type: z.string(),
    payload: z.unknown().optional(),
  }),
});

const AgentStreamPayload = z.looseObject({ agentId: z.string(), event: z.unknown() });

/** The protocol version the daemon's own CLI speaks. */
const PROTOCOL_VERSION = 1;

/**
 * One connection to the daemon, open for the length of one turn. Events of agents not yet
 * known (the first turn's agent is created after the connection opens) are kept until `follow`
 * names the agent, so nothing between creation and `follow` is lost.
 */
export class PaseoStream {
  private readonly ws: WebSocket;
  private agentId: string | null = null;
  private readonly early: { agentId: string; event: PaseoStreamEvent }[] = [];
  private listener: ((e: PaseoStreamEvent) => void) | null = null;
  private closedWith: string | null = null;
  private onClosed: ((reason: string) => void) | null = null;

  private constructor(ws: WebSocket, private readonly logger: AgentLogger) {
    this.ws = ws;
    ws.on('message', (data) => this.receive(String(data)));
    ws.on('close', () => this.closed('the Paseo daemon closed the connection'));
    ws.on('error', (err) => this.closed(`connection to the Paseo daemon failed: ${errorMessage(err)}`));
  }

  /** Connects to `host` (`host:port`) and says hello; rejects when the daemon does not answer. */
  static open(host: string, opts: { timeoutMs: number; logger?: AgentLogger }): Promise<PaseoStream> {
    const logger = opts.logger ?? silentLogger;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://${host}/ws`, { handshakeTimeout: opts.timeoutMs });
      const fail = (err: Error): void => reject(new Error(`cannot connect to the Paseo daemon at ${host}: ${errorMessage(err)}`));
      ws.once('error', fail);
      ws.once('open', () => {
        ws.off('error', fail);
        ws.send(JSON.stringify({ type: 'hello', clientId: `boocode-${randomUUID()}`, clientType: 'cli', protocolVersion: PROTOCOL_VERSION }));
        resolve(new PaseoStream(ws, logger));
      });
    });
  }

  /** Delivers the agent's events (those already received first) to `listener`. */
  follow(agentId: string, listener: (e: PaseoStreamEvent) => void, onClosed: (reason: string) => void): void {
    this.agentId = agentId;
    this.listener = listener;
    this.onClosed = onClosed;
    for (const e of this.early.splice(0)) if (e.agentId === agentId) listener(e.event);
    if (this.closedWith) onClosed(this.closedWith);
  }

  close(): void {
    this.listener = null;
    this.onClosed = null;
    this.ws.close();
  }

  private closed(reason: string): void {
    if (this.closedWith) return;
    this.closedWith = reason;
    this.onClosed?.(reason);
  }

  private receive(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    const msg = Outbound.safeParse(json);
    if (!msg.success || msg.data.message.type !== 'agent_stream') return;
    const payload = AgentStreamPayload.safeParse(msg.data.message.payload);
    const event = payload.success ? PaseoStreamEvent.safeParse(payload.data.event) : null;
    if (!payload.success || !event?.success) {
      this.logger.debug({ text: text.slice(0, 300) }, 'paseo: stream message not understood');
      return;
    }
    if (this.agentId === null) this.early.push({ agentId: payload.data.agentId, event: event.data });
    else if (payload.data.agentId === this.agentId) this.listener?.(event.data);
  }
}
