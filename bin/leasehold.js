#!/usr/bin/env node
// The `leasehold` command (compiled by `npm run build`, which `npm ci` runs through `prepare`).
require('../dist/cli/main.js').main();
