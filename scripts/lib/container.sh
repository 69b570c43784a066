# shellcheck shell=bash
# Sourced by scripts/container-test.sh and scripts/fresh-machine-test.sh: which container engine to
# call, with which flags, and where the base images come from. Everything a particular machine needs
# comes from these variables, never from a path outside the repository:
#   CONTAINER_ENGINE              the engine command, options allowed: "podman" (the default when
#                                 installed), "docker", or e.g. "podman --runtime /usr/bin/runc"
#   POP3GW_BASE_IMAGES            a command that makes the base images locally, run when an image is
#                                 neither present nor pullable (a machine without registry access)
#   POP3GW_CONTAINER_BUILD_FLAGS  more flags for `build` (e.g. "--ulimit nofile=20000:20000")
#   POP3GW_CONTAINER_RUN_FLAGS    more flags for `run` (e.g. "--ulimit host")
#   POP3GW_CONTAINER_CA_FILE      CA certificates (PEM) a clean container must trust to reach the
#                                 package registries, as behind a TLS-inspecting proxy
# podman's own variables (CONTAINERS_CONF and friends) are passed through as they are.

if [[ -n ${CONTAINER_ENGINE:-} ]]; then
    read -r -a engine_command <<<"$CONTAINER_ENGINE"
elif command -v podman >/dev/null 2>&1; then
    engine_command=(podman)
else
    engine_command=(docker)
fi
engine_name=$(basename "${engine_command[0]}")
read -r -a container_build_flags <<<"--network=host ${POP3GW_CONTAINER_BUILD_FLAGS:-}"
read -r -a container_run_flags <<<"--network=host ${POP3GW_CONTAINER_RUN_FLAGS:-}"
# podman writes OCI images unless told otherwise, and OCI images have no HEALTHCHECK.
[[ $engine_name == podman ]] && container_build_flags+=(--format docker)

engine() { "${engine_command[@]}" "$@"; }

# ensure_images IMAGE...: each image is present, pulled, or made by $POP3GW_BASE_IMAGES.
ensure_images() {
    local image
    for image in "$@"; do
        engine image inspect "$image" >/dev/null 2>&1 && continue
        engine pull -q "$image" >/dev/null 2>&1 && continue
        if [[ -z ${POP3GW_BASE_IMAGES:-} ]]; then
            echo "no image $image, and it cannot be pulled (set POP3GW_BASE_IMAGES to a command that makes it)" >&2
            return 1
        fi
        echo "== base images from $POP3GW_BASE_IMAGES (no registry)" >&2
        bash -c "$POP3GW_BASE_IMAGES" >/dev/null
        engine image inspect "$image" >/dev/null 2>&1 || {
            echo "$POP3GW_BASE_IMAGES did not make $image" >&2
            return 1
        }
    done
}
