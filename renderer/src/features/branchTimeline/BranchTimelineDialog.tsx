import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { branchesQuery } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { ModalDialog } from '../../ui/ModalDialog';
import { BranchTimeline } from './BranchTimeline';
import type { TimelineLane } from './timelineLayout';

/** A project's branch timeline; choosing a branch closes it and selects that branch in the explorer. */
export function BranchTimelineDialog({
  workspaceId,
  project,
  label,
  onSelect,
  onClose,
}: {
  workspaceId: string;
  project: string;
  label: string;
  onSelect: (lane: TimelineLane) => void;
  onClose: () => void;
}) {
  const api = usePierApi();
  const branches = useQuery(branchesQuery(api, workspaceId, project));
  // The picture is of the moment it opened; Refresh takes a new one.
  const [now, setNow] = useState(() => Date.now());
  return (
    <ModalDialog
      title={`Branch timeline · ${label}`}
      onClose={onClose}
      onSubmit={onClose}
      wide
      actions={
        <>
          <button
            type="button"
            className="button"
            onClick={() => {
              setNow(Date.now());
              void branches.refetch();
            }}
          >
            Refresh
          </button>
          <button type="submit" className="button button--primary">
            Close
          </button>
        </>
      }
    >
      {branches.isError ? (
        <ErrorPanel compact title="Couldn't list the branches" error={branches.error} onRetry={() => void branches.refetch()} />
      ) : branches.data === undefined ? (
        <p role="status">Loading branches…</p>
      ) : (
        <>
          <div className="branch-timeline__scroll">
            <BranchTimeline branches={branches.data} now={now} onSelect={onSelect} />
          </div>
          <p className="branch-timeline__legend">
            <span>○ created</span>
            <span>● on the parent: the point it was branched from</span>
            <span>× expires (→ later, date given)</span>
            <span>dashed red line: now</span>
            <span>Enter or click: select the branch in the explorer</span>
          </p>
        </>
      )}
    </ModalDialog>
  );
}
