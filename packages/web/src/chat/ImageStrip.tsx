import { useRef } from 'react';
import { Icon } from '../ui/Icon';
import { IconButton } from '../ui/IconButton';
import { ACCEPTED_LABELS, dataUrl, formatBytes, IMAGE_LIMITS, type Attachment } from './images';
import { useLightbox } from './Lightbox';

/** Thumbnails of the images about to be sent, each removable, and why any file was not added. */
export function ImageStrip({ images, problems, onRemove }: { images: Attachment[]; problems: string[]; onRemove: (id: string) => void }) {
  const lightbox = useLightbox();
  if (images.length === 0 && problems.length === 0) return null;
  return (
    <div className="image-strip">
      {images.length > 0 ? (
        <ul className="image-strip__list" aria-label="Attached images">
          {images.map((img) => (
            <li key={img.id} className="image-strip__item">
              <button type="button" className="image-strip__thumb" onClick={() => lightbox.open({ name: img.name, src: dataUrl(img) })} aria-label={`View ${img.name}`}>
                <img src={dataUrl(img)} alt="" />
              </button>
              <span className="image-strip__size">{formatBytes(img.size)}</span>
              <IconButton icon="close" label={`Remove ${img.name}`} className="image-strip__remove" onClick={() => onRemove(img.id)} />
            </li>
          ))}
        </ul>
      ) : null}
      {problems.length > 0 ? (
        <ul className="image-strip__problems" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      {lightbox.view}
    </div>
  );
}

/** "Attach images": a file picker for the accepted formats, with the limits in its tooltip. */
export function ImagePickButton({ onPick }: { onPick: (files: File[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const limits = `${ACCEPTED_LABELS}; up to ${IMAGE_LIMITS.count} images, ${formatBytes(IMAGE_LIMITS.bytesEach)} each. You can also paste or drop them.`;
  return (
    <>
      <button type="button" className="button" onClick={() => input.current?.click()} title={limits} aria-label="Attach images">
        <Icon name="image" size={14} />
      </button>
      <input
        ref={input}
        type="file"
        accept="image/png,image/jpeg,image/gif,image/webp"
        multiple
        hidden
        aria-label="Image files"
        onChange={(e) => {
          onPick([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
    </>
  );
}
