import { describe, expect, it } from 'vitest';
import { formatResourceName, lastIdOf, parentName, parseResourceName, type ResourceName } from './resourceName';

const examples: [string, ResourceName][] = [
  ['projects/p1', { kind: 'project', projectId: 'p1' }],
  ['projects/p1/branches/production', { kind: 'branch', projectId: 'p1', branchId: 'production' }],
  ['projects/p1/branches/dev/endpoints/primary', { kind: 'endpoint', projectId: 'p1', branchId: 'dev', endpointId: 'primary' }],
  ['projects/p1/branches/dev/roles/alice', { kind: 'role', projectId: 'p1', branchId: 'dev', roleId: 'alice' }],
  ['projects/p1/branches/dev/databases/app', { kind: 'database', projectId: 'p1', branchId: 'dev', databaseId: 'app' }],
  ['projects/p1/branches/dev/databases/app/data-api', { kind: 'dataApi', projectId: 'p1', branchId: 'dev', databaseId: 'app' }],
];

describe('resource names', () => {
  it.each(examples)('%s parses and formats back', (text, name) => {
    expect(parseResourceName(text)).toEqual(name);
    expect(formatResourceName(name)).toBe(text);
  });

  it.each([
    '',
    'projects',
    'projects/',
    'project/p1',
    'projects/P1',
    'projects/p1/branch/dev',
    'projects/p1/branches/dev/things/x',
    'projects/p1/branches/dev/endpoints',
    'projects/p1/branches/dev/endpoints/e/extra',
    'projects/p1/branches/dev/databases/app/data-api/x',
    'projects/p1/branches/../endpoints/e',
    'projects/p1/branches/dev/operations/1234',
    '/projects/p1',
  ])('rejects %j', (text) => {
    expect(parseResourceName(text)).toBeUndefined();
  });

  it.each([
    [examples[0]![1], undefined],
    [examples[1]![1], 'projects/p1'],
    [examples[2]![1], 'projects/p1/branches/dev'],
    [examples[5]![1], 'projects/p1/branches/dev/databases/app'],
  ])('parent of %j is %j', (name, parent) => {
    expect(parentName(name)).toBe(parent);
  });

  it.each([
    ['projects/p1', 'p1'],
    ['projects/p1/branches/dev/endpoints/ep', 'ep'],
    ['projects/p1/branches/dev/databases/app/data-api', 'app'],
    ['projects', undefined],
  ])('lastIdOf(%j) = %j', (name, id) => {
    expect(lastIdOf(name)).toBe(id);
  });
});
