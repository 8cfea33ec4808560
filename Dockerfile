# Build and test on the SDK image, run on the ASP.NET runtime image.
#
# Base: the .NET 10 images are Ubuntu 24.04 "noble" (Microsoft's default for .NET 10 tags). Its libstdc++6 is GCC 14's
# (noble 14-20240412-0ubuntu1, noble-updates 14.2.0-4ubuntu2~24.04.1), which exports GLIBCXX_3.4.30..3.4.33; TorchSharp's
# libLibTorchSharp.so needs at most GLIBCXX_3.4.32. Checked without a Docker engine from the Ubuntu archive's package
# index and the .deb itself: see docs/DEPLOY.md, "Base image".
#
#   docker build -t signalengine .                          (runs the tests; --build-arg RUN_TESTS=false skips them)
#   docker run -p 8080:8080 signalengine                    (SQLite in /var/lib/signalengine, the baked default bundle)
#
# The base images are build arguments so that a machine without access to Microsoft's registry can build this file
# unchanged on stand-ins (scripts/container-test.sh builds them from Debian's packages); the defaults are the official ones.

ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG ASPNET_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM ${SDK_IMAGE} AS build
WORKDIR /src
# Restore first, from the project files only, so a code change does not download the packages again.
COPY Directory.Build.props Directory.Packages.props SignalEngine.sln ./
COPY src/SignalEngine/SignalEngine.csproj src/SignalEngine/
COPY src/SignalEngine.Api/SignalEngine.Api.csproj src/SignalEngine.Api/
COPY src/SignalEngine.Cli/SignalEngine.Cli.csproj src/SignalEngine.Cli/
COPY tests/SignalEngine.Tests/SignalEngine.Tests.csproj tests/SignalEngine.Tests/
COPY clients/dotnet/SignalEngine.Client/SignalEngine.Client.csproj clients/dotnet/SignalEngine.Client/
RUN dotnet restore tests/SignalEngine.Tests/SignalEngine.Tests.csproj
COPY . .
# The PostgreSQL tests need a server; they run in CI (scripts/test.sh), with the loopback topology test.
ARG RUN_TESTS=true
RUN if [ "$RUN_TESTS" = true ]; then \
      dotnet test tests/SignalEngine.Tests -c Release --no-restore --nologo --filter "Category!=Postgres&Category!=Browser"; \
    fi
# linux-x64 only: the other platforms' natives (LightGBM, SQLite) are dead weight in a Linux image.
RUN dotnet publish src/SignalEngine.Api -c Release --no-restore -r linux-x64 --self-contained false -o /app -p:UseAppHost=false

FROM ${ASPNET_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /app ./
# The bundles are baked in: default (OHLCV bars) and close (close-only bars); mount another and point
# Pipeline__BundlePath at it (docs/DEPLOY.md).
COPY models/default ./models/default
COPY models/close ./models/close
# One port. With no Auth__Keys the first start writes an admin key to the writable state folder (mode 0600).
# Audit files carry the host (container) name: replicas sharing the audit volume never append to one file.
ENV ASPNETCORE_HTTP_PORTS=8080 \
    Pipeline__BundlePath=/app/models/default \
    Storage__SqlitePath=/var/lib/signalengine/signals.db \
    Auth__GeneratedKeyPath=/var/lib/signalengine/admin.key \
    Audit__Path=/var/log/signalengine/audit/audit-{host}-.json
RUN mkdir -p /var/lib/signalengine/candidates /var/log/signalengine/audit /models \
    && chown -R "$APP_UID" /var/lib/signalengine /var/log/signalengine
# The image's non-root user ("app", uid 1654).
USER $APP_UID
EXPOSE 8080
# The runtime image has no curl or wget: the service's own probe asks /health/ready (bundle, store, audit file).
HEALTHCHECK --interval=15s --timeout=6s --start-period=60s --retries=3 \
    CMD ["dotnet", "/app/SignalEngine.Api.dll", "--health-check"]
ENTRYPOINT ["dotnet", "/app/SignalEngine.Api.dll"]
