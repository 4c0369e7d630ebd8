import { describe, expect, it } from 'vitest';
import { statusOf } from './statusOf';

describe('statusOf', () => {
  it.each([
    ['PGRST100', 400],
    ['PGRST002', 503],
    ['PGRST103', 416],
    ['PGRST106', 406],
    ['PGRST116', 406],
    ['PGRST200', 400],
    ['PGRST201', 300],
    ['PGRST205', 404],
    ['PGRST301', 401],
    ['PGRST302', 401],
    ['PGRST303', 401],
    ['PGRST999', 500],
    ['PGRST105', 405],
    ['PGRST115', 400],
    ['PGRST124', 400],
    ['PGRST413', 413],
    ['08006', 503],
    ['0P000', 403],
    ['23503', 409],
    ['23505', 409],
    ['25006', 405],
    ['28P01', 403],
    ['42883', 404],
    ['42P01', 404],
    ['42703', 400],
    ['22P02', 400],
    ['53400', 500],
    ['53300', 503],
    ['57014', 500],
    ['57P03', 503],
    ['23502', 400],
    ['23514', 400],
    ['P0001', 400],
    ['P0002', 500],
    ['XX000', 500],
  ])('%s → %i', (code, status) => {
    expect(statusOf(code, true)).toBe(status);
  });
  it('gives 401 for a role that does not exist, 400 for other bad parameters', () => {
    expect(statusOf('22023', true, 'role "x" does not exist')).toBe(401);
    expect(statusOf('22023', true, 'invalid value for parameter')).toBe(400);
  });
  it('gives 42501 401 for anonymous requests and 403 for authenticated ones', () => {
    expect(statusOf('42501', false)).toBe(401);
    expect(statusOf('42501', true)).toBe(403);
  });
});
