/**
 * Browser mode's outbound HTTP: Node's fetch ignores HTTPS_PROXY/HTTP_PROXY/NO_PROXY (Node 20 has no
 * switch for it), so when a proxy is set the requests go through undici's EnvHttpProxyAgent, which
 * reads them as curl does (HTTPS via CONNECT). Loopback never goes through the proxy: Pier talks to
 * its own management API there. Certificates: Node adds NODE_EXTRA_CA_CERTS to its trust store at
 * start-up, and undici's TLS uses that store.
 */
import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici';
import type { FetchFn } from './outboundFetch';

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]', '::1'];

export interface ProxySettings {
  readonly httpProxy?: string;
  readonly httpsProxy?: string;
  readonly noProxy: string;
}

/** The proxy settings of an environment, as curl reads them (upper case first, then lower case); undefined when none is set. */
export function proxySettings(env: NodeJS.ProcessEnv): ProxySettings | undefined {
  const read = (name: string) => (env[name] ?? env[name.toLowerCase()])?.trim() || undefined;
  const httpProxy = read('HTTP_PROXY');
  const httpsProxy = read('HTTPS_PROXY');
  if (!httpProxy && !httpsProxy) return undefined;
  const noProxy = [read('NO_PROXY'), ...LOOPBACK].filter(Boolean).join(',');
  return { ...(httpProxy && { httpProxy }), ...(httpsProxy && { httpsProxy }), noProxy };
}

export function envProxyFetch(env: NodeJS.ProcessEnv = process.env): FetchFn {
  const settings = proxySettings(env);
  if (!settings) return (url, init) => fetch(url, init);
  const dispatcher = new EnvHttpProxyAgent(settings);
  // undici's own fetch with its own dispatcher (Node 20's built-in fetch bundles an older undici).
  return (url, init) => undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher }) as unknown as Promise<Response>;
}
