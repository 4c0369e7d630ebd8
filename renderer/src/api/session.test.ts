import { describe, expect, it } from 'vitest';
import { findSession } from './session';

describe('findSession', () => {
  it.each([
    { hash: '#session=abc123', stored: null, want: { kind: 'found', secret: 'abc123', cleanedHash: '' } },
    { hash: 'session=abc123', stored: null, want: { kind: 'found', secret: 'abc123', cleanedHash: '' } },
    { hash: '#session=new', stored: 'old', want: { kind: 'found', secret: 'new', cleanedHash: '' } },
    { hash: '#tab=clients&session=s3', stored: null, want: { kind: 'found', secret: 's3', cleanedHash: '#tab=clients' } },
    { hash: '', stored: 'kept', want: { kind: 'found', secret: 'kept', cleanedHash: null } },
    { hash: '#other=1', stored: 'kept', want: { kind: 'found', secret: 'kept', cleanedHash: null } },
    { hash: '#session=', stored: null, want: { kind: 'missing' } },
    { hash: '', stored: '  ', want: { kind: 'missing' } },
    { hash: '', stored: null, want: { kind: 'missing' } },
  ])('$hash with stored $stored', ({ hash, stored, want }) => {
    expect(findSession(hash, stored)).toEqual(want);
  });

  it('decodes a percent-encoded secret', () => {
    expect(findSession('#session=a%2Bb%3D', null)).toMatchObject({ secret: 'a+b=' });
  });
});
