/** The Content-Type header for each representation a read can produce. */
import type { PlanMedia } from '../plan/ActionPlan';

/** Media types PostgREST knows by name get a charset; others (text/html, image/png…) go as they are. */
const WITH_CHARSET = new Set([
  'application/json',
  'application/geo+json',
  'text/csv',
  'text/plain',
  'text/xml',
  'application/openapi+json',
]);

/** The Content-Type a representation is sent with. */
export function contentTypeOf(media: PlanMedia): string {
  switch (media.kind) {
    case 'json':
      return media.stripNulls ? 'application/vnd.pgrst.array+json; nulls=stripped; charset=utf-8' : 'application/json; charset=utf-8';
    case 'object':
      return media.stripNulls
        ? 'application/vnd.pgrst.object+json; nulls=stripped; charset=utf-8'
        : 'application/vnd.pgrst.object+json; charset=utf-8';
    case 'csv':
      return 'text/csv; charset=utf-8';
    case 'plan':
      return `application/vnd.pgrst.plan+${media.format}; for="application/json"; charset=utf-8`;
    case 'custom':
      return WITH_CHARSET.has(media.type) ? `${media.type}; charset=utf-8` : media.type;
  }
}
