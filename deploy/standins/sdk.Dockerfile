# Stand-in for mcr.microsoft.com/dotnet/sdk:10.0: this machine's own .NET SDK folder and CA bundle (the NuGet registry is
# reached through TLS inspection here, so a restore inside the build needs the machine's trust store).
FROM localhost/signalengine-dotnet-deps:bookworm
ARG NUGET_CERT_REVOCATION_MODE=online
COPY dotnet /usr/share/dotnet
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV DOTNET_RUNNING_IN_CONTAINER=true \
    DOTNET_USE_POLLING_FILE_WATCHER=true \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    NUGET_XMLDOC_MODE=skip \
    NUGET_CERT_REVOCATION_MODE=$NUGET_CERT_REVOCATION_MODE
