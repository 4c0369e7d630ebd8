import type { PierApi } from '../../../shared/contract/contract';
import type { SqlRunInput } from '../../../shared/contract/sql';
import { unwrap } from './RpcCallError';

/** A run is a command, not a cached query: the editor keeps its result in its own state. */
export async function runSql(api: PierApi, input: SqlRunInput) {
  return unwrap('sql.run', await api['sql.run'](input));
}

export async function cancelSql(api: PierApi, runId: string) {
  return unwrap('sql.cancel', await api['sql.cancel']({ runId }));
}
