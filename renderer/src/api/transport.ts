import { CHANNELS, type Channel } from '../../../shared/contract/channels';
import type { InputOf, OutputOf, PierApi } from '../../../shared/contract/contract';
import type { Result, RpcError } from '../../../shared/contract/result';
import { RPC_PATH, SESSION_HEADER } from '../../../shared/contract/transport';
import { SESSION_STORAGE_KEY, findSession } from './session';

/** Codes the renderer itself produces when a call never reached a handler. */
export const TRANSPORT_ERRORS = {
  unreachable: 'PIER_UNREACHABLE',
  sessionRejected: 'PIER_SESSION_REJECTED',
  badResponse: 'PIER_BAD_RESPONSE',
  bridgeFailed: 'PIER_BRIDGE_FAILED',
} as const;

declare global {
  interface Window {
    /** Set by the Electron preload: one function per contract channel. Absent in browser mode. */
    readonly pier?: PierApi;
  }
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface HttpApiOptions {
  readonly fetch: FetchLike;
  /** Origin of Pier's server, e.g. http://127.0.0.1:5173; shown to the user when it cannot be reached. */
  readonly origin: string;
  readonly secret: string;
  /** Called when the server refuses the session secret (HTTP 401). */
  readonly onSessionRejected: () => void;
}

/** Browser mode: each call is `POST {RPC_PATH}/{channel}` carrying the session secret in a header. */
export function createHttpApi(options: HttpApiOptions): PierApi {
  const call = async (channel: Channel, input: unknown): Promise<Result<unknown>> => {
    let response: Response;
    try {
      response = await options.fetch(`${options.origin}${RPC_PATH}/${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SESSION_HEADER]: options.secret },
        body: JSON.stringify(input ?? {}),
      });
    } catch {
      return {
        ok: false,
        error: {
          code: TRANSPORT_ERRORS.unreachable,
          message: `Pier's server is not reachable at ${options.origin}.`,
          hint: 'Is `npm run serve` still running? Start it again and reload this page.',
        },
      };
    }
    if (response.status === 401) {
      options.onSessionRejected();
      return {
        ok: false,
        error: {
          code: TRANSPORT_ERRORS.sessionRejected,
          message: "Pier's server did not accept this window's session key.",
          hint: 'Open Pier through the link printed by `npm run serve`, which carries the session key.',
        },
      };
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (isResult(body)) return body;
    return {
      ok: false,
      error: {
        code: TRANSPORT_ERRORS.badResponse,
        message: `Pier's server answered ${channel} with HTTP ${response.status} but no result.`,
        hint: 'The server and this page may be from different Pier versions: reload the page.',
      },
    };
  };
  return apiFrom(call);
}

/** Desktop mode: the preload's functions already speak Result; only a broken bridge throws. */
export function createElectronApi(bridge: PierApi): PierApi {
  return apiFrom(async (channel, input) => {
    const fn = bridge[channel] as ((input: unknown) => Promise<Result<unknown>>) | undefined;
    try {
      if (typeof fn !== 'function') throw new Error(`missing ${channel}`);
      return await fn(input);
    } catch (err) {
      return {
        ok: false,
        error: {
          code: TRANSPORT_ERRORS.bridgeFailed,
          message: `The call ${channel} did not reach Pier's main process (${err instanceof Error ? err.message : String(err)}).`,
          hint: 'Restart Pier. If it keeps happening, the app build is inconsistent: reinstall it.',
        },
      };
    }
  });
}

export type Connection =
  | { readonly kind: 'desktop'; readonly api: PierApi }
  | { readonly kind: 'browser'; readonly api: PierApi }
  | { readonly kind: 'no-session' };

/**
 * Chooses the transport for this window. In browser mode it takes the session secret from the
 * URL fragment (then scrubs it from the address bar) or from sessionStorage after a reload.
 */
export function connect(win: Window, onSessionRejected: () => void): Connection {
  if (win.pier) return { kind: 'desktop', api: createElectronApi(win.pier) };
  const storage = safeSessionStorage(win);
  const found = findSession(win.location.hash, storage?.getItem(SESSION_STORAGE_KEY) ?? null);
  if (found.kind === 'missing') return { kind: 'no-session' };
  storage?.setItem(SESSION_STORAGE_KEY, found.secret);
  if (found.cleanedHash !== null) {
    win.history.replaceState(win.history.state, '', `${win.location.pathname}${win.location.search}${found.cleanedHash}`);
  }
  const api = createHttpApi({
    fetch: (url, init) => win.fetch(url, init),
    origin: win.location.origin,
    secret: found.secret,
    onSessionRejected: () => {
      // A rejected secret is stale (the server restarted): forget it so a reload asks for a new link.
      storage?.removeItem(SESSION_STORAGE_KEY);
      onSessionRejected();
    },
  });
  return { kind: 'browser', api };
}

function safeSessionStorage(win: Window): Storage | null {
  try {
    return win.sessionStorage;
  } catch {
    return null; // storage disabled by the browser: the fragment still works for this load
  }
}

function apiFrom(call: (channel: Channel, input: unknown) => Promise<Result<unknown>>): PierApi {
  const entries = CHANNELS.map((channel) => [channel, (input: unknown) => call(channel, input)] as const);
  return Object.fromEntries(entries) as { [C in Channel]: (input: InputOf<C>) => Promise<Result<OutputOf<C>>> };
}

function isResult(body: unknown): body is Result<unknown> {
  if (typeof body !== 'object' || body === null || !('ok' in body)) return false;
  if (body.ok === true) return 'value' in body;
  return body.ok === false && 'error' in body && isRpcError(body.error);
}

function isRpcError(error: unknown): error is RpcError {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    'message' in error &&
    typeof error.message === 'string'
  );
}
