import { useId, useState } from 'react';
import { cloudCommands, useStartOperation } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { DialogActions, DialogError, Field, ModalDialog } from '../../ui/ModalDialog';

const PROJECT_ID = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A new project: its `production` branch and `primary` endpoint come with it. Progress shows in the operations panel. */
export function CreateProjectDialog({ workspaceId, onClose }: { workspaceId: string; onClose: () => void }) {
  const api = usePierApi();
  const id = useId();
  const [projectId, setProjectId] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [idError, setIdError] = useState<string | undefined>();
  const create = useStartOperation(() =>
    cloudCommands.createProject(api, {
      workspaceId,
      projectId: projectId.trim(),
      ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
    }),
  );
  const submit = () => {
    if (!PROJECT_ID.test(projectId.trim())) return setIdError('Use 1–63 lowercase letters, digits and hyphens, starting with a letter.');
    create.mutate(undefined, { onSuccess: onClose });
  };
  return (
    <ModalDialog
      title="New project"
      onClose={onClose}
      onSubmit={submit}
      actions={<DialogActions onCancel={onClose} label="Create project" busyLabel="Creating…" busy={create.isPending} />}
    >
      <Field label="Project id" id={`${id}-pid`} error={idError} hint="Part of every resource name: projects/<id>/branches/…">
        <input
          id={`${id}-pid`}
          type="text"
          className="mono"
          value={projectId}
          autoFocus
          spellCheck={false}
          autoComplete="off"
          aria-invalid={idError ? true : undefined}
          aria-describedby={idError ? `${id}-pid-error` : undefined}
          onChange={(e) => {
            setProjectId(e.target.value);
            setIdError(undefined);
          }}
        />
      </Field>
      <Field label="Display name (optional)" id={`${id}-name`}>
        <input id={`${id}-name`} type="text" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
      </Field>
      <p className="field__hint">It starts with a default branch, production, and its read-write endpoint.</p>
      {create.isError && <DialogError title="The project was not created" error={create.error} />}
    </ModalDialog>
  );
}
