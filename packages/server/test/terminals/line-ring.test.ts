import { describe, expect, it } from 'vitest';
import { decodeOctal } from '../../src/terminals/control.js';
import { LineRing, MAX_LINE_CHARS } from '../../src/terminals/line-ring.js';

const feed = (ring: LineRing, ...chunks: (string | Buffer)[]) => {
  for (const c of chunks) ring.push(typeof c === 'string' ? Buffer.from(c, 'utf8') : c);
  return ring.toArray();
};

describe('line ring', () => {
  it('keeps lines as they were left on screen', () => {
    const ring = new LineRing(100);
    expect(
      feed(
        ring,
        '\x1b[1;32mgreen\x1b[0m plain\r\n',
        'progress 10%\rprogress 100%\r\n',
        'typo\b\bpo!\r\n',
        'abcdef\x1b[3D\x1b[K\r\n',
        '\x1b]0;window title\x07titled\r\n',
        'tab\there\r\n',
        '$ ',
      ),
    ).toEqual(['green plain', 'progress 100%', 'typo!', 'abc', 'titled', 'tab     here', '$ ']);
  });

  it('decodes UTF-8 and escape sequences split across chunks', () => {
    const ring = new LineRing(10);
    const bytes = Buffer.from('h\u00e9llo \u65e5\u672c\x1b[31m!\r\n', 'utf8');
    expect(feed(ring, ...Array.from(bytes, (b) => Buffer.from([b])))).toEqual(['h\u00e9llo \u65e5\u672c!', '']);
  });

  it('holds the last N lines and says when older ones were dropped', () => {
    const ring = new LineRing(3);
    feed(ring, '1\r\n2\r\n3\r\n');
    expect(ring.partialHistory).toBe(false);
    expect(feed(ring, '4\r\n5\r\nnow')).toEqual(['3', '4', '5', 'now']);
    expect(ring.partialHistory).toBe(true);
    ring.seed(['a', 'b', '$'], 2, true);
    expect(ring.partialHistory).toBe(false);
    expect(feed(ring, 'ls\r\n')).toEqual(['a', 'b', '$ ls', '']);
  });

  it('cuts runaway lines', () => {
    const ring = new LineRing(10);
    const [line] = feed(ring, 'x'.repeat(MAX_LINE_CHARS * 3), '\r\n');
    expect(line).toHaveLength(MAX_LINE_CHARS);
  });
});

describe('control mode output', () => {
  it('decodes octal escapes and leaves other bytes as they are', () => {
    expect(decodeOctal(Buffer.from('a\\015\\012\\134b\\033[0m\xc3\xa9', 'latin1'))).toEqual(Buffer.from('a\r\n\\b\x1b[0m\u00e9', 'utf8'));
    expect(decodeOctal(Buffer.from('trailing\\01', 'latin1')).toString('latin1')).toBe('trailing\\01');
  });
});
