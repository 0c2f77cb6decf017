# Earlybird's container image.
#   docker build -t earlybird .
#   docker run -d --name earlybird \
#     -v ./earlybird.yml:/etc/earlybird/earlybird.yml:ro -v earlybird-data:/var/lib/earlybird \
#     -p 9860:9860 -e EARLYBIRD_PG_PASSWORD earlybird
# The config must listen on 0.0.0.0:9860 and keep its store under /var/lib/earlybird: see examples/docker.yml.
# Base images are referenced by tag; pin them by digest (FROM image:tag@sha256:...) in a build that also updates them.

# --- build: the fat jar, with the Maven Wrapper, on a JDK 21 -----------------------------------------------------
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
# The build files first, then the dependencies in a layer of their own: changing a source file does not download
# Maven or Maven Central again. (What go-offline misses is fetched by the package step.)
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline
COPY src src
# Tests run in CI, not here (they start PostgreSQL servers); mdep.skip leaves out the PostgreSQL binaries only the
# tests use.
RUN ./mvnw -B -DskipTests -Dmaven.test.skip=true -Dmdep.skip=true package

# --- run: the jar on a JRE 21, as an unprivileged user ------------------------------------------------------------
FROM eclipse-temurin:21-jre
# A fixed uid/gid, so volume ownership on the host and Kubernetes' runAsUser/fsGroup can rely on it.
RUN groupadd --system --gid 10001 earlybird \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/earlybird --no-create-home \
      --shell /usr/sbin/nologin earlybird \
 && mkdir -p /etc/earlybird /var/lib/earlybird \
 && chown 10001:10001 /var/lib/earlybird
COPY --from=build /src/target/earlybird.jar /opt/earlybird/earlybird.jar
COPY docker/dns.security /opt/earlybird/dns.security

# /etc/earlybird: the config (mount earlybird.yml read-only). /var/lib/earlybird: the history store (a named
# volume, so history survives a new container); also the working directory, so a relative store path lands there.
VOLUME ["/etc/earlybird", "/var/lib/earlybird"]
WORKDIR /var/lib/earlybird

# Heap at most half the container's memory limit (the JVM default is a quarter). Not 75 %, the usual figure for a
# Java service: the DuckDB store caches and aggregates OUTSIDE the heap, up to 2 GB, and both must fit under the
# limit or the kernel kills the container. Replace with -e JAVA_TOOL_OPTIONS=... to tune.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50"

EXPOSE 9860
# Numeric, so Kubernetes' runAsNonRoot can verify it is not root.
USER 10001:10001

# Docker's health probe runs the jar's own healthcheck command (the JRE image need not have curl), on a small
# heap and the quick compiler. It asks /-/healthy at the config's listen address: liveness, which never depends on
# the monitored databases. The agent is healthy as soon as HTTP is up; start-period covers opening a big store.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["java", "-Xmx32m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", "/opt/earlybird/earlybird.jar", "healthcheck", "--config", "/etc/earlybird/earlybird.yml"]

# SIGTERM (docker stop) stops the agent gracefully: the polls in flight finish (up to 5 s), the history is written
# and the store closed, and nothing is resolved because the agent stops; the exit status is then 143.
STOPSIGNAL SIGTERM
# Exec form: java is PID 1 and receives SIGTERM itself (a shell in between would not pass it on).
# -XX:+ExitOnOutOfMemoryError: a JVM out of memory exits and is restarted instead of limping on.
# -Djava.security.properties: a 30 s DNS cache (5 s for failures), so a failed-over RDS endpoint is followed;
# see docker/dns.security for why a -Dnetworkaddress.cache.ttl system property would be ignored.
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-Djava.security.properties=/opt/earlybird/dns.security", "-jar", "/opt/earlybird/earlybird.jar"]
CMD ["run", "--config", "/etc/earlybird/earlybird.yml"]
