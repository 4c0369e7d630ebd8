// `npm run icons`: renders build/icon.svg to build/icon.png (1024×1024, transparent corners) with the
// Chromium the tests already use. electron-builder makes the macOS .icns, the Windows .ico and the
// Linux icon set from that PNG, so only the SVG and its PNG are kept in the repository.
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const svg = readFileSync(path.join(root, 'build/icon.svg'), 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.PIER_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1024, height: 1024 } });
  await page.setContent(`<style>html,body{margin:0;background:transparent}svg{display:block;width:1024px;height:1024px}</style>${svg}`);
  const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: 1024, height: 1024 } });
  writeFileSync(path.join(root, 'build/icon.png'), png);
  console.log(`build/icon.png: ${png.length} bytes`);
} finally {
  await browser.close();
}
