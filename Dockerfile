# The API image for docker compose; Neo4j runs in its own container (see docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY prov_export ./prov_export
COPY cypher ./cypher
RUN pip install --no-cache-dir .
EXPOSE 8000
CMD ["provgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
