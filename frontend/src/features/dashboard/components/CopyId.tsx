import { useState } from 'react';

/** The user's id with a copy button (influencers share it with brands). */
export function CopyId({ id }: { id: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="copy-id">
      <code data-testid="my-user-id">{id}</code>
      <button
        type="button"
        className="btn btn-secondary btn-small"
        onClick={() =>
          void navigator.clipboard?.writeText(id).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? 'Copied' : 'Copy id'}
      </button>
      <span className="sr-only" aria-live="polite">
        {copied ? 'Id copied to the clipboard' : ''}
      </span>
    </div>
  );
}
