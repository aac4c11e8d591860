import { describe, expect, it } from 'vitest';
import { ApiClientError } from '@boocode/client';
import { describeRefusal } from '../src/diff/refusals';
import { IMAGE_LIMITS, readImages, sniffImage } from '../src/chat/images';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
const file = (name: string, bytes: Uint8Array<ArrayBuffer> | number) => new File([typeof bytes === 'number' ? new Uint8Array(bytes).fill(0x89) : bytes], name);

describe('describeRefusal', () => {
  it('names the files of a merge conflict in words, without the code', () => {
    const err = new ApiClientError(409, 'merge_conflict', 'merging x into main conflicts in 2 file(s): a.ts, b.ts; nothing was changed', {
      files: ['a.ts', 'b.ts'],
      target_branch: 'main',
    });
    expect(describeRefusal('merge', err)).toEqual({
      text: "Not merged: the session's changes conflict with main in these 2 files. Nothing was changed. Ask the agent to rebase on main, or resolve the conflicts by hand.",
      files: ['a.ts', 'b.ts'],
    });
  });

  it("reads the files out of git's complaint when a patch no longer applies", () => {
    const output = 'error: patch failed: src/a.ts:3\nerror: src/a.ts: patch does not apply\nerror: docs/b.md: already exists in working directory\n';
    const r = describeRefusal('apply', new ApiClientError(409, 'patch_does_not_apply', 'the change does not apply', { output }));
    expect(r.files).toEqual(['src/a.ts', 'docs/b.md']);
    expect(r.text).toMatch(/^Not applied: the project has moved on/);
  });

  it('says why for a dirty project, a running turn, and errors that are not the API', () => {
    expect(describeRefusal('apply', new ApiClientError(409, 'dirty_project', 'x', { files: ['NOTES.md'] }))).toEqual({
      text: 'Not applied: the project has uncommitted edits in a file this change also touches. Commit or stash them first.',
      files: ['NOTES.md'],
    });
    expect(describeRefusal('reject', new ApiClientError(409, 'turn_running', 'x', { task_id: 't' })).text).toBe(
      'Not rejected: a turn of this session is running. Wait for it to finish, or stop it.',
    );
    expect(describeRefusal('merge', new Error('Failed to fetch'))).toEqual({ text: 'Could not merge: Failed to fetch.', files: [] });
  });
});

describe('images', () => {
  it('recognises formats by their first bytes, not by name', () => {
    expect(sniffImage(PNG)).toBe('image/png');
    expect(sniffImage(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImage(new TextEncoder().encode('GIF89a'))).toBe('image/gif');
    expect(sniffImage(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffImage(new TextEncoder().encode('<svg xmlns='))).toBeNull();
  });

  it('adds what fits and says why the rest was left out', async () => {
    const { added, problems } = await readImages(
      [file('a.png', PNG), file('fake.png', new TextEncoder().encode('hello')), file('huge.png', IMAGE_LIMITS.bytesEach + 1)],
      [],
    );
    expect(added.map((a) => [a.name, a.mime, a.data])).toEqual([['a.png', 'image/png', btoa(String.fromCharCode(...PNG))]]);
    expect(problems).toEqual(['fake.png is not a PNG, JPEG, GIF, WebP image.', 'huge.png is 5.0 MB; each image can be at most 5.0 MB.']);

    const full = Array.from({ length: IMAGE_LIMITS.count }, (_, i) => ({ ...added[0]!, id: `x${i}` }));
    expect((await readImages([file('one-more.png', PNG)], full)).problems).toEqual([
      `one-more.png was not added: a message takes at most ${IMAGE_LIMITS.count} images.`,
    ]);
  });
});
