# pop3-gateway container image: see README.md, "Container".
#   podman build -t pop3-gateway .      (or docker build)
#   podman run --rm -p 8080:8080 -e POP3GW_UPSTREAM=pop3s://mail.example.com:995 pop3-gateway

# Build stage: a release binary with the Swift runtime linked in, so the runtime stage needs no toolchain.
FROM docker.io/library/swift:6.3-bookworm AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libgmime-3.0-dev libmicrohttpd-dev libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# SwiftPM checks every target's directory, so the tests, benchmarks and fuzzers come along (they are not built).
COPY Package.swift openapi.yaml ./
COPY Sources Sources
COPY Tests Tests
COPY bench bench
COPY Fuzz Fuzz
RUN swift build -c release --static-swift-stdlib --product pop3-gateway \
    && install -D -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/pop3-gateway" \
        /out/pop3-gateway \
    && strip /out/pop3-gateway

# Runtime stage: the C libraries the gateway links (libmicrohttpd, OpenSSL, GMime and theirs) and CA
# certificates for verifying the upstream, nothing else.
FROM docker.io/library/debian:bookworm-slim
# GMime's libgpgme wants `gnupg | gpg`: naming gpg keeps out the gnupg suite (agent, dirmngr, l10n).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ca-certificates gpg libgmime-3.0-0 libmicrohttpd12 libssl3 \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/* \
    && useradd --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin pop3gw
COPY --from=build /out/pop3-gateway /usr/local/bin/pop3-gateway
# Every serve flag is also a POP3GW_* variable (pop3-gateway serve --help); the image listens on all
# interfaces, and needs POP3GW_UPSTREAM.
ENV POP3GW_LISTEN=0.0.0.0:8080
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=5s --retries=3 CMD ["pop3-gateway", "health"]
ENTRYPOINT ["pop3-gateway"]
CMD ["serve"]
