import { MessageImageList } from '@boocode/contracts';
import { useLightbox } from './Lightbox';

/**
 * The images of a user message: thumbnails served by hash (the browser's login cookie authorises
 * them, and they are cached for good), each opening full size. Messages stored before images had
 * a table kept only their count, which is said instead.
 */
export function MessageImages({ images }: { images: unknown }) {
  const lightbox = useLightbox();
  const parsed = MessageImageList.safeParse(images);
  if (!parsed.success) {
    const count = typeof images === 'number' ? images : 0;
    return count > 0 ? <p className="message__images-note">{count === 1 ? '1 image attached' : `${count} images attached`}</p> : null;
  }
  if (parsed.data.length === 0) return null;
  return (
    <ul className="message__images" aria-label="Images">
      {parsed.data.map((img, i) => {
        const name = `Image ${i + 1}`;
        const src = `/api/images/${img.sha256}`;
        return (
          <li key={`${i}-${img.sha256}`}>
            <button type="button" className="image-strip__thumb" onClick={() => lightbox.open({ name, src })} aria-label={`View ${name.toLowerCase()}`}>
              <img src={src} alt="" />
            </button>
          </li>
        );
      })}
      {lightbox.view}
    </ul>
  );
}
