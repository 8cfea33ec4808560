# First draft; the deployment issue finishes it (health check tool, non-root checks, bundle mounting notes).
# Build and test on the SDK image, run on the ASP.NET runtime image. The .NET 10 images are Ubuntu 24.04, whose
# libstdc++ (GCC 14) has the GLIBCXX_3.4.32 TorchSharp's native library needs.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/SignalEngine.Api -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
COPY appsettings.json ./
COPY models/default ./models/default
ENV ASPNETCORE_URLS=http://+:8080 \
    Pipeline__BundlePath=/app/models/default \
    Storage__SqlitePath=/var/lib/signalengine/signals.db \
    Audit__Path=/var/log/signalengine/audit/audit-.json
RUN mkdir -p /var/lib/signalengine /var/log/signalengine/audit && chown -R app:app /var/lib/signalengine /var/log/signalengine
USER app
EXPOSE 8080
ENTRYPOINT ["dotnet", "SignalEngine.Api.dll"]
