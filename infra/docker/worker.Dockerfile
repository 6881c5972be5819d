# syntax=docker/dockerfile:1
# Herald delivery worker (Temporal). Probes and metrics on HERALD_METRICS_PORT (9464).
# Build from the repository root:
#   docker build -f infra/docker/worker.Dockerfile -t herald-worker .
ARG NODE_IMAGE=node:20-bookworm-slim
ARG TURBO_VERSION=2.11.11

FROM ${NODE_IMAGE} AS prune
ARG TURBO_VERSION
WORKDIR /src
COPY . .
RUN npx --yes turbo@${TURBO_VERSION} prune @herald/worker --docker --out-dir /out

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV CI=1 TURBO_TELEMETRY_DISABLED=1 NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY --from=prune /out/json/ ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY --from=prune /out/full/ ./
COPY tsconfig.json ./
# The build also pre-bundles the workflow code (dist/workflow-bundle.js), so the worker never runs
# webpack at start-up.
RUN npx turbo run build --filter=@herald/worker... \
 && npm prune --omit=dev \
 && rm -rf apps/*/src packages/*/src .turbo apps/*/.turbo packages/*/.turbo node_modules/.cache

FROM ${NODE_IMAGE}
# A bounded heap keeps memory flat under load (see infra/dev/node-flags.mjs); raise it with the
# container's memory limit.
ENV NODE_ENV=production HERALD_ENV=production HERALD_METRICS_PORT=9464 \
    NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=8"
WORKDIR /app
COPY --from=build /app ./
USER node
EXPOSE 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HERALD_METRICS_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--enable-source-maps", "apps/worker/dist/main.js"]
