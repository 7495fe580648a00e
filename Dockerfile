# ppid-gateway: the production image. Mount the config at /etc/ppid-gateway/config.yaml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY gateway gateway
COPY connectors connectors
COPY schema schema
COPY cache cache
COPY simulator simulator
RUN pip install . && useradd --system --home /app ppid
USER ppid

EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/readyz').status == 200 else 1)"
ENTRYPOINT ["ppid-gateway"]
CMD ["serve", "--config", "/etc/ppid-gateway/config.yaml", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
