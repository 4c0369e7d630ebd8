import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AddWorkspaceInput, WorkspaceInfoDto } from '../../../shared/management/workspaceSchemas';
import { catalogKeys } from './catalog';
import { cloudCommands, cloudKeys } from './cloud';
import { usePierApi } from './PierApiContext';

/**
 * Adding, removing and signing in to workspaces, each refreshing what it changed before the
 * caller's own `onSuccess` (e.g. closing its dialog) runs.
 */

export function useAddWorkspace() {
  const api = usePierApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: AddWorkspaceInput) => cloudCommands.addWorkspace(api, input),
    onSuccess: () => client.invalidateQueries({ queryKey: cloudKeys.workspaces() }),
  });
}

/** Pier forgets the workspace: its cached lists and schemas go with it. */
export function useRemoveWorkspace() {
  const api = usePierApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (workspace: WorkspaceInfoDto) => cloudCommands.removeWorkspace(api, workspace.id),
    onSuccess: async (_removed, workspace) => {
      client.removeQueries({ queryKey: cloudKeys.workspace(workspace.id) });
      client.removeQueries({ queryKey: catalogKeys.workspace(workspace.id) });
      await client.invalidateQueries({ queryKey: cloudKeys.workspaces() });
    },
  });
}

export function useReplaceToken() {
  const api = usePierApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (v: { workspace: WorkspaceInfoDto; token: string }) => cloudCommands.replaceToken(api, v.workspace.id, v.token),
    onSuccess: async (_out, v) => {
      await client.invalidateQueries({ queryKey: cloudKeys.workspaces() });
      await client.invalidateQueries({ queryKey: cloudKeys.workspace(v.workspace.id) });
    },
  });
}

export function useSignInAgain() {
  const api = usePierApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (workspace: WorkspaceInfoDto) => cloudCommands.signInAgain(api, workspace.id),
    onSuccess: (_w, workspace) => client.invalidateQueries({ queryKey: cloudKeys.workspace(workspace.id) }),
  });
}
