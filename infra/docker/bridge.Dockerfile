# The bridge (authorization server + MCP server) as one image. Build from the repository root:
#   docker build -f infra/docker/bridge.Dockerfile -t mcp-auth-bridge .
FROM node:22-bookworm-slim
ENV PNPM_VERSION=10.34.8 \
    TURBO_TELEMETRY_DISABLED=1 \
    LISTEN_HOST=0.0.0.0
RUN npm install -g pnpm@${PNPM_VERSION}
WORKDIR /app
COPY --chown=node:node . .
USER node
RUN pnpm install --frozen-lockfile
EXPOSE 9000 9100 9443
CMD ["pnpm", "--filter", "@mcp-bridge/bridge", "start"]
