/** Facts both transports agree on. */
export const SESSION_HEADER = 'x-pier-session';
/** HTTP path prefix of the RPC transport in browser mode: POST {RPC_PATH}/{channel}. */
export const RPC_PATH = '/rpc';
/** URL fragment key that hands the per-launch session secret to the browser UI. */
export const SESSION_FRAGMENT_KEY = 'session';
