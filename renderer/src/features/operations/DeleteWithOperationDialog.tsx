import { useEffect, type ReactNode } from 'react';
import type { TrackedOperationDto } from '../../../../shared/management/workspaceSchemas';
import { DialogActions, DialogError, ModalDialog } from '../../ui/ModalDialog';
import { useFollowedOperation } from './useFollowedOperation';

export interface DeleteWithOperationDialogProps {
  /** What is deleted, for the title, the button and the refusal: "branch", "endpoint", "identity". */
  readonly noun: string;
  /** Its name as the user knows it. */
  readonly name: string;
  /** The contract channel, for error messages. */
  readonly channel: string;
  readonly run: () => Promise<TrackedOperationDto>;
  /** False while a typed confirmation is missing. */
  readonly confirmed?: boolean;
  readonly onSucceeded?: () => void;
  readonly onClose: () => void;
  /** What happens, and any confirmation fields. */
  readonly children: ReactNode;
}

/**
 * A delete that stays open until the server's operation ends, so a refusal is read where it was
 * asked for; it closes itself when the deletion succeeded.
 */
export function DeleteWithOperationDialog({
  noun,
  name,
  channel,
  run,
  confirmed = true,
  onSucceeded,
  onClose,
  children,
}: DeleteWithOperationDialogProps) {
  const remove = useFollowedOperation(channel, run);
  const state = remove.operation?.state;
  useEffect(() => {
    if (state !== 'succeeded') return;
    onSucceeded?.();
    onClose();
  }, [state, onClose, onSucceeded]);
  return (
    <ModalDialog
      title={`Delete ${noun} ${name}?`}
      onClose={onClose}
      onSubmit={() => {
        if (confirmed && !remove.busy) remove.start(undefined);
      }}
      actions={
        <DialogActions
          onCancel={onClose}
          cancelLabel={remove.error ? 'Close' : 'Cancel'}
          label={`Delete ${noun}`}
          busyLabel="Deleting…"
          busy={remove.busy}
          disabled={!confirmed}
          danger
        />
      }
    >
      {children}
      {remove.error !== null && <DialogError title={`The server refused to delete the ${noun}`} error={remove.error} />}
      {state === 'stopped' && <p>Pier stopped waiting for this deletion; the server may still finish it.</p>}
    </ModalDialog>
  );
}
