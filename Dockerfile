# wirefeed: build in one stage, run from a slim, non-root one.
#   docker build -t wirefeed .
#   docker run -p 8080:8080 -v wirefeed-data:/data --stop-timeout 30 wirefeed
# SIGTERM stops it gracefully (README: Running in production); a running
# fetch may take ingest.timeout_seconds, hence more than Docker's default 10 s.

# Node 26, the active LTS line since October 2026 (24 is in maintenance),
# pinned to a release so that a rebuild gets the same runtime, on Debian 13
# (trixie, the stable release). The test suite passes on this release too
# (npm ci and npm test under node 26.10.0; better-sqlite3 12 supports 20-26).
# package.json's engines (>=20.18.1) is what the code needs, not what the
# image runs.
ARG NODE_IMAGE=node:26.10.0-trixie-slim

# --- build: compile better-sqlite3 and the TypeScript -------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/build.mjs
COPY src ./src
COPY db ./db
COPY config ./config
COPY public ./public
# A production install, as on any server: better-sqlite3 is built, and
# "prepare" compiles src/ (typescript and the @types are dependencies for
# that). The image runs dist/ and never compiles, so they are dropped after.
RUN npm ci --omit=dev \
 && rm -rf node_modules/typescript node_modules/@types \
 && npm cache clean --force

# --- run -------------------------------------------------------------------------
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    WIREFEED_DB=/data/wirefeed.db \
    WIREFEED_PORT=8080
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./package.json
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/db ./db
COPY --from=build --chown=root:root /app/config ./config
COPY --from=build --chown=root:root /app/public ./public
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.WIREFEED_PORT || 8080) + '/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# V8's memory reducer shrinks the heap after a few seconds of light traffic,
# and the next burst of requests then pays for it in garbage collections: 304s
# ran at 0.71-0.76 of a bare server with it and 0.87-1.01 without (BENCHMARKS.md).
CMD ["node", "--no-memory-reducer", "dist/src/main.js", "serve"]
