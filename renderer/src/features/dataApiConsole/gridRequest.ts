import type { ViewAs } from '../../../../shared/contract/dataApi';
import type { ReadQuery } from '../../../../shared/dataapi/ast';
import type { CountMode } from '../../api/dataApi';
import { readableQuery } from '../grid/gridQuery';
import type { ConsoleRequest } from './consoleRequest';

/** The grid's current read as a console request: the same URL, count preference and identity. */
export function gridRequest(schema: string, table: string, query: ReadQuery, count: CountMode, viewAs: ViewAs): ConsoleRequest {
  const q = readableQuery(query);
  return {
    method: 'GET',
    target: `/${schema}/${table}${q ? `?${q}` : ''}`,
    headers: [{ name: 'Prefer', value: `count=${count}`, enabled: true }],
    body: '',
    viewAs,
  };
}
