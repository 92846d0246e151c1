// Where the package's own files are (db/migrations, config/, public/), found
// from this module's place in the build: dist/src/paths.js is two folders
// below the package root. Below every module that needs it, so that the
// store and the config can both use it without importing each other.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
