import { useEffect, useId, useRef, type ReactNode } from 'react';
import { ErrorMessage } from './ErrorMessage';

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel?: string;
  /** Styles the confirm button as destructive. */
  danger?: boolean;
  busy?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onClose: () => void;
}

/**
 * A modal confirmation on the native <dialog>: it traps focus, makes the page behind it inert
 * and closes on Escape without extra code.
 */
export function ConfirmDialog({ open, title, children, confirmLabel = 'Confirm', danger, busy, error, onConfirm, onClose }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        // Escape: let React's state close it, so state and element never disagree.
        event.preventDefault();
        onClose();
      }}
    >
      {open && (
        <form
          method="dialog"
          className="dialog__body"
          onSubmit={(event) => {
            event.preventDefault();
            onConfirm();
          }}
        >
          <h2 id={titleId} className="dialog__title">
            {title}
          </h2>
          {children && <div className="dialog__content">{children}</div>}
          <ErrorMessage error={error} />
          <div className="dialog__actions">
            {/* A destructive action starts with focus on the safe choice. */}
            <button type="button" className="button" onClick={onClose} autoFocus={danger}>
              Cancel
            </button>
            <button type="submit" className={`button ${danger ? 'button--danger' : 'button--primary'}`} disabled={busy} autoFocus={!danger}>
              {busy ? 'Working…' : confirmLabel}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
