import { describe, expect, it } from 'vitest';
import { connectionAddress } from './endpointPools';

describe('connectionAddress', () => {
  it.each([
    [
      'ep-sweet-butterfly-y2nm75e1.database.us-west-2.cloud.databricks.com',
      { host: 'ep-sweet-butterfly-y2nm75e1.database.us-west-2.cloud.databricks.com', port: 5432, loopback: false },
    ],
    [
      'ep-x.database.westeurope.azuredatabricks.net:6543',
      { host: 'ep-x.database.westeurope.azuredatabricks.net', port: 6543, loopback: false },
    ],
    ['127.0.0.1:54321', { host: '127.0.0.1', port: 54321, loopback: true }],
    ['localhost', { host: 'localhost', port: 5432, loopback: true }],
    ['localhost:6432', { host: 'localhost', port: 6432, loopback: true }],
  ])('%s → %j', (host, address) => {
    expect(connectionAddress(host)).toEqual(address);
  });
});
