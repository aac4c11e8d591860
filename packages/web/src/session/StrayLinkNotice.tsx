/** The address named a chat that does not exist (a deleted or mistyped link): the first chat is shown instead. */
export function StrayLinkNotice({ onDismiss }: { onDismiss: () => void }) {
  return (
    <div className="notice notice--warn stray-link" role="status">
      <span>The chat in this link could not be found. This session&apos;s first chat is shown instead.</span>
      <button type="button" className="link-button" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
