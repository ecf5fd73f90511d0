# The dashboard is built in its own stage (Vite and React are build-time dependencies only).
FROM node:22-bookworm-slim AS dashboard
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY client ./client
RUN npm run dashboard:build

# The API server with the pinned Claude Code CLI, serving the built dashboard. Runs as an
# unprivileged user: the CLI refuses permission bypass as root, and agents should never hold more
# rights than they need.
FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Runtime dependencies only: what the server and its operator commands (token, secrets, backup,
# restore, migrate) import.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .
COPY --from=dashboard /app/client/dashboard/dist ./client/dashboard/dist
RUN useradd --create-home --uid 10001 agent \
  && mkdir -p /data /workspace \
  && chown -R agent:agent /data /workspace
USER agent
ENV HOST=0.0.0.0 API_PORT=4005 DASHBOARD_PORT=6011 DATA_DIR=/data WORKSPACE_ROOT=/workspace
EXPOSE 4005 6011
HEALTHCHECK --interval=15s --timeout=3s CMD node -e "fetch('http://127.0.0.1:4005/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "server/main.ts"]
