import { describe, expect, it } from 'vitest';
import { checkAddWorkspaceForm, INITIAL_ADD_WORKSPACE, type AddWorkspaceForm } from './addWorkspaceForm';

const form = (change: Partial<AddWorkspaceForm>): AddWorkspaceForm => ({ ...INITIAL_ADD_WORKSPACE, ...change });

describe('checkAddWorkspaceForm', () => {
  it('signs in with the browser for a host', () => {
    expect(checkAddWorkspaceForm(form({ host: ' https://adb-1.azuredatabricks.net ' }))).toEqual({
      ok: true,
      input: { method: 'oauth', host: 'https://adb-1.azuredatabricks.net' },
    });
  });

  it('needs a host and a token for a personal access token, and never trims the name away', () => {
    expect(checkAddWorkspaceForm(form({ method: 'pat' }))).toMatchObject({
      ok: false,
      errors: { host: expect.any(String), token: expect.any(String) },
    });
    expect(checkAddWorkspaceForm(form({ method: 'pat', host: 'h.cloud.databricks.com', token: 'dapi123', displayName: ' Prod ' }))).toEqual(
      {
        ok: true,
        input: { method: 'pat', host: 'h.cloud.databricks.com', token: 'dapi123', displayName: 'Prod' },
      },
    );
  });

  it('takes a CLI profile without a host', () => {
    expect(checkAddWorkspaceForm(form({ method: 'cli', profile: 'work' }))).toEqual({
      ok: true,
      input: { method: 'cli', profile: 'work' },
    });
    expect(checkAddWorkspaceForm(form({ method: 'cli', profile: ' ' }))).toMatchObject({
      ok: false,
      errors: { profile: expect.any(String) },
    });
  });

  it('refuses a host with spaces', () => {
    expect(checkAddWorkspaceForm(form({ host: 'my workspace' }))).toEqual({
      ok: false,
      errors: { host: 'A workspace URL has no spaces.' },
    });
  });
});
