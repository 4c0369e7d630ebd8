import { describe, expect, it } from 'vitest';
import { normalizeWorkspaceHost } from './workspaceHost';

describe('normalizeWorkspaceHost', () => {
  it.each([
    ['https://dbc-1234.cloud.databricks.com', 'https://dbc-1234.cloud.databricks.com'],
    ['dbc-1234.cloud.databricks.com/', 'https://dbc-1234.cloud.databricks.com'],
    ['  HTTPS://ADB-1.2.AzureDatabricks.net/?o=1#x ', 'https://adb-1.2.azuredatabricks.net'],
    ['https://x.cloud.databricks.com/api/2.0/postgres', 'https://x.cloud.databricks.com'],
    ['http://127.0.0.1:5123', 'http://127.0.0.1:5123'],
    ['http://localhost:8080/', 'http://localhost:8080'],
  ])('%j → %j', (input, origin) => {
    expect(normalizeWorkspaceHost(input)).toEqual({ ok: true, value: origin });
  });

  it.each([
    ['', /Enter the workspace URL/],
    ['http://x.cloud.databricks.com', /plain http/],
    ['ftp://x.cloud.databricks.com', /not a web address/],
    ['https://user:pw@x.cloud.databricks.com', /user name and password/],
    ['myworkspace', /not a full host name/],
    ['https://exa mple.com', /not a workspace URL/],
  ])('rejects %j', (input, message) => {
    const r = normalizeWorkspaceHost(input);
    expect(r).toMatchObject({ ok: false, error: { code: 'CLOUD_INVALID_INPUT' } });
    if (!r.ok) expect(r.error.message).toMatch(message);
  });
});
