/**
 * Content negotiation with the database's media type handlers, as PostgREST does it: the
 * accepted types are tried in the client's order; for each, a handler for the resource and any
 * type (only when the select is the default), for the resource and that type, then for any rows
 * and that type; failing those, the built-in representation. `application/vnd.pgrst.*` types
 * cannot be overridden; JSON, CSV and GeoJSON (PostGIS's ST_AsGeoJSON) can.
 */
import type { SelectItem } from '../../../shared/dataapi/ast';
import { failWith, succeed, type Outcome } from '../errors/ApiError';
import { mediaTypeUnavailable } from '../errors/pgrstErrors';
import type { ApiRequest, MediaType } from '../request/ApiRequest';
import { acceptedTypes } from '../request/negotiateMedia';
import { mediaHandler, type QualifiedName, type SchemaCache } from '../schema-cache/SchemaCache';
import type { PlanMedia } from './ActionPlan';

const GEOJSON = 'application/geo+json';

/** `select` absent or `*`: only then do a resource's own handlers apply. */
export function isDefaultSelect(select: readonly SelectItem[] | undefined): boolean {
  return select === undefined || (select.length === 1 && select[0]!.kind === 'star');
}

/**
 * `chosen` is the built-in representation the planner picked (the first accepted one, plans only
 * where `plans` allows them), or `unmatched` when no built-in one fits.
 */
export function resolveMedia(
  req: ApiRequest,
  cache: SchemaCache,
  chosen: { readonly media: MediaType; readonly plans: boolean },
  target: QualifiedName,
  defaultSelect: boolean,
): Outcome<PlanMedia> {
  const media = chosen.media;
  // Most requests: a built-in representation and no handlers to consider.
  if (media.kind !== 'unmatched' && (cache.mediaHandlers?.size ?? 0) === 0) return succeed(media);
  const accepted = acceptedTypes(req.headers['accept']);
  for (const { type, builtin } of accepted) {
    if (builtin?.kind === 'plan' && !chosen.plans) continue;
    if (builtin && (builtin.kind === 'object' || builtin.kind === 'plan' || (builtin.kind === 'json' && builtin.stripNulls))) {
      return succeed(builtin);
    }
    const entry =
      (defaultSelect ? (mediaHandler(cache, target, '*/*') ?? mediaHandler(cache, target, type)) : undefined) ??
      mediaHandler(cache, '*', type);
    if (entry) return succeed({ kind: 'custom', type: entry.contentType, handler: entry.handler, binary: entry.binary });
    if (type === GEOJSON) return succeed({ kind: 'custom', type: GEOJSON, handler: { kind: 'geojson' }, binary: false });
    if (builtin && builtin.kind !== 'unmatched') return succeed(builtin);
  }
  return failWith(mediaTypeUnavailable(accepted.map((a) => a.type).join(', ')));
}
