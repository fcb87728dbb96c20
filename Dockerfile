# One image for every program: `docker build -t cdn-management-system:1.0.0 .`, then
#   docker run -p 5000:5000 cdn-management-system:1.0.0                      the all-in-one server (the default)
#   docker run cdn-management-system:1.0.0 control-plane --nats-url nats://...
#   docker run cdn-management-system:1.0.0 edge --nats-url nats://...
# Settings as flags after the program's name, or as CDN_* variables (-e CDN_PORT=8080: the HEALTHCHECK reads it).
# The run stage lays files out as a built checkout is (/app is the repository's root), and the test
# test/deploy/start-base.test.ts runs the manifests' containers from a checkout exactly as this image would.

# The current Node.js LTS.
ARG NODE_IMAGE=node:26-slim

# Build: every dependency, then the programs (npm ci runs the build as its prepare script).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json nx.json tsconfig.base.json tsconfig.json ./
COPY libs ./libs
COPY apps ./apps
RUN npm ci --no-audit --no-fund

# Only what the programs need at run time: production dependencies, no install scripts.
FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs/shared/package.json ./libs/shared/
COPY apps/control-plane/package.json ./apps/control-plane/
COPY apps/edge-proxy/package.json ./apps/edge-proxy/
COPY apps/all-in-one/package.json ./apps/all-in-one/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
# tini as PID 1: forwards signals to the program and reaps orphans. /data is where state goes (the all-in-one
# server's nodes file and log, an edge's --state-dir), writable by the program's user only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir /data \
 && chown 10001:10001 /data \
 && chmod 0700 /data
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-dependencies /app/package.json ./package.json
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/libs/shared/package.json ./libs/shared/package.json
COPY --from=build /app/libs/shared/dist ./libs/shared/dist
COPY --from=build /app/apps/control-plane/package.json ./apps/control-plane/package.json
COPY --from=build /app/apps/control-plane/dist ./apps/control-plane/dist
COPY --from=build /app/apps/edge-proxy/package.json ./apps/edge-proxy/package.json
COPY --from=build /app/apps/edge-proxy/dist ./apps/edge-proxy/dist
COPY --from=build /app/apps/all-in-one/package.json ./apps/all-in-one/package.json
COPY --from=build /app/apps/all-in-one/dist ./apps/all-in-one/dist
COPY bin/cdn.js bin/healthcheck.js ./bin/
# A numeric user, so that Kubernetes can check runAsNonRoot without a passwd entry.
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 5000
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 CMD ["node", "/app/bin/healthcheck.js"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/cdn.js"]
CMD ["all-in-one"]
