#!/usr/bin/env bash
# ims-iam serve behind a real nginx (auth_request), on loopback only.
#
# Installs nginx from the distribution's packages if it is missing, starts `ims-iam serve` and an nginx
# that asks it about every request before passing it to a small static upstream (served by nginx
# itself), drives allowed, denied and hostile requests through nginx with curl, checks the status codes,
# reloads the policies with SIGHUP, and stops everything it started. Bounded: a watchdog ends the run
# after 180 s.
#
# Usage: bash tests/nginx/run.sh        (from anywhere; IMS_IAM_BIN=path overrides the binary)
set -euo pipefail
cd "$(dirname "$0")/../.."

say() { printf 'nginx-test: %s\n' "$*"; }

# --- nginx ------------------------------------------------------------------------------------------
NGINX=$(command -v nginx || true)
[ -z "$NGINX" ] && [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx
if [ -z "$NGINX" ]; then
    say "installing nginx from the distribution's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq nginx-light >/dev/null 2>&1 || apt-get install -y -qq nginx >/dev/null
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
fi
command -v curl >/dev/null || { apt-get install -y -qq curl >/dev/null; }

# --- ims-iam ----------------------------------------------------------------------------------------
if [ -z "${IMS_IAM_BIN:-}" ]; then
    cargo build --quiet --bin ims-iam
    # The target directory cargo built into: `CARGO_TARGET_DIR`, `build.target-dir` in a config file,
    # or `target`; `cargo metadata` knows all three.
    TARGET_DIR=$(cargo metadata --format-version 1 --no-deps 2>/dev/null \
        | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
    IMS_IAM_BIN=${TARGET_DIR:-${CARGO_TARGET_DIR:-target}}/debug/ims-iam
fi

WORK=$(mktemp -d)
SERVE_PID=""
NGINX_PID=""
WATCHDOG_PID=""
cleanup() {
    local rc=$?
    [ -n "$NGINX_PID" ] && kill -TERM "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
    [ -n "$SERVE_PID" ] && kill -TERM "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
    [ -n "$WATCHDOG_PID" ] && kill "$WATCHDOG_PID" 2>/dev/null
    if [ "$rc" -ne 0 ] && [ -d "$WORK" ]; then
        say "failed (exit $rc); logs follow"
        tail -n 20 "$WORK/serve.log" "$WORK/error.log" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'say "timed out"; exit 124' TERM
(
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    sleep 180 &
    sleeper=$!
    wait "$sleeper"
    kill -TERM $$ 2>/dev/null
) >/dev/null 2>&1 &
WATCHDOG_PID=$!

# A free loopback port (bash's /dev/tcp: a connection that fails means nobody listens).
free_port() {
    local p
    for _ in $(seq 1 50); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return
        fi
    done
    return 1
}
AUTH_PORT=$(free_port)
UP_PORT=$(free_port)
PORT=$(free_port)

UUID=0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11
PROJECT=0123456789abcdef0123456789abcdef
OTHER_PROJECT=fedcba9876543210fedcba9876543210

mkdir -p "$WORK/policies" "$WORK/tmp"
cp policies/ims-*.json "$WORK/policies/"
write_principals() { # $1: the policy of the group image-readers
    cat >"$WORK/principals.json" <<EOF
{
  "policies": {
    "read-only": "policies/ims-read-only.json",
    "tag-operator": "policies/ims-tag-operator.json",
    "deny-delete": "policies/ims-deny-delete.json",
    "full-access": "policies/ims-full-access.json"
  },
  "groups": {
    "image-readers": {"attachments": [{"policy": "$1"}]},
    "image-taggers": {"attachments": [{"policy": "tag-operator"}, {"policy": "deny-delete"}]},
    "project-admins": {"attachments": [{"policy": "full-access", "scope": "project:$PROJECT"}]}
  },
  "users": {
    "alice": {"groups": ["image-taggers"]},
    "bob": {"groups": ["image-readers"]},
    "carol": {"groups": ["project-admins"]}
  }
}
EOF
}
write_principals read-only

"$IMS_IAM_BIN" serve --principals "$WORK/principals.json" --listen "127.0.0.1:$AUTH_PORT" \
    --mode nginx --source-ip-header X-Real-IP --watch 0 --log-format json 2>"$WORK/serve.log" &
SERVE_PID=$!

cat >"$WORK/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/error.log warn;
events { worker_connections 256; }
http {
    access_log $WORK/access.log;
    client_body_temp_path $WORK/tmp/body;
    proxy_temp_path $WORK/tmp/proxy;
    fastcgi_temp_path $WORK/tmp/fastcgi;
    uwsgi_temp_path $WORK/tmp/uwsgi;
    scgi_temp_path $WORK/tmp/scgi;
    large_client_header_buffers 4 8k;

    # The authenticating layer, simulated: a bearer token names the user, the groups and the project.
    map \$http_authorization \$auth_user {
        default "";
        "Bearer alice-token" alice;
        "Bearer bob-token" bob;
        "Bearer carol-token" carol;
        "Bearer carol-unscoped-token" carol;
        "Bearer federated-token" dave;
    }
    map \$http_authorization \$auth_groups {
        default "";
        "Bearer federated-token" "image-taggers";
    }
    map \$http_authorization \$auth_project {
        default "";
        "Bearer carol-token" $PROJECT;
    }

    upstream ims_iam {
        server 127.0.0.1:$AUTH_PORT;
        keepalive 16;
    }

    # The protected service: a static stand-in for IMS.
    server {
        listen 127.0.0.1:$UP_PORT;
        location / {
            default_type application/json;
            return 200 '{"upstream": "ims-stub"}';
        }
    }

    server {
        listen 127.0.0.1:$PORT;

        location / {
            auth_request /_ims_iam;
            auth_request_set \$ims_iam_status \$upstream_status;
            auth_request_set \$ims_iam_code \$upstream_http_x_ims_iam_error_code;
            error_page 401 = @ims_iam_401;
            error_page 403 = @ims_iam_403;
            error_page 500 = @ims_iam_error;
            proxy_pass http://127.0.0.1:$UP_PORT;
        }

        location = /_ims_iam {
            internal;
            proxy_pass http://ims_iam/auth;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_pass_request_body off;
            # Only the headers set here reach ims-iam: nothing a client sends is passed through.
            proxy_pass_request_headers off;
            proxy_set_header Content-Length "";
            proxy_set_header Host ims-iam;
            proxy_set_header X-Original-Method \$request_method;
            proxy_set_header X-Original-URI \$request_uri;
            proxy_set_header X-Real-IP \$remote_addr;
            proxy_set_header X-Request-Id \$request_id;
            proxy_set_header X-User-Name \$auth_user;
            proxy_set_header X-User-Groups \$auth_groups;
            proxy_set_header X-Project-Id \$auth_project;
        }

        location @ims_iam_401 {
            default_type application/json;
            return 401 '{"error_code": "\$ims_iam_code", "error_msg": "authentication required", "request_id": "\$request_id"}';
        }
        location @ims_iam_403 {
            default_type application/json;
            return 403 '{"error_code": "\$ims_iam_code", "error_msg": "denied by IAM policy", "request_id": "\$request_id"}';
        }
        # auth_request turns any other answer into 500; pass ims-iam's 400 on as 400.
        location @ims_iam_error {
            default_type application/json;
            if (\$ims_iam_status = 400) {
                return 400 '{"error_code": "\$ims_iam_code", "error_msg": "bad request", "request_id": "\$request_id"}';
            }
            return 500 '{"error_code": "IMSIAM.5000", "error_msg": "authorization unavailable"}';
        }
    }
}
EOF
"$NGINX" -t -q -p "$WORK" -c "$WORK/nginx.conf" -g 'daemon off;' 2>"$WORK/nginx-t.log" \
    || { cat "$WORK/nginx-t.log"; exit 1; }
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf" -g 'daemon off;' 2>>"$WORK/error.log" &
NGINX_PID=$!

wait_for() { # $1: URL that must answer
    for _ in $(seq 1 100); do
        curl -s -o /dev/null --max-time 1 "$1" && return 0
        sleep 0.1
    done
    say "nothing answers at $1"
    return 1
}
wait_for "http://127.0.0.1:$AUTH_PORT/healthz"
wait_for "http://127.0.0.1:$PORT/"
say "nginx on 127.0.0.1:$PORT, ims-iam serve on 127.0.0.1:$AUTH_PORT"

# --- the requests -----------------------------------------------------------------------------------
PASSED=0
FAILED=0
BODY="$WORK/body"
# check NAME EXPECTED_STATUS EXPECTED_BODY_SUBSTRING CURL_ARGS...
check() {
    local name=$1 want=$2 grep_for=$3 got
    shift 3
    got=$(curl -s -o "$BODY" -w '%{http_code}' --max-time 5 --path-as-is "$@" || echo "curl-failed")
    if [ "$got" = "$want" ] && { [ -z "$grep_for" ] || grep -qF -- "$grep_for" "$BODY"; }; then
        PASSED=$((PASSED + 1))
        say "ok   $got $name"
    else
        FAILED=$((FAILED + 1))
        say "FAIL $name: want $want${grep_for:+ with $grep_for}, got $got: $(head -c 300 "$BODY" 2>/dev/null)"
    fi
}
URL="http://127.0.0.1:$PORT"
ALICE=(-H "Authorization: Bearer alice-token")
BOB=(-H "Authorization: Bearer bob-token")
CAROL=(-H "Authorization: Bearer carol-token")
DAVE=(-H "Authorization: Bearer federated-token")

# Allowed.
check "alice adds a tag" 200 ims-stub "${ALICE[@]}" -X PUT "$URL/v2/images/$UUID/tags/env"
check "alice adds the tag a/b (encoded slash)" 200 ims-stub "${ALICE[@]}" -X PUT "$URL/v2/images/$UUID/tags/a%2Fb"
check "bob lists images" 200 ims-stub "${BOB[@]}" "$URL/v2/cloudimages?limit=5"
check "dave's group comes from the proxy" 200 ims-stub "${DAVE[@]}" -X PUT "$URL/v2/images/$UUID/tags/env"
check "carol, project admin, in her project" 200 ims-stub "${CAROL[@]}" -X POST "$URL/v2/$PROJECT/images/$UUID/tags"
check "carol lists with the token's project" 200 ims-stub "${CAROL[@]}" "$URL/v2/cloudimages"
check "no action required" 200 ims-stub "${BOB[@]}" "$URL/v2/schemas/image"

# Denied.
check "bob may not tag" 403 IMSIAM.4031 "${BOB[@]}" -X PUT "$URL/v2/images/$UUID/tags/env"
check "alice may never delete" 403 IMSIAM.4030 "${ALICE[@]}" -X DELETE "$URL/v2/images/$UUID"
check "carol with a token for no project" 403 IMSIAM.4031 -H "Authorization: Bearer carol-unscoped-token" \
    "$URL/v2/cloudimages"

# Hostile.
check "no token" 401 IMSIAM.4010 "$URL/v2/cloudimages"
check "client-sent X-User-Name" 401 IMSIAM.4010 -H "X-User-Name: alice" "$URL/v2/cloudimages"
check "client-sent X-User-Groups" 403 IMSIAM.4031 "${BOB[@]}" -H "X-User-Groups: image-taggers" \
    -X PUT "$URL/v2/images/$UUID/tags/env"
check "client-sent X-Original-URI" 403 IMSIAM.4031 "${BOB[@]}" -H "X-Original-URI: /v2/cloudimages" \
    -H "X-Original-Method: GET" -X DELETE "$URL/v2/images/$UUID"
check "client-sent X-Forwarded-Uri" 403 IMSIAM.4031 "${BOB[@]}" -H "X-Forwarded-Uri: /v2/cloudimages" \
    -H "X-Forwarded-Method: GET" -X DELETE "$URL/v2/images/$UUID"
check "client-sent X-Project-Id" 403 IMSIAM.4031 "${BOB[@]}" -H "X-Project-Id: $PROJECT" \
    -X DELETE "$URL/v2/images/$UUID"
check "encoded dot segment" 400 IMSIAM.4000 "${ALICE[@]}" "$URL/v2/images/%2e%2e/cloudimages"
check "raw dot segment" 400 "" "${ALICE[@]}" "$URL/v2/cloudimages/../images"
check "trailing slash is not delete-image" 400 IMSIAM.4000 "${ALICE[@]}" -X DELETE "$URL/v2/images/$UUID/"
check "double slash" 400 IMSIAM.4000 "${ALICE[@]}" "$URL//v2/cloudimages"
check "encoded literal" 400 IMSIAM.4000 "${ALICE[@]}" "$URL/v2/%69mages"
check "raw slash in a tag" 400 IMSIAM.4000 "${ALICE[@]}" -X PUT "$URL/v2/images/$UUID/tags/a/b"
check "malformed image id" 400 IMSIAM.4000 "${ALICE[@]}" "$URL/v2/images/not-a-uuid"
check "unknown API" 400 IMSIAM.4000 "${ALICE[@]}" "$URL/admin"
check "lower-case method" 400 "" "${ALICE[@]}" -X get "$URL/v2/cloudimages"
check "path project differs from the token's" 400 IMSIAM.4002 "${CAROL[@]}" \
    -X POST "$URL/v2/$OTHER_PROJECT/images/$UUID/tags"
check "oversized header" 400 "" "${ALICE[@]}" -H "Cookie: $(head -c 20000 /dev/zero | tr '\0' x)" \
    "$URL/v2/cloudimages"

# Hot reload: bob's group gets the tag operator policy; SIGHUP; bob may tag.
write_principals tag-operator
kill -HUP "$SERVE_PID"
for _ in $(seq 1 50); do
    grep -q '"policy set reloaded"' "$WORK/serve.log" && break
    sleep 0.1
done
check "after SIGHUP bob may tag" 200 ims-stub "${BOB[@]}" -X PUT "$URL/v2/images/$UUID/tags/env"
check "healthz reports revision 2" 200 '"revision":2' "http://127.0.0.1:$AUTH_PORT/healthz"

# The decision log names nginx's request id and the deciding statements.
if grep -q '"reason":"explicit_deny"' "$WORK/serve.log" && grep -q '"deciding":"deny-delete#0(NeverDeleteImages)"' "$WORK/serve.log" \
    && grep -Eq '"request_id":"[0-9a-f]{32}"' "$WORK/serve.log"; then
    PASSED=$((PASSED + 1))
    say "ok   decision log records"
else
    FAILED=$((FAILED + 1))
    say "FAIL decision log records"
fi

echo "nginx: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
