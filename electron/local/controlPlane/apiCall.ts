/** One authenticated management-API request, routed: what every resource handler receives. */
export interface ApiCall {
  readonly method: string;
  /** Path segments after `/api/2.0/postgres/`. */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  /** The JSON body (`{}` when there is none). */
  readonly body: Record<string, unknown>;
  /** The caller's identity (token subject). */
  readonly caller: string;
}
