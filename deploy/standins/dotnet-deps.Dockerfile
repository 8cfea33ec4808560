# What Microsoft's .NET 10 images add to their OS: CA certificates, ICU, OpenSSL, zlib, time zones. TorchSharp's
# native library needs GLIBCXX_3.4.32, which bookworm's libstdc++ lacks: trixie's, under a low pin (as on the host).
FROM localhost/signalengine-debian:bookworm
ARG MIRROR
RUN printf 'deb %s trixie main\n' "$MIRROR" > /etc/apt/sources.list.d/trixie.list \
    && printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' > /etc/apt/preferences.d/trixie \
    && apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
         ca-certificates libicu72 libssl3 zlib1g tzdata \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -t trixie libstdc++6 \
    && rm -rf /var/lib/apt/lists/*
