declare const __PIER_VERSION__: string | undefined;

/** Pier's version, compiled in from package.json by scripts/build.mjs; "development" when run from source (tests). */
export const PIER_VERSION: string = typeof __PIER_VERSION__ === 'string' ? __PIER_VERSION__ : 'development';
