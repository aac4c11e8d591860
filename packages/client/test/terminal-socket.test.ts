import { describe, expect, it } from 'vitest';
import { TerminalSocket, terminalStreamUrl, type BinaryWebSocketLike, type SocketStatus } from '@boocode/client';
import { ManualTimers } from '@boocode/testkit/fake-socket';

const TERMINAL = '00000000-0000-4000-8000-0000000000aa';
const hello = { type: 'hello', protocol: 1, server: '0.1.0', capabilities: [] };

/** A terminal socket the test drives: `receive` is the server sending, `sent` what the client sent. */
class FakeTerminalSocket implements BinaryWebSocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  binaryType = 'blob';
  readonly sent: (string | Uint8Array)[] = [];
  closed: number | null = null;
  constructor(readonly url: string) {}
  open(): void {
    this.onopen?.({});
  }
  receive(frame: object | ArrayBuffer): void {
    this.onmessage?.({ data: frame instanceof ArrayBuffer ? frame : JSON.stringify(frame) });
  }
  send(data: string | Uint8Array): void {
    this.sent.push(data);
  }
  close(code = 1000): void {
    if (this.closed !== null) return;
    this.closed = code;
    this.onclose?.({ code, reason: '' });
  }
  /** The server or the network ends the connection. */
  drop(code: number): void {
    this.closed = code;
    this.onclose?.({ code, reason: '' });
  }
}

function setup() {
  const sockets: FakeTerminalSocket[] = [];
  const timers = new ManualTimers();
  const events: string[] = [];
  const statuses: SocketStatus[] = [];
  const socket = new TerminalSocket({
    url: terminalStreamUrl('http://127.0.0.1:7345', TERMINAL),
    open: (url) => {
      const s = new FakeTerminalSocket(url);
      sockets.push(s);
      return s;
    },
    onSnapshot: (s) => events.push(`snapshot ${s.reason} ${s.cols}x${s.rows}`),
    onOutput: (b) => events.push(`output ${new TextDecoder().decode(b)}`),
    onResize: (s) => events.push(`resize ${s.cols}x${s.rows}`),
    onExit: (r) => events.push(`exit ${r}`),
    onError: (e) => events.push(`error ${e.code}`),
    onStatus: (s) => statuses.push(s),
    timers,
    backoff: { initialMs: 100, maxMs: 1000, random: () => 1 },
  });
  socket.start();
  const bytes = (s: string) => new TextEncoder().encode(s).buffer as ArrayBuffer;
  return { socket, sockets, timers, events, statuses, bytes };
}

describe('TerminalSocket', () => {
  it('builds the stream URL, starts live at the snapshot, and sends input as binary and resizes as JSON', () => {
    const t = setup();
    const ws = t.sockets[0]!;
    expect(ws.url).toBe(`ws://127.0.0.1:7345/api/terminals/${TERMINAL}/stream`);
    ws.open();
    ws.receive(hello);
    // Nothing is typed blind before the screen is there.
    expect(t.socket.write('early')).toBe(false);
    ws.receive({ type: 'snapshot', reason: 'attach', cols: 80, rows: 24 });
    ws.receive(t.bytes('$ '));
    expect(t.socket.connected).toBe(true);
    expect(t.socket.write('ls\r')).toBe(true);
    expect(t.socket.resize({ cols: 100, rows: 30 })).toBe(true);
    ws.receive({ type: 'resize', cols: 100, rows: 30 });
    ws.receive({ type: 'error', error: 'invalid_terminal_size', message: 'no' });
    // A message type this client does not know is a newer server's: ignored.
    ws.receive({ type: 'bell' });
    expect(ws.sent[0]).toEqual(new TextEncoder().encode('ls\r'));
    expect(JSON.parse(ws.sent[1] as string)).toEqual({ type: 'resize', cols: 100, rows: 30 });
    expect(t.events).toEqual(['snapshot attach 80x24', 'output $ ', 'resize 100x30', 'error invalid_terminal_size']);
    expect(t.statuses).toEqual(['connecting', 'live']);
  });

  it('reconnects after the network drops and starts again from a fresh snapshot', () => {
    const t = setup();
    t.sockets[0]!.open();
    t.sockets[0]!.receive({ type: 'snapshot', reason: 'attach', cols: 80, rows: 24 });
    t.sockets[0]!.drop(1006);
    expect(t.socket.write('lost')).toBe(false);
    expect(t.statuses.at(-1)).toBe('reconnecting');
    t.timers.runAll();
    expect(t.sockets).toHaveLength(2);
    t.sockets[1]!.open();
    t.sockets[1]!.receive({ type: 'snapshot', reason: 'attach', cols: 80, rows: 24 });
    t.sockets[1]!.receive(t.bytes('printed while away'));
    expect(t.events.slice(-2)).toEqual(['snapshot attach 80x24', 'output printed while away']);
    expect(t.statuses.at(-1)).toBe('live');
    // A slow-consumer drop reconnects too.
    t.sockets[1]!.receive({ type: 'exit', reason: 'slow_consumer' });
    t.sockets[1]!.drop(4008);
    t.timers.runAll();
    expect(t.sockets).toHaveLength(3);
  });

  it('stops for good when the terminal ends, and on 4401', () => {
    const t = setup();
    t.sockets[0]!.open();
    t.sockets[0]!.receive({ type: 'snapshot', reason: 'attach', cols: 80, rows: 24 });
    t.sockets[0]!.receive({ type: 'exit', reason: 'exited' });
    t.sockets[0]!.drop(4100);
    t.timers.runAll();
    expect(t.sockets).toHaveLength(1);
    expect(t.events.at(-1)).toBe('exit exited');
    expect(t.statuses.at(-1)).toBe('closed');

    const u = setup();
    u.sockets[0]!.drop(4401);
    u.timers.runAll();
    expect(u.sockets).toHaveLength(1);
    expect(u.statuses.at(-1)).toBe('unauthorized');
  });
});
