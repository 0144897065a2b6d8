# The Duty Graph API/UI. With NEO4J_URI set (see docker-compose.yml) it uses Neo4j; without it, the
# embedded FalkorDB server in /data (mount a volume there to keep the graph).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 DUTYGRAPH_DATA=/data
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graph ./graph
COPY loaders ./loaders
COPY api ./api
COPY viz ./viz
COPY queries ./queries
COPY data/samples ./data/samples
# editable: settings find data/samples and queries/ next to the sources
RUN pip install -e . && useradd --create-home dutygraph && mkdir -p /data && chown dutygraph /data
USER dutygraph
EXPOSE 8000
CMD ["dutygraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
