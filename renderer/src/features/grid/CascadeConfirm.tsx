import { ModalDialog } from '../../ui/ModalDialog';

/** Applying staged edits that reach other tables asks first, naming each table and what it loses. */
export function CascadeConfirm({ reach, onConfirm, onCancel }: { reach: readonly string[]; onConfirm: () => void; onCancel: () => void }) {
  return (
    <ModalDialog
      title="Apply, and change other tables too?"
      onClose={onCancel}
      onSubmit={onConfirm}
      actions={
        <>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="button button--danger">
            Apply, with these
          </button>
        </>
      }
    >
      <p>A trial run (rolled back) shows these edits also change rows of other tables, through cascading foreign keys and triggers:</p>
      <ul className="edit-review__reach-list">
        {reach.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <p>They are applied together with the edits, in one transaction.</p>
    </ModalDialog>
  );
}
