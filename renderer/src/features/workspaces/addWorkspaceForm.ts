import type { AddWorkspaceInput } from '../../../../shared/management/workspaceSchemas';

export type SignInMethod = AddWorkspaceInput['method'];

export interface AddWorkspaceForm {
  readonly method: SignInMethod;
  readonly host: string;
  readonly token: string;
  readonly profile: string;
  readonly displayName: string;
}

export type AddWorkspaceField = 'host' | 'token' | 'profile';

export const INITIAL_ADD_WORKSPACE: AddWorkspaceForm = { method: 'oauth', host: '', token: '', profile: 'DEFAULT', displayName: '' };

/**
 * Form → 'workspaces.add' input, or what is missing. The host is only checked for presence and
 * shape here; main normalises it and says when it is not a Databricks workspace.
 */
export function checkAddWorkspaceForm(
  form: AddWorkspaceForm,
): { ok: true; input: AddWorkspaceInput } | { ok: false; errors: Partial<Record<AddWorkspaceField, string>> } {
  const errors: Partial<Record<AddWorkspaceField, string>> = {};
  const host = form.host.trim();
  const displayName = form.displayName.trim();
  const named = displayName ? { displayName } : {};
  if (form.method !== 'cli' && !host) errors.host = 'Enter the workspace URL, e.g. https://adb-1234567890123456.7.azuredatabricks.net.';
  else if (host && /\s/.test(host)) errors.host = 'A workspace URL has no spaces.';
  switch (form.method) {
    case 'oauth':
      return Object.keys(errors).length ? { ok: false, errors } : { ok: true, input: { method: 'oauth', host, ...named } };
    case 'pat': {
      const token = form.token.trim();
      if (!token) errors.token = 'Paste a personal access token (User settings → Developer → Access tokens).';
      return Object.keys(errors).length ? { ok: false, errors } : { ok: true, input: { method: 'pat', host, token, ...named } };
    }
    case 'cli': {
      const profile = form.profile.trim();
      if (!profile) errors.profile = 'Name the profile in ~/.databrickscfg (DEFAULT if unsure).';
      return Object.keys(errors).length
        ? { ok: false, errors }
        : { ok: true, input: { method: 'cli', profile, ...(host ? { host } : {}), ...named } };
    }
  }
}
