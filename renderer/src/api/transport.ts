import { CHANNELS, type Channel } from '../../../shared/contract/channels';
import type { InputOf, OutputOf, PierApi } from '../../../shared/contract/contract';
import type { Result, RpcError } from '../../../shared/contract/result';
import { RPC_PATH } from '../../../shared/contract/transport';

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

/** Why browser mode has no usable session: none was opened in this browser, or the server forgot it (restart). */
export type SessionProblem = 'missing' | 'rejected';

export interface HttpApiOptions {
  readonly fetch: FetchLike;
  /** Origin of Pier's server, e.g. http://127.0.0.1:5173; shown to the user when it cannot be reached. */
  readonly origin: string;
  /** Called when the server refuses the call for want of a session (HTTP 401). */
  readonly onSessionRejected: (problem: SessionProblem) => void;
}

/**
 * Browser mode: each call is `POST {RPC_PATH}/{channel}`. The session is an HttpOnly cookie the
 * server set when this browser opened a one-time link: the page never sees it, fetch sends it.
 */
export function createHttpApi(options: HttpApiOptions): PierApi {
  const call = async (channel: Channel, input: unknown): Promise<Result<unknown>> => {
    let response: Response;
    try {
      response = await options.fetch(`${options.origin}${RPC_PATH}/${channel}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
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
    const body: unknown = await response.json().catch(() => undefined);
    if (response.status === 401) {
      // The server says which: no session cookie at all, or one it no longer knows.
      const ended = isResult(body) && !body.ok && body.error.details === 'ended';
      options.onSessionRejected(ended ? 'rejected' : 'missing');
      return {
        ok: false,
        error: {
          code: TRANSPORT_ERRORS.sessionRejected,
          message: "Pier's server did not accept this window's session.",
          hint: 'Open Pier through a new link: `npm run serve` prints one (press Enter in its terminal for another).',
        },
      };
    }
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

export type Connection = { readonly kind: 'desktop'; readonly api: PierApi } | { readonly kind: 'browser'; readonly api: PierApi };

/**
 * Chooses the transport for this window: the preload's bridge inside Electron, HTTP otherwise.
 * Whether a browser has a session shows on its first call (see `onSessionRejected`).
 */
export function connect(win: Window, onSessionRejected: (problem: SessionProblem) => void): Connection {
  if (win.pier) return { kind: 'desktop', api: createElectronApi(win.pier) };
  const api = createHttpApi({ fetch: (url, init) => win.fetch(url, init), origin: win.location.origin, onSessionRejected });
  return { kind: 'browser', api };
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
