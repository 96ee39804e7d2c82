# One image for the four services (and the provisioning job); the command picks the service.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NX_DAEMON=false
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY tsconfig.base.json ./
COPY schemas ./schemas
COPY config ./config
COPY libs ./libs
COPY apps ./apps
COPY tools ./tools
COPY infra/bin ./infra/bin
USER node
# e.g. ["infra/bin/node-run", "apps/ingestion/src/main.ts"]
ENTRYPOINT ["infra/bin/node-run"]
