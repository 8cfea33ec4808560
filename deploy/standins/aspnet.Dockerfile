# Stand-in for mcr.microsoft.com/dotnet/aspnet:10.0: the runtime parts of this machine's .NET (dotnet, host/, shared/)
# and, as in Microsoft's images, a non-root "app" user of uid 1654 named by APP_UID, and port 8080.
FROM localhost/signalengine-dotnet-deps:bookworm
COPY dotnet/dotnet /usr/share/dotnet/dotnet
COPY dotnet/host /usr/share/dotnet/host
COPY dotnet/shared /usr/share/dotnet/shared
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
    && groupadd --gid 1654 app && useradd --uid 1654 --gid app --no-create-home --shell /bin/false app
ENV APP_UID=1654 \
    ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_RUNNING_IN_CONTAINER=true
