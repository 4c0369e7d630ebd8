/**
 * `npm run package [-- --dir]`: builds the installers of electron-builder.yml for this platform
 * (macOS dmg + zip, Windows nsis, Linux AppImage + deb) into release/, or only the unpacked app.
 * electron-builder downloads Electron, and for some targets its tools, unless ELECTRON_DIST names a
 * local Electron distribution. Signing, notarisation and the update URL come from the environment
 * (see electron-builder.yml and README "Desktop app").
 */
import { packageApp } from './packageApp';

const dir = process.argv.includes('--dir');
const electronDist = process.env.ELECTRON_DIST;
const app = await packageApp({ kind: dir ? 'dir' : 'installers', ...(electronDist ? { electronDist } : {}) });
console.log(`\nunpacked app: ${app.appOutDir}`);
for (const artifact of app.artifacts) console.log(`installer: ${artifact}`);
