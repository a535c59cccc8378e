// `node --import ./test/support/loaded-packages.mjs <script>`: on exit, writes the npm packages
// the script loaded, one per line, to the file named by OP_LOADED_PACKAGES_FILE.
import fs from 'node:fs';
import { registerHooks } from 'node:module';

const packages = new Set();
registerHooks({
  load(url, context, next) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    if (name) packages.add(name);
    return next(url, context);
  },
});
process.on('exit', () => fs.writeFileSync(process.env.OP_LOADED_PACKAGES_FILE, [...packages].join('\n')));
