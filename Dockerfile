# runstream apps (topology, gateway, command line with the simulated-agent worker) in one image; docker-compose.yml picks the main
# class per service. Build: docker build -t runstream-app:0.1.0-SNAPSHOT .
# Run:   docker run --rm runstream-app:0.1.0-SNAPSHOT dev.runstream.topology.TopologyApp
# Configuration: RUNSTREAM_* environment variables (see README.md, "Configuration").

# ---- build: Maven 3.9 on Temurin 17, the versions the wrapper and the compiler release use ----
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# Tests are compiled (other modules' test jars are dependencies) but not run here: ./mvnw verify
# runs them. Spotless is a source check, not needed to build.
RUN mvn -B -q -DskipTests -Dspotless.check.skip=true \
      -pl topology,producer,gateway,cli -am package \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies -DincludeScope=runtime \
 && mkdir -p /out/lib \
 && for m in topology producer gateway cli; do \
      cp "$m"/target/dependency/*.jar /out/lib/ \
      && cp "$m"/target/runstream-"$m"-*.jar /out/lib/; \
    done \
 && rm -f /out/lib/*-tests.jar /out/lib/*-sources.jar /out/lib/*-javadoc.jar \
 && ls /out/lib

# ---- runtime: a JRE and the jars ----
FROM eclipse-temurin:17.0.16_8-jre
# curl: the compose healthchecks ask the apps' HTTP endpoints.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin runstream
COPY --from=build /out/lib/ /app/lib/
COPY docker/logback.xml /app/conf/logback.xml
USER runstream
WORKDIR /app
# Heap follows the container's memory limit; the main class comes from CMD or the compose command.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", \
            "-Dlogback.configurationFile=/app/conf/logback.xml", "-cp", "/app/lib/*"]
CMD ["dev.runstream.topology.TopologyApp"]
