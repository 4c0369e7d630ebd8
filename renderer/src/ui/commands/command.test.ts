import { describe, expect, it } from 'vitest';
import { orderCommands, type Command } from './command';
import { CommandRegistry } from './CommandRegistry';

const cmd = (id: string, group: Command['group']): Command => ({ id, title: id, group, run: () => {} });

describe('orderCommands', () => {
  it('lists by group in palette order, keeping contribution order inside a group', () => {
    const ordered = orderCommands([cmd('theme.dark', 'Theme'), cmd('tab.close', 'Tabs'), cmd('open.a', 'Tables'), cmd('open.b', 'Tables')]);
    expect(ordered.map((c) => c.id)).toEqual(['tab.close', 'open.a', 'open.b', 'theme.dark']);
  });

  it('keeps the first of two commands with one id', () => {
    const first = cmd('x', 'Tabs');
    expect(orderCommands([first, { ...cmd('x', 'Tabs'), title: 'second' }])).toEqual([first]);
  });
});

describe('CommandRegistry', () => {
  it('asks each source when listing, and forgets a source once unregistered', () => {
    const registry = new CommandRegistry();
    let title = 'before';
    const stop = registry.register('a', () => [{ ...cmd('a', 'Tabs'), title }]);
    registry.register('b', () => [cmd('b', 'Help')]);
    title = 'after';
    expect(registry.commands().map((c) => c.title)).toEqual(['after', 'b']);
    stop();
    expect(registry.commands().map((c) => c.id)).toEqual(['b']);
  });

  it('an older registration under the same key does not remove the newer one', () => {
    const registry = new CommandRegistry();
    const stopOld = registry.register('k', () => [cmd('old', 'Tabs')]);
    registry.register('k', () => [cmd('new', 'Tabs')]);
    stopOld();
    expect(registry.commands().map((c) => c.id)).toEqual(['new']);
  });
});
