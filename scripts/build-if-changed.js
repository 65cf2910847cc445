#!/usr/bin/env node
/**
 * `npm start` builds only when something it is built from changed since the last build: the sources
 * (src/, the sandbox package's src/), the TypeScript settings and the package manifests. A build that
 * finishes writes dist/.build-stamp; a source newer than the stamp (or no stamp) means build again.
 *
 *   node scripts/build-if-changed.js          build when stale, else say it is up to date
 *   node scripts/build-if-changed.js --stamp  record that a build just finished (the build script's last step)
 *
 * Modification times rather than content hashes: a checkout or an edit touches the file, and reading
 * ~300 mtimes takes milliseconds where hashing would read every byte.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const inputs = [
  'src',
  'packages/sandbox/src',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'packages/sandbox/package.json',
  'packages/sandbox/tsconfig.json',
];

/** The newest modification time among the build's inputs, and the file that has it. */
function newestInput() {
  let newest = { mtimeMs: 0, file: '' };
  const visit = (file) => {
    if (!fs.existsSync(file)) return;
    const stat = fs.statSync(file);
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(file)) visit(path.join(file, entry));
    } else if (stat.mtimeMs > newest.mtimeMs) newest = { mtimeMs: stat.mtimeMs, file };
  };
  for (const input of inputs) visit(path.join(root, input));
  return newest;
}

function main() {
  if (process.argv.includes('--stamp')) {
    fs.mkdirSync(path.dirname(stamp), { recursive: true });
    fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
    return 0;
  }
  const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
  const newest = newestInput();
  if (built > 0 && newest.mtimeMs <= built) {
    process.stderr.write('leasehold: build is up to date (nothing changed since the last build)\n');
    return 0;
  }
  const why = built === 0 ? 'no build yet' : `${path.relative(root, newest.file)} changed`;
  process.stderr.write(`leasehold: building (${why})…\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  return result.status ?? 1;
}

process.exitCode = main();
