# syntax=docker/dockerfile:1
# Herald billing: Stripe webhooks (POST /stripe/webhook) and, with Temporal configured, the
# usage-reporting worker. Build from the repository root:
#   docker build -f infra/docker/billing.Dockerfile -t herald-billing .
ARG NODE_IMAGE=node:20-bookworm-slim
ARG TURBO_VERSION=2.11.11

FROM ${NODE_IMAGE} AS prune
ARG TURBO_VERSION
WORKDIR /src
COPY . .
RUN npx --yes turbo@${TURBO_VERSION} prune @herald/billing --docker --out-dir /out

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV CI=1 TURBO_TELEMETRY_DISABLED=1 NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY --from=prune /out/json/ ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY --from=prune /out/full/ ./
COPY tsconfig.json ./
RUN npx turbo run build --filter=@herald/billing... \
 && npm prune --omit=dev \
 && rm -rf apps/*/src packages/*/src .turbo apps/*/.turbo packages/*/.turbo node_modules/.cache

FROM ${NODE_IMAGE}
# The service binds loopback by default (it sits behind the API in development); in a container
# it must listen on all interfaces.
ENV NODE_ENV=production HERALD_ENV=production HERALD_BILLING_HOST=0.0.0.0 HERALD_BILLING_PORT=4100
WORKDIR /app
COPY --from=build /app ./
USER node
EXPOSE 4100
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HERALD_BILLING_PORT||4100)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--enable-source-maps", "apps/billing/dist/main.js"]
