# syntax=docker/dockerfile:1
# Herald API (GraphQL over HTTP + graphql-ws) with the portal's static build, which the API serves
# at / so one origin carries both. Build from the repository root:
#   docker build -f infra/docker/api.Dockerfile -t herald-api .
ARG NODE_IMAGE=node:20-bookworm-slim
ARG TURBO_VERSION=2.11.11

# Cut the monorepo down to the API, the portal and the packages they use, with a matching lockfile
# (turbo's Docker recipe), so unrelated changes do not invalidate the npm ci layer below.
FROM ${NODE_IMAGE} AS prune
ARG TURBO_VERSION
WORKDIR /src
COPY . .
RUN npx --yes turbo@${TURBO_VERSION} prune @herald/api @herald/portal --docker --out-dir /out

FROM ${NODE_IMAGE} AS build
ARG TURBO_VERSION
WORKDIR /app
ENV CI=1 TURBO_TELEMETRY_DISABLED=1 NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY --from=prune /out/json/ ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY --from=prune /out/full/ ./
COPY tsconfig.json ./
RUN npx turbo run build --filter=@herald/api... --filter=@herald/portal \
 && npm prune --omit=dev \
 && rm -rf apps/*/src packages/*/src .turbo apps/*/.turbo packages/*/.turbo node_modules/.cache

FROM ${NODE_IMAGE}
ENV NODE_ENV=production HERALD_ENV=production PORT=4000 HOST=0.0.0.0
WORKDIR /app
# Owned by root, so the app (running as `node`) cannot rewrite its own code.
COPY --from=build /app ./
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--enable-source-maps", "apps/api/dist/main.js"]
