/**
 * Source of the worker thread that runs grep's regex. It is plain JavaScript evaluated with
 * `new Worker(src, { eval: true })` so it needs no loader in any mode (built, tsx, vitest); the
 * point of the worker is that a catastrophic pattern can be killed with `terminate()`, which a
 * regex running on the main thread cannot.
 *
 * Each message is one job: { files: string[], source: string, flags: string, maxMatches: number,
 * maxFileBytes: number, maxLineChars: number }; each reply is { matches, truncated, skipped }.
 * The worker stays alive between jobs so a search does not pay thread start-up every time.
 */
export const GREP_WORKER_SOURCE = String.raw`
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
parentPort.on('message', ({ files, source, flags, maxMatches, maxFileBytes, maxLineChars }) => {
  const re = new RegExp(source, flags);
  const matches = [];
  let skipped = 0;
  let truncated = false;
  outer: for (const file of files) {
    let st;
    try { st = fs.lstatSync(file); } catch { skipped++; continue; }
    // Symlinks are never read: they could point outside the project root; nor are hard-linked
    // files, whose other names could be outside it.
    if (!st.isFile() || st.nlink > 1 || st.size > maxFileBytes) { skipped++; continue; }
    let buf;
    try { buf = fs.readFileSync(file); } catch { skipped++; continue; }
    if (buf.subarray(0, 8192).includes(0)) { skipped++; continue; }
    const lines = buf.toString('utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (!re.test(line)) continue;
      if (matches.length >= maxMatches) { truncated = true; break outer; }
      matches.push({ file, line: i + 1, text: line.length > maxLineChars ? line.slice(0, maxLineChars) + '…' : line });
    }
  }
  parentPort.postMessage({ matches, truncated, skipped });
});
`;
