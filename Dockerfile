# The all-in-one server, as the original's image: port 5000, state and log in /app/data.
FROM node:26-slim
WORKDIR /app
COPY package.json package-lock.json nx.json tsconfig.base.json tsconfig.json ./
COPY libs ./libs
COPY apps ./apps
# npm ci builds the programs (the prepare script); the image keeps only what they need to run.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev
WORKDIR /app/data
EXPOSE 5000
CMD ["node", "/app/apps/all-in-one/dist/main.js"]
