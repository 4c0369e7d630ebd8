/** The Content-Type header for each representation a read can produce. */
import type { MediaType } from '../request/ApiRequest';

/** The Content-Type a representation is sent with. */
export function contentTypeOf(media: MediaType): string {
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
  }
}
