/** What one HTTP request asks the Data API for, before any name is checked. */
import type { ReadQuery } from '../../../shared/dataapi/ast';

export type MediaType =
  | { readonly kind: 'json'; readonly stripNulls: boolean }
  | { readonly kind: 'object'; readonly stripNulls: boolean }
  | { readonly kind: 'csv' }
  /** `application/vnd.pgrst.plan[+json|+text]; options=analyze|verbose|…`: the query plan, not the rows. */
  | { readonly kind: 'plan'; readonly format: 'json' | 'text'; readonly options: readonly PlanOption[] }
  /**
   * No built-in representation fits the Accept header: a media type handler in the database may
   * (PostgREST's handlers, resolved by the planner), else 406.
   */
  | { readonly kind: 'unmatched'; readonly accept: string };

export const PLAN_OPTIONS = ['analyze', 'verbose', 'settings', 'buffers', 'wal'] as const;
export type PlanOption = (typeof PLAN_OPTIONS)[number];

export type CountPreference = 'exact' | 'planned' | 'estimated';

/** The Prefer header, as PostgREST reads it (RFC 7240; the first of each preference wins). */
export interface Preferences {
  readonly count?: CountPreference;
  readonly handling?: 'strict' | 'lenient';
  /** `timezone=…`; the planner checks it against the database's time zone names. */
  readonly timezone?: string;
  readonly return?: 'minimal' | 'headers-only' | 'representation';
  readonly resolution?: 'merge-duplicates' | 'ignore-duplicates';
  readonly missing?: 'default' | 'null';
  readonly tx?: 'commit' | 'rollback';
  readonly maxAffected?: number;
  readonly params?: 'single-object';
  /** Tokens no PostgREST preference matches (refused under handling=strict). */
  readonly unknown: readonly string[];
}

export type ApiTarget =
  /** `/{schema}/{table}` or `/{table}` (schema from Accept-Profile or the default). */
  | { readonly kind: 'relation'; readonly schema?: string; readonly name: string }
  | { readonly kind: 'routine'; readonly schema?: string; readonly name: string }
  /** `/`: the OpenAPI description (not served yet). */
  | { readonly kind: 'root'; readonly schema?: string };

/** create = POST, update = PATCH, upsert = PUT (one row by its full primary key), delete = DELETE. */
export type Mutation = 'create' | 'update' | 'upsert' | 'delete';

export type ApiAction =
  | { readonly kind: 'read'; readonly headOnly: boolean }
  | { readonly kind: 'mutate'; readonly mutation: Mutation }
  /** `/rpc/fn`: GET/HEAD call read-only functions with query-string arguments, POST any. */
  | { readonly kind: 'call'; readonly readOnly: boolean; readonly headOnly: boolean }
  | { readonly kind: 'options' };

/**
 * A request body, decoded: JSON, CSV or form data all become JSON values. `array` records whether
 * the client sent an array (bulk) or a single object.
 */
export type Payload =
  | {
      readonly kind: 'rows';
      readonly rows: readonly Readonly<Record<string, unknown>>[];
      readonly array: boolean;
      readonly keys: readonly string[];
    }
  /** A JSON value that is not an object or array of objects (e.g. an RPC's single json argument). */
  | { readonly kind: 'value'; readonly value: unknown }
  /**
   * A body that is not data rows: text/plain, text/xml or application/octet-stream, for a
   * function's single unnamed text, xml or bytea parameter (PostgREST's raw bodies).
   */
  | { readonly kind: 'raw'; readonly media: 'text' | 'xml' | 'octet'; readonly bytes: Buffer };

export interface ApiRequest {
  readonly action: ApiAction;
  readonly target: ApiTarget;
  readonly query: ReadQuery;
  /** Accept-Profile (reads) / Content-Profile (writes). */
  readonly profile?: string;
  /** What Accept allows, most preferred first (never empty); the planner picks one (plans only where allowed). */
  readonly accepted: readonly MediaType[];
  readonly preferences: Preferences;
  /** From the Range header: first row and optional last row, both inclusive. */
  readonly range?: { readonly from: number; readonly to?: number };
  /** The bearer token, if the request carried one; verified by the orchestrator. */
  readonly bearer?: string | { readonly malformed: string };
  /** The decoded body, for writes and calls. */
  readonly payload?: Payload;
  /** `columns=a,b`: the payload keys to use. */
  readonly columns?: readonly string[];
  /** `on_conflict=a,b`: the unique key an upsert resolves on. */
  readonly onConflict?: readonly string[];
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}
