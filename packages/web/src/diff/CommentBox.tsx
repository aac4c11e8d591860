import { useState } from 'react';
import { IconButton } from '../ui/IconButton';
import { lineLabel, type LineComment } from './lineComments';
import type { PatchLine } from './parseDiff';

/** Writing a comment on one line: the line quoted, a text box, Add and Cancel. */
export function CommentDraft({ path, line, onAdd, onCancel }: { path: string; line: PatchLine; onAdd: (text: string) => void; onCancel: () => void }) {
  const [text, setText] = useState('');
  return (
    <form
      className="review-comment"
      aria-label="Comment on a line"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) onAdd(text);
      }}
    >
      <p className="review-comment__where">
        {path}, {lineLabel(line)}
      </p>
      <pre className="review-comment__quote">{line.text || ' '}</pre>
      <textarea
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-label="Comment"
        placeholder="What should the agent change here?"
        rows={3}
        autoFocus
        onKeyDown={(e) => {
          if (e.key === 'Escape') onCancel();
        }}
      />
      <div className="review-comment__actions">
        <button type="submit" className="button button--primary button--small" disabled={!text.trim()}>
          Add comment
        </button>
        <button type="button" className="button button--small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The comments so far, each removable, and one button sending them all as a single message. */
export function CommentList({
  comments,
  sending,
  onRemove,
  onSend,
}: {
  comments: LineComment[];
  sending: boolean;
  onRemove: (id: string) => void;
  onSend: () => void;
}) {
  return (
    <section className="review-comments" aria-label="Review comments">
      <ul>
        {comments.map((c) => (
          <li key={c.id}>
            <div className="review-comments__head">
              <span className="review-comment__where">
                {c.path}, {lineLabel(c.line)}
              </span>
              <IconButton icon="close" label={`Remove the comment on ${c.path}, ${lineLabel(c.line)}`} onClick={() => onRemove(c.id)} />
            </div>
            <p>{c.text}</p>
          </li>
        ))}
      </ul>
      <button type="button" className="button button--primary" disabled={sending} onClick={onSend}>
        {sending ? 'Sending…' : `Send ${comments.length} comment${comments.length === 1 ? '' : 's'} to the agent`}
      </button>
    </section>
  );
}
