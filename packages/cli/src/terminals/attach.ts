import type { ApiClient, BinaryWebSocketLike } from '@boocode/client';
import { ApiClientError, TerminalSocket, terminalStreamUrl } from '@boocode/client';
import type { ServerConnection } from '@boocode/client/node';
import type { Terminal } from '@boocode/contracts';
import { ExitCode, usageError } from '../exit-codes.js';
import { shortId } from '../ids.js';

/** Ctrl-]: detaches, as in telnet; every other byte goes to the terminal. */
const DETACH = 0x1d;

/** Modes a program in the terminal may have left set on this one: reset on the way out. */
const RESTORE = '\x1b[0m\x1b[?25h\x1b[?1l\x1b[?1049l\x1b[?2004l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l';

/**
 * Uses the terminal from this one until Ctrl-], the end of the terminal, or a refusal: stdin in raw mode
 * goes out byte for byte, the output comes back as it is, and this terminal's size is the remote one's
 * (asked for on attach and whenever the window changes). Resolves with the exit code.
 */
export async function attachTerminal({ api, server, terminal }: { api: ApiClient; server: ServerConnection; terminal: Terminal }): Promise<number> {
  const stdin = process.stdin;
  const stdout = process.stdout;
  if (!stdin.isTTY || !stdout.isTTY) throw usageError('attach needs a terminal on stdin and stdout; in scripts use `boocode terminal send` and `capture`');
  // Node 20 has no global WebSocket, and the token goes in a header.
  const { default: WebSocket } = await import('ws');
  const note = (text: string) => process.stderr.write(`\r\n\x1b[2m[boocode] ${text}\x1b[0m\r\n`);
  const size = () => ({ cols: Math.max(2, Math.min(1000, stdout.columns)), rows: Math.max(1, Math.min(500, stdout.rows)) });

  return new Promise<number>((done) => {
    let finished = false;
    const finish = (code: number, message: string) => {
      if (finished) return;
      finished = true;
      socket.stop();
      stdin.off('data', onInput);
      stdin.off('end', onEnd);
      stdout.off('resize', onResize);
      stdin.setRawMode(false);
      stdin.pause();
      stdout.write(RESTORE);
      note(message);
      done(code);
    };
    const socket = new TerminalSocket({
      url: terminalStreamUrl(server.baseUrl, terminal.id),
      open: (url) => new WebSocket(url, { headers: { authorization: `Bearer ${server.token}` } }) as unknown as BinaryWebSocketLike,
      onSnapshot: ({ cols, rows }) => {
        // The snapshot repaints scrollback and screen from a clean screen; its scrollback scrolls into ours.
        stdout.write('\x1b[0m\x1b[H\x1b[2J');
        const want = size();
        if (want.cols !== cols || want.rows !== rows) socket.resize(want);
      },
      onOutput: (bytes) => stdout.write(bytes),
      onExit: (reason) => finish(ExitCode.Ok, reason === 'killed' ? `terminal ${shortId(terminal.id)} was killed` : `the shell of terminal ${shortId(terminal.id)} exited`),
      onError: (e) => note(e.message),
      onStatus: (status) => {
        if (status === 'unauthorized') finish(ExitCode.Refused, 'unauthorized: the server refused the token');
        if (status !== 'reconnecting' || finished) return;
        note('connection lost; reconnecting (Ctrl-] to give up)');
        // A terminal that is gone for good is refused before the upgrade: stop instead of retrying.
        api.call('getTerminal', { params: { id: terminal.id } }).catch((err: unknown) => {
          if (err instanceof ApiClientError && err.status === 404) finish(ExitCode.NotFound, `terminal ${shortId(terminal.id)} no longer exists`);
        });
      },
    });
    const onInput = (chunk: Buffer) => {
      const cut = chunk.indexOf(DETACH);
      if (cut === -1) return void socket.write(chunk);
      if (cut > 0) socket.write(chunk.subarray(0, cut));
      finish(ExitCode.Ok, `detached; the terminal keeps running (boocode terminal attach ${shortId(terminal.id)})`);
    };
    const onResize = () => socket.resize(size());
    const onEnd = () => finish(ExitCode.Ok, `input closed; detached, the terminal keeps running`);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onInput);
    stdin.once('end', onEnd);
    stdout.on('resize', onResize);
    process.stderr.write(`\x1b[2m[boocode] attached to ${terminal.name} (${shortId(terminal.id)}); Ctrl-] detaches\x1b[0m\r\n`);
    socket.start();
  });
}
