# Debian's PostgreSQL 15, nginx and Prometheus (and curl, which the official nginx image has and the compose gateway's
# healthcheck uses), installed once; the postgres, nginx and prometheus stand-ins are thin targets of this file.
FROM localhost/signalengine-debian:bookworm AS services
RUN mkdir -p /etc/postgresql-common && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf \
    && apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
         postgresql-15 nginx curl prometheus ca-certificates \
    && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default

# postgres:15's contract: POSTGRES_DB/USER/PASSWORD on first start, data in PGDATA, port 5432, pg_isready on PATH.
FROM services AS postgres
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 755 /usr/local/bin/docker-entrypoint.sh \
    && mkdir -p "$PGDATA" /var/run/postgresql && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
ENTRYPOINT ["docker-entrypoint.sh"]
EXPOSE 5432
CMD ["postgres"]

# nginx:1.27's contract: /etc/nginx/conf.d/*.conf inside the http block, port 80, in the foreground.
FROM services AS nginx
RUN ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]

# prom/prometheus's contract: /etc/prometheus/prometheus.yml, data in /prometheus, port 9090, user nobody.
FROM services AS prometheus
RUN mkdir -p /prometheus && chown nobody:nogroup /prometheus
USER nobody
EXPOSE 9090
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
