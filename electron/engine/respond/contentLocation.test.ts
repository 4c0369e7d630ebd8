import { describe, expect, it } from 'vitest';
import { contentLocation } from './toResponse';

describe('contentLocation', () => {
  it('keeps a query string already in canonical form as it is', () => {
    expect(contentLocation('clients', 'id=eq.5')).toBe('/clients?id=eq.5');
    expect(contentLocation('clients', 'id=eq.5&select=id')).toBe('/clients?id=eq.5&select=id');
    expect(contentLocation('clients', 'id=')).toBe('/clients?id=');
  });

  it('sorts keys, joins a repeated key and escapes what needs it', () => {
    expect(contentLocation('clients', 'select=id&id=eq.5')).toBe('/clients?id=eq.5&select=id');
    expect(contentLocation('clients', 'id=gt.1&id=lt.9')).toBe('/clients?id=gt.1,lt.9');
    expect(contentLocation('clients', 'select=id,name')).toBe('/clients?select=id%2Cname');
    expect(contentLocation('clients', 'name=eq.a%20b')).toBe('/clients?name=eq.a%20b');
    expect(contentLocation('clients', 'name=eq.a+b')).toBe('/clients?name=eq.a%20b');
    expect(contentLocation('clients', 'a=b=c')).toBe('/clients?a=b%3Dc');
    expect(contentLocation('clients', 'limit')).toBe('/clients?limit=');
    expect(contentLocation('clients', 'id=eq.1&&limit=2')).toBe('/clients?id=eq.1&limit=2');
    expect(contentLocation('my table', 'x=eq.(1)')).toBe('/my%20table?x=eq.%281%29');
  });
});
