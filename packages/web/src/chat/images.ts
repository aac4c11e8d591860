import type { MessageImage } from '@boocode/contracts';

/**
 * Images attached in the composer. The API takes up to 16 image parts (base64, image/* type)
 * in a request body of at most 32 MB; base64 grows data by a third, so the limits here keep a
 * message well inside that, and say so before anything is sent.
 */
export const IMAGE_LIMITS = {
  count: 8,
  bytesEach: 5 * 1024 * 1024,
  bytesTotal: 20 * 1024 * 1024,
};

/** Formats the API and vision models take, recognised by their first bytes, not by file name. */
const SIGNATURES: { mime: string; label: string; test: (b: Uint8Array) => boolean }[] = [
  { mime: 'image/png', label: 'PNG', test: (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 },
  { mime: 'image/jpeg', label: 'JPEG', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mime: 'image/gif', label: 'GIF', test: (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38 },
  {
    mime: 'image/webp',
    label: 'WebP',
    test: (b) => b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50,
  },
];

export const ACCEPTED_LABELS = SIGNATURES.map((s) => s.label).join(', ');

/** The image type of these bytes, or null when they are not one of the accepted formats. */
export function sniffImage(head: Uint8Array): string | null {
  return SIGNATURES.find((s) => s.test(head))?.mime ?? null;
}

export interface Attachment {
  id: string;
  name: string;
  mime: string;
  size: number;
  /** base64 of the bytes, as the API takes them. */
  data: string;
}

export const dataUrl = (a: Pick<Attachment, 'mime' | 'data'>) => `data:${a.mime};base64,${a.data}`;

export const formatBytes = (n: number) => (n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

let nextId = 0;

/**
 * Files to add to what is attached: the ones that fit, and a sentence for each that does not
 * (not an image, too big, one too many), so the reader knows before sending.
 */
export async function readImages(files: readonly File[], current: readonly Attachment[]): Promise<{ added: Attachment[]; problems: string[] }> {
  const added: Attachment[] = [];
  const problems: string[] = [];
  let total = current.reduce((n, a) => n + a.size, 0);
  for (const file of files) {
    const name = file.name || 'pasted image';
    if (current.length + added.length >= IMAGE_LIMITS.count) {
      problems.push(`${name} was not added: a message takes at most ${IMAGE_LIMITS.count} images.`);
      continue;
    }
    if (file.size > IMAGE_LIMITS.bytesEach) {
      problems.push(`${name} is ${formatBytes(file.size)}; each image can be at most ${formatBytes(IMAGE_LIMITS.bytesEach)}.`);
      continue;
    }
    if (total + file.size > IMAGE_LIMITS.bytesTotal) {
      problems.push(`${name} was not added: the images of one message can be at most ${formatBytes(IMAGE_LIMITS.bytesTotal)} together.`);
      continue;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const mime = sniffImage(bytes.subarray(0, 16));
    if (!mime) {
      problems.push(`${name} is not a ${ACCEPTED_LABELS} image.`);
      continue;
    }
    total += file.size;
    added.push({ id: `img${++nextId}`, name, mime, size: file.size, data: base64(bytes) });
  }
  return { added, problems };
}

/**
 * A sent message's images, fetched again by hash to attach them anew ("Edit and resend"), through
 * the same checks as a pasted file; one that cannot be fetched becomes a sentence instead.
 */
export async function reattachImages(images: readonly MessageImage[]): Promise<{ added: Attachment[]; problems: string[] }> {
  const files: File[] = [];
  const problems: string[] = [];
  await Promise.all(
    images.map(async (img, i) => {
      const name = `image ${i + 1}`;
      try {
        const res = await fetch(`/api/images/${img.sha256}`, { credentials: 'same-origin' });
        if (!res.ok) throw new Error(String(res.status));
        files[i] = new File([await res.blob()], name, { type: img.mime_type });
      } catch {
        problems[i] = `The original message's ${name} could not be loaded again; attach it once more if it is still needed.`;
      }
    }),
  );
  const read = await readImages(files.filter(Boolean), []);
  return { added: read.added, problems: [...problems.filter(Boolean), ...read.problems] };
}
