#!/usr/bin/env node
/**
 * The package registry of our build machines serves Linux builds of native packages only, so npm
 * leaves the other platforms' optional packages (@swc/core-darwin-arm64, …) out of
 * package-lock.json, and `npm ci` then refuses the lock as out of sync. This adds those entries back
 * (version, optional, os/cpu from the name) so that `npm ci` accepts the lock and skips them, as it
 * does with a lock made against the public registry. Run after changing dependencies:
 *   npm install && node scripts/complete-lockfile.js
 */
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const packages = lock.packages;
const osNames = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];
const cpus = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32', 'mips64el'];

let added = 0;
for (const [where, pkg] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(pkg.optionalDependencies ?? {})) {
    const base = where ? `${where}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[base] || packages[`node_modules/${name}`]) continue;
    const parts = name.split('/').pop().split('-');
    const os = osNames.find((o) => parts.includes(o));
    const cpu = cpus.find((c) => parts.includes(c) || parts.includes(c.replace('arm', 'armv7')));
    if (!os) continue; // not a platform build: leave it to npm
    const version = String(range).replace(/^[\^~=]/, '');
    packages[`node_modules/${name}`] = {
      version,
      cpu: cpu ? [cpu === 'arm' ? 'arm' : cpu] : undefined,
      dev: pkg.dev,
      optional: true,
      os: [os],
    };
    added++;
  }
}
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`package-lock.json: added ${added} other-platform optional entries\n`);
