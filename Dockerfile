# Leasehold worker and webhook starter. The same image runs either:
#   docker run leasehold worker     |     docker run -p 8080:8080 leasehold webhook
# The sandbox workspace package (packages/sandbox: the demo mode's Jira/Okta/Entra servers) is not in
# the image: only its package.json is copied, so that `npm ci` accepts the lock file, and
# `--workspaces=false` installs and keeps the product's own dependencies only.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/sandbox/package.json ./packages/sandbox/
COPY patches ./patches
# Scripts are skipped (no dependency's install script runs); our one patch of the Temporal SDK (see
# patches/) is applied explicitly, and the build fails if it no longer applies.
RUN npm ci --no-audit --no-fund --ignore-scripts --workspaces=false \
 && npx patch-package --error-on-fail
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build:product && npm prune --omit=dev --workspaces=false --ignore-scripts

FROM node:22-bookworm-slim
# The allocator: mimalloc (Debian's libmimalloc2.0), preloaded for every process of the image. With
# glibc's malloc the worker kept freed memory (Temporal's Rust core, Node's buffers, the workflow
# threads) in its arenas: 605 MiB with 1,000 grants with two arenas, 476 MiB with mimalloc (README,
# "Performance"). The dynamic loader reads LD_PRELOAD at start, so it is set here, for the process.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libmimalloc2.0 \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s "/usr/lib/$(uname -m)-linux-gnu/libmimalloc.so.2" /usr/local/lib/libmimalloc.so \
 && test -e /usr/local/lib/libmimalloc.so
# The V8 heap, sized for a container of ~512 MiB rather than for the host: by default V8 sizes it from
# the machine's memory and lets each isolate's old space grow to ~4x what survived the last full
# collection before collecting again, and each young generation to 2 x 16 MiB. The worker has three
# isolates (the main thread's, where the activities run, and two workflow threads); with these flags a
# worker holding 1,000 grants measured 326 MiB instead of 397 (README, "Performance"). The limit is
# per isolate: the worker warns at start when LEASEHOLD_WORKER_CACHE (default 250) may outgrow it.
ENV NODE_ENV=production \
    LEASEHOLD_WEBHOOK_HOST=0.0.0.0 \
    LEASEHOLD_SANDBOXES=off \
    LD_PRELOAD=/usr/local/lib/libmimalloc.so \
    NODE_OPTIONS="--max-old-space-size=512 --max-semi-space-size=4"
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY rules ./rules
USER node
EXPOSE 8080
ENTRYPOINT ["node", "bin/leasehold.js"]
CMD ["worker"]
