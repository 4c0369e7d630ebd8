import { describe, expect, it } from 'vitest';
import { connectionAddress } from './endpointPools';

describe('connectionAddress', () => {
  it.each([
    [
      'ep-sweet-butterfly-y2nm75e1.database.us-west-2.cloud.databricks.com',
      { host: 'ep-sweet-butterfly-y2nm75e1.database.us-west-2.cloud.databricks.com', port: 5432, tls: true },
    ],
    ['ep-x.database.westeurope.azuredatabricks.net:6543', { host: 'ep-x.database.westeurope.azuredatabricks.net', port: 6543, tls: true }],
    ['127.0.0.1:54321', { host: '127.0.0.1', port: 54321, tls: false }],
    ['localhost', { host: 'localhost', port: 5432, tls: false }],
  ])('%s → %j', (host, address) => {
    expect(connectionAddress(host)).toEqual(address);
  });
});
