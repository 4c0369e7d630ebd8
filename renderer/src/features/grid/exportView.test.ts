import { describe, expect, it } from 'vitest';
import { closingChunk, csvRowCount, pageChunk } from './exportView';

describe('joining export pages', () => {
  it('CSV keeps the header of the first page only', () => {
    const doc = [pageChunk('csv', 'id,name\n1,a\n2,b', true), pageChunk('csv', 'id,name\n3,c\n', false), closingChunk('csv')].join('');
    expect(doc).toBe('id,name\n1,a\n2,b\n3,c\n');
  });

  it('JSON pages become one array, empty pages included', () => {
    const doc = [
      pageChunk('json', '[{"id":1},{"id":2}]', true),
      pageChunk('json', '[]', false),
      pageChunk('json', '[{"id":3}]', false),
      closingChunk('json'),
    ].join('');
    expect(JSON.parse(doc)).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(JSON.parse(pageChunk('json', '[]', true) + closingChunk('json'))).toEqual([]);
  });

  it('counts CSV rows, not lines inside quoted values', () => {
    expect(csvRowCount('id,note\n1,"two\nlines"\n2,x\n')).toBe(2);
    expect(csvRowCount('id,note\n1,a')).toBe(1);
    expect(csvRowCount('id,note\n')).toBe(0);
  });
});
