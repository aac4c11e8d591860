import { dataUrl, sentImages } from './images';
import { useLightbox } from './Lightbox';

/**
 * The images of a user message: thumbnails that open full size when this tab sent them, else
 * how many there were (the stored message keeps only their count).
 */
export function MessageImages({ messageId, count }: { messageId: string; count: number }) {
  const lightbox = useLightbox();
  const images = sentImages(messageId);
  if (!images) {
    return count > 0 ? <p className="message__images-note">{count === 1 ? '1 image attached' : `${count} images attached`}</p> : null;
  }
  return (
    <ul className="message__images" aria-label="Images">
      {images.map((img) => (
        <li key={img.id}>
          <button type="button" className="image-strip__thumb" onClick={() => lightbox.open(img)} aria-label={`View ${img.name}`}>
            <img src={dataUrl(img)} alt="" />
          </button>
        </li>
      ))}
      {lightbox.view}
    </ul>
  );
}
