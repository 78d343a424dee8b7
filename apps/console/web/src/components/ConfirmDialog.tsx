import { useEffect, useRef } from 'react';

export interface Confirmation {
  title: string;
  body: string;
  action: string;
  run: () => void;
}

/** A modal confirmation (native <dialog>: focus trapped, Escape cancels, focus returns to the opener). */
export function ConfirmDialog({ confirm, onClose }: { confirm: Confirmation | null; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (confirm && !d.open) d.showModal();
    if (!confirm && d.open) d.close();
  }, [confirm]);
  return (
    <dialog ref={ref} aria-labelledby="confirm-h" aria-describedby="confirm-b" onClose={onClose}>
      {confirm && (
        <form method="dialog">
          <h2 id="confirm-h">{confirm.title}</h2>
          <p id="confirm-b">{confirm.body}</p>
          <div className="row end">
            <button type="submit" value="cancel" className="secondary" autoFocus>
              Cancel
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => {
                confirm.run();
                onClose();
              }}
            >
              {confirm.action}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
