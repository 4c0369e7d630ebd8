/** The Allow header of an OPTIONS request: what PostgREST would accept at this path. */
import type { ApiRequest } from '../request/ApiRequest';
import type { SchemaCache } from '../schema-cache/SchemaCache';
import { findRelation } from '../schema-cache/SchemaCache';

const READ = 'OPTIONS,GET,HEAD';

export function allowedMethods(req: ApiRequest, cache: SchemaCache): string {
  const target = req.target;
  const schema = target.schema ?? req.profile ?? cache.config.dbSchemas[0] ?? 'public';
  switch (target.kind) {
    case 'root':
      return READ;
    case 'relation': {
      const relation = findRelation(cache, schema, target.name);
      if (!relation) return READ;
      // As PostgREST: PUT needs both insert and update (it upserts).
      const w = relation.writable;
      return (
        READ + (w.insert ? ',POST' : '') + (w.insert && w.update ? ',PUT' : '') + (w.update ? ',PATCH' : '') + (w.delete ? ',DELETE' : '')
      );
    }
    case 'routine': {
      const routines = cache.routines.filter((r) => r.schema === schema && r.name === target.name);
      return routines.length > 0 && routines.every((r) => r.volatility === 'volatile') ? 'OPTIONS,POST' : 'OPTIONS,GET,HEAD,POST';
    }
  }
}
