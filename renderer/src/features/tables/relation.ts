import type { RelationKind } from '../../../../shared/contract/catalog';
import { locationKey, type Location } from '../../../../shared/contract/location';
import { assertNever } from '../../../../shared/contract/result';
import type { IconName } from '../../ui/Icon';

/**
 * What the explorer opens and a table tab shows, in one neutral module both import (the explorer
 * and the tabs do not import each other).
 */

/** A table, view or other relation as the catalog lists it. */
export interface RelationInfo {
  readonly schema: string;
  readonly name: string;
  readonly kind: RelationKind;
  /** The planner's estimate; negative when Postgres has none yet. */
  readonly estimatedRows: number;
}

/** The id of a relation's tree row and of its table tab, so the tree can mark the open table. */
export function relationId(at: Location, schema: string, name: string): string {
  return `rel:${JSON.stringify([...locationKey(at), schema, name])}`;
}

export function relationIcon(kind: RelationKind): IconName {
  switch (kind) {
    case 'table':
      return 'table';
    case 'view':
      return 'view';
    case 'materialized_view':
      return 'materializedView';
    case 'foreign_table':
      return 'foreignTable';
    case 'partitioned_table':
      return 'partitionedTable';
    default:
      return assertNever(kind, 'relation kind');
  }
}

export function relationKindLabel(kind: RelationKind): string {
  return kind.replace('_', ' ');
}
