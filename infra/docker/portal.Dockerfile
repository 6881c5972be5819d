# syntax=docker/dockerfile:1
# The portal on its own: the Vite build served by a dependency-free Node static server
# (portal-server.mjs), for deployments that route `/` to it and `/graphql` to the API through an
# ingress (or put it behind a CDN). The API image already serves the same build, so small
# deployments do not need this image. Build from the repository root:
#   docker build -f infra/docker/portal.Dockerfile -t herald-portal .
ARG NODE_IMAGE=node:20-bookworm-slim
ARG TURBO_VERSION=2.11.11

FROM ${NODE_IMAGE} AS prune
ARG TURBO_VERSION
WORKDIR /src
COPY . .
RUN npx --yes turbo@${TURBO_VERSION} prune @herald/portal --docker --out-dir /out

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV CI=1 TURBO_TELEMETRY_DISABLED=1 NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY --from=prune /out/json/ ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY --from=prune /out/full/ ./
COPY tsconfig.json ./
RUN npx turbo run build --filter=@herald/portal

# No node_modules at all: the server uses Node's built-ins only.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production PORT=8080 PORTAL_ROOT=/app/public
WORKDIR /app
COPY --from=build /app/apps/portal/dist ./public
COPY infra/docker/portal-server.mjs ./portal-server.mjs
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "portal-server.mjs"]
