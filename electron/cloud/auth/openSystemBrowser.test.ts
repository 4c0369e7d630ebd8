import { describe, expect, it } from 'vitest';
import { openSystemBrowser } from './openSystemBrowser';

describe('openSystemBrowser', () => {
  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'ssh://host'])('refuses %s', async (url) => {
    await expect(openSystemBrowser(url)).rejects.toThrow(/Refusing to open/);
  });
});
