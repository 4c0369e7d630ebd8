/** What one HTTP request asks the Data API for, before any name is checked. */
import type { ReadQuery } from '../../../shared/dataapi/ast';

export type MediaType =
  | { readonly kind: 'json'; readonly stripNulls: boolean }
  | { readonly kind: 'object'; readonly stripNulls: boolean }
  | { readonly kind: 'csv' };

export type CountPreference = 'exact' | 'planned' | 'estimated';

/** The Prefer header, as PostgREST reads it (RFC 7240; the first of each preference wins). */
export interface Preferences {
  readonly count?: CountPreference;
  readonly handling?: 'strict' | 'lenient';
  /** `timezone=…`; the planner checks it against the database's time zone names. */
  readonly timezone?: string;
  /** Tokens no PostgREST preference matches (refused under handling=strict). */
  readonly unknown: readonly string[];
}

export type ApiTarget =
  /** `/{schema}/{table}` or `/{table}` (schema from Accept-Profile or the default). */
  | { readonly kind: 'relation'; readonly schema?: string; readonly name: string }
  | { readonly kind: 'routine'; readonly schema?: string; readonly name: string }
  /** `/`: the OpenAPI description (not served yet). */
  | { readonly kind: 'root'; readonly schema?: string };

export type ApiAction =
  | { readonly kind: 'read'; readonly headOnly: boolean }
  | { readonly kind: 'options' };

export interface ApiRequest {
  readonly action: ApiAction;
  readonly target: ApiTarget;
  readonly query: ReadQuery;
  /** Accept-Profile (reads) / Content-Profile (writes). */
  readonly profile?: string;
  readonly media: MediaType;
  readonly preferences: Preferences;
  /** From the Range header: first row and optional last row, both inclusive. */
  readonly range?: { readonly from: number; readonly to?: number };
  /** The bearer token, if the request carried one; verified by the orchestrator. */
  readonly bearer?: string | { readonly malformed: string };
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}
