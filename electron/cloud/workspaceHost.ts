/**
 * What a user types as a workspace ("adb-123.4.azuredatabricks.net/", "https://x.cloud.databricks.com/?o=1")
 * → the origin Pier talks to. HTTPS is required except on loopback (Pier's own local server, tests).
 */
import { cloudFail, cloudOk, type CloudResult } from './cloudError';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.has(hostname.toLowerCase());
}

export function normalizeWorkspaceHost(input: string): CloudResult<string> {
  const text = input.trim();
  const example = 'It should look like https://<workspace>.cloud.databricks.com.';
  if (text === '') return cloudFail('CLOUD_INVALID_INPUT', `Enter the workspace URL. ${example}`);
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return cloudFail('CLOUD_INVALID_INPUT', `"${text}" is not a workspace URL. ${example}`);
  }
  if (url.username !== '' || url.password !== '')
    return cloudFail('CLOUD_INVALID_INPUT', `Leave the user name and password out of the workspace URL. ${example}`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return cloudFail(
      'CLOUD_INVALID_INPUT',
      `"${text}" uses plain http; workspaces are only reached over https, so tokens are never sent in the clear. ${example}`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return cloudFail('CLOUD_INVALID_INPUT', `"${text}" is not a web address. ${example}`);
  if (!url.hostname.includes('.') && !isLoopbackHost(url.hostname))
    return cloudFail('CLOUD_INVALID_INPUT', `"${text}" is not a full host name. ${example}`);
  return cloudOk(url.origin);
}
