# syntax=docker/dockerfile:1
#
# Verbatim, the Discord bot, as an image:
#
#   docker build -t verbatim .                      # the model baked in (downloaded at build time)
#   docker build -t verbatim --build-arg MODEL=mount .   # no model inside: mount one and set MODEL_DIR
#   docker compose up -d                            # see compose.yaml
#
# Stages: `deps` installs the production dependencies (npm ci --omit=dev; hnswlib-node's native addon is
# compiled there, which needs python3, make and g++), `build` compiles the TypeScript with every
# dependency, `model-fetch` downloads the model with the compiled `npm run model:fetch`, and `runtime`
# gets only their results: a slim image running as the unprivileged `node` user, the index and the
# feedback on the /data volume, a HEALTHCHECK on /readyz. tests/production/image.test.ts runs these
# steps in a clean directory.

ARG NODE_IMAGE=node:20-bookworm-slim
# fetch: the model is downloaded into the image at build time; mount: it is not (mount a model
# directory, e.g. one made by `npm run model:fetch`, and set MODEL_DIR to it).
ARG MODEL=fetch

FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# npm ci runs the `prepare` script, which compiles only when the sources are there (not yet, here).
COPY package.json package-lock.json ./
COPY scripts/build-on-install.mjs scripts/

# The production dependencies, as the runtime will have them.
FROM toolchain AS deps
RUN npm ci --omit=dev --no-audit --no-fund

# Every dependency, then the compiled tree in dist/.
FROM toolchain AS build
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# The model, baked in: the compiled model:fetch into /app/models (MODEL_CACHE_DIR in the runtime).
FROM build AS model-fetch
ARG MODEL_ID=Xenova/all-MiniLM-L6-v2
ARG MODEL_QUANTIZED=true
ARG MODEL_HUB_URL=https://huggingface.co
RUN MODEL_DIR= MODEL_CACHE_DIR=/app/models MODEL_ID=${MODEL_ID} MODEL_QUANTIZED=${MODEL_QUANTIZED} MODEL_HUB_URL=${MODEL_HUB_URL} \
    node dist/scripts/model-fetch.js

# No model inside: an empty cache directory (MODEL_DIR points at the mounted one).
FROM build AS model-mount
RUN mkdir -p /app/models

FROM model-${MODEL} AS model

FROM ${NODE_IMAGE} AS runtime
ARG MODEL_ID=Xenova/all-MiniLM-L6-v2
ARG MODEL_QUANTIZED=true
ENV NODE_ENV=production \
    CORPUS_DIR=/app/corpus \
    INDEX_DIR=/data/index \
    DATABASE_FILE=/data/verbatim.db \
    FEEDBACK_FILE=/data/feedback.jsonl \
    MODEL_CACHE_DIR=/app/models \
    MODEL_ID=${MODEL_ID} \
    MODEL_QUANTIZED=${MODEL_QUANTIZED} \
    HEALTH_PORT=9464 \
    HEALTH_HOST=127.0.0.1
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json package-lock.json ./
COPY scripts/check-build.mjs scripts/build-freshness.mjs scripts/run-compiled.mjs scripts/
COPY corpus corpus
COPY --from=model /app/models models
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 9464
# Ready: the model and the index loaded and the Discord gateway connected. The first start builds the index
# of CORPUS_DIR into the volume when it has none, hence the long start period.
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HEALTH_PORT || 9464) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: the bot finishes the answers in progress (up to 20 s) and exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "dist/scripts/start.js"]
