/**
 * The one door for Pier's outbound HTTP (sign-in, the management API, the hosted Data API). The
 * composition root picks the network stack once per process: in the desktop app Electron's (system
 * proxy settings, PAC, the OS certificate store; electron/main/electronFetch.ts), in browser mode
 * Node's with the proxy environment honoured (electron/platform/envProxyFetch.ts). A process has one
 * network stack, so this is process-wide, as undici's global dispatcher is; tests keep the default.
 */
export type FetchFn = (url: string, init?: RequestInit) => Promise<Response>;

let current: FetchFn = (url, init) => fetch(url, init);

export function outboundFetch(url: string, init?: RequestInit): Promise<Response> {
  return current(url, init);
}

/** Called once by electron/main or electron/server at start-up. */
export function useOutboundFetch(fetchFn: FetchFn): void {
  current = fetchFn;
}
