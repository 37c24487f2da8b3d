# syntax=docker/dockerfile:1
# One image for the predictor and the scaler (docs/deployment.md). Its RUN lines are the commands
# in infra/image/build-steps.ts, which test/infra/production-build.test.ts runs and
# test/infra/image-definition.test.ts holds this file to.
#
#   docker build -t headroom .
#   docker run headroom dist/predictor/main.js --roles api,worker,scheduler
#   docker run headroom dist/scaler/main.js --config /etc/headroom/scaler.yaml

# Build stage: every dependency (esbuild, TypeScript), then the bundles and the dashboard in dist/.
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Runtime stage: only the runtime dependencies (tfjs-node where libtensorflow installs, the
# WebAssembly backend otherwise) and the bundles; no compiler, no TypeScript loader.
FROM node:22-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
# Read-only root file system friendly: the only writes go to these volumes (models, temporary
# files); everything under /app belongs to root and is only read.
ENV PREDICTOR_MODEL_DIR=/data/models \
    TMPDIR=/tmp \
    PREDICTOR_HOST=0.0.0.0 \
    SCALER_METRICS_HOST=0.0.0.0
VOLUME ["/data", "/tmp"]
# The node image's unprivileged user (uid 1000).
USER 1000:1000
EXPOSE 8090 8091
ENTRYPOINT ["node"]
CMD ["dist/predictor/main.js"]
