# syntax=docker/dockerfile:1
# One image, two containers (manifests/50-deployment.yaml):
#   interceptor: node signer/main/interceptor.ts   (HTTPS :8443, no key)
#   signer:      node signer/main/signer.ts        (default CMD; keys, event store, socket)
# plus the CLI: node signer/cli/tkn-provenance.ts <command> (the admission webhook is
# `tkn-provenance admission`, its own Deployment: manifests/admission/).
# Node 24 runs the TypeScript sources directly (type stripping): no build output to ship.

# --- check: type-check the sources with the dev toolchain; the image is only built from
# code that type-checks (the runtime stage copies from here, so this stage always runs).
FROM node:24-bookworm-slim AS check
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY signer ./signer
COPY interceptor ./interceptor
COPY admission ./admission
RUN npx tsc -p tsconfig.build.json --noEmit

# --- runtime: production dependencies only, non-root, nothing writable but mounted volumes.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NODE_OPTIONS=--disable-warning=ExperimentalWarning
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` runs tsc, a dev dependency that is not installed here.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=check /app/signer ./signer
COPY --from=check /app/interceptor ./interceptor
COPY --from=check /app/admission ./admission
# 65532 = the conventional "nonroot" uid/gid (distroless); the Deployment sets the same.
USER 65532:65532
ENTRYPOINT ["node"]
CMD ["signer/main/signer.ts"]
