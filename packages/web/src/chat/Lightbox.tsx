import { useEffect, useRef, useState, type ReactNode } from 'react';
import { IconButton } from '../ui/IconButton';

/** An image a lightbox can show: its name and where its bytes are (a data URL or the image route). */
export interface ViewedImage {
  name: string;
  src: string;
}

/** A full-size view of one image over the page; Escape, the close button or a click outside closes it. */
function Lightbox({ image, onClose }: { image: ViewedImage; onClose: () => void }) {
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
      <img src={image.src} alt={image.name} />
    </dialog>
  );
}

export function useLightbox(): { open: (image: ViewedImage) => void; view: ReactNode } {
  const [image, setImage] = useState<ViewedImage | null>(null);
  return { open: setImage, view: image ? <Lightbox image={image} onClose={() => setImage(null)} /> : null };
}
