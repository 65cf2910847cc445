# Leasehold worker and webhook starter. The same image runs either:
#   docker run leasehold worker     |     docker run -p 8080:8080 leasehold webhook
# The sandbox workspace package (packages/sandbox: the demo mode's Jira/Okta/Entra servers) is not in
# the image: only its package.json is copied, so that `npm ci` accepts the lock file, and
# `--workspaces=false` installs and keeps the product's own dependencies only.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/sandbox/package.json ./packages/sandbox/
RUN npm ci --no-audit --no-fund --ignore-scripts --workspaces=false
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build:product && npm prune --omit=dev --workspaces=false --ignore-scripts

FROM node:22-bookworm-slim
# MALLOC_ARENA_MAX: glibc gives each thread that allocates an arena of its own (up to 8 per core); the
# worker's threads (Temporal's Rust core, the workflow threads, libuv) left ~100 MiB of freed memory
# in them. Two arenas measured 60-100 MiB less RSS under load, at no cost we could measure (README,
# "Performance"). glibc reads it at start, so it is set here, for the process.
ENV NODE_ENV=production \
    LEASEHOLD_WEBHOOK_HOST=0.0.0.0 \
    LEASEHOLD_SANDBOXES=off \
    MALLOC_ARENA_MAX=2
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
