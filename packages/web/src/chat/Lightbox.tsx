import { useEffect, useRef, useState, type ReactNode } from 'react';
import { IconButton } from '../ui/IconButton';
import { dataUrl, type Attachment } from './images';

/** A full-size view of one image over the page; Escape, the close button or a click outside closes it. */
function Lightbox({ image, onClose }: { image: Attachment; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="lightbox"
      aria-label={image.name}
      onClose={onClose}
      onClick={(e) => {
        if (e.target === dialog.current) onClose();
      }}
    >
      <div className="lightbox__bar">
        <span>{image.name}</span>
        <IconButton icon="close" label="Close image" onClick={onClose} />
      </div>
      <img src={dataUrl(image)} alt={image.name} />
    </dialog>
  );
}

export function useLightbox(): { open: (image: Attachment) => void; view: ReactNode } {
  const [image, setImage] = useState<Attachment | null>(null);
  return { open: setImage, view: image ? <Lightbox image={image} onClose={() => setImage(null)} /> : null };
}
