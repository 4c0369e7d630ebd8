/** HTTP path prefix of the RPC transport in browser mode: POST {RPC_PATH}/{channel} (with the session cookie). */
export const RPC_PATH = '/rpc';
