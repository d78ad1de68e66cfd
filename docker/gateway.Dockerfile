# syntax=docker/dockerfile:1
# The gateway image: bundled JavaScript on Node 20, production dependencies only, run as the unprivileged
# `node` user. Build from the repository root:
#   docker buildx build --platform linux/arm64 -f docker/gateway.Dockerfile -t <ecr-url>:<tag> .
ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Bundle the TypeScript (dev dependencies: esbuild, tsx).
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY shared ./shared
COPY gateway ./gateway
COPY docker ./docker
RUN npx tsx docker/bundle.ts service gateway

# 2. Production dependencies only (the bundle keeps npm packages external).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. Runtime: the bundle and production node_modules only; writes nothing (read-only root file system).
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules /app/node_modules
COPY --from=build /src/dist/gateway /app
USER node
EXPOSE 8787
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "/app/main.mjs"]
