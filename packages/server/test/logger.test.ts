import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';

function capture(): { stream: Writable; text: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  return { stream, text: () => out };
}

describe('logger', () => {
  it('writes one readable line per entry, with its level and ids, for a terminal', () => {
    const { stream, text } = capture();
    const log = createLogger({ pretty: true, destination: stream });
    log.info({ session_id: 's-1' }, 'session created');
    log.warn('binding a non-loopback address');
    log.debug('not shown at info');
    const plain = text().replace(/\x1b\[[0-9;]*m/g, '');
    expect(plain).toMatch(/INFO.*session created/);
    expect(plain).toContain('session_id: "s-1"');
    expect(plain).toMatch(/WARN.*binding a non-loopback address/);
    expect(plain).not.toContain('not shown');
    expect(plain).not.toContain('{"level"');
  });

  it('writes JSON lines otherwise', () => {
    const { stream, text } = capture();
    createLogger({ destination: stream }).info({ task_id: 't-1' }, 'turn finished');
    expect(JSON.parse(text().trim())).toMatchObject({ level: 30, task_id: 't-1', msg: 'turn finished' });
  });
});
