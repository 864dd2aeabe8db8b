#!/usr/bin/env bash
# Makes TEST key stores for mutual TLS between nodes (cluster-conf/tls.conf) with the JDK's keytool:
# a throw-away cluster CA, one PKCS12 key store per node signed by it, and a trust store holding the
# CA certificate. For tests and trials only: the CA key lies next to the stores under the same
# password.
#
#   scripts/make-test-keystores.sh DIR                 CA, trust store, key stores node-1 and node-2
#   scripts/make-test-keystores.sh DIR --nodes 4       ... node-1 to node-4
#   scripts/make-test-keystores.sh DIR --shared        one key store (node) that every node uses
#   scripts/make-test-keystores.sh DIR --untrusted stranger
#                                  also a key store "stranger" signed by a DIFFERENT CA (with the
#                                  cluster's trust store): a node using it must be refused
#
# Options: --nodes N (1-99; default 2), --shared, --untrusted NAME (repeatable), --password P (at
# least 6 characters, no newline; default changeit; one password for every store and key),
# --validity DAYS (default 30), --force (replace stores DIR already has), -h/--help.
#
# Writes into DIR (created if missing): ca.p12 (the CA's key: keep it off the nodes), ca.crt,
# truststore.p12, NAME.p12 and NAME.env for every node and untrusted NAME, untrusted-ca.p12/.crt.
# NAME.env exports what cluster-conf/tls.conf reads (BEAVER_TLS_KEY_STORE, BEAVER_TLS_TRUST_STORE,
# BEAVER_TLS_PASSWORD), so a node starts with
#   . DIR/node-1.env && beaver node --config cluster-conf/rollout.conf --config cluster-conf/tls.conf
# Node certificates: EC P-256, extended key usage serverAuth+clientAuth, subject alternative names
# localhost, 127.0.0.1 and NAME (hostname-verification in tls.conf is off by default).
#
# Nothing is overwritten without --force: when a file the run would write already exists, it stops
# before writing anything. The stores are made in a staging folder inside DIR and moved into place
# only when all of them succeeded, so a failed run leaves DIR as it was.
# Exit status: 0 done, 1 keytool failed or a store already exists, 2 bad arguments (one line on
# stderr). Environment: JAVA_HOME (keytool from $JAVA_HOME/bin, else from PATH).
set -euo pipefail

main() {
  local usage_hint="(try --help)"
  local dir="" nodes=2 shared=0 password="changeit" validity=30 force=0
  local -a untrusted=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --nodes) [[ $# -ge 2 ]] || bad "--nodes needs a value"; nodes="$2"; shift 2 ;;
      --nodes=*) nodes="${1#*=}"; shift ;;
      --shared) shared=1; shift ;;
      --untrusted) [[ $# -ge 2 ]] || bad "--untrusted needs a name"; untrusted+=("$2"); shift 2 ;;
      --untrusted=*) untrusted+=("${1#*=}"); shift ;;
      --password) [[ $# -ge 2 ]] || bad "--password needs a value"; password="$2"; shift 2 ;;
      --password=*) password="${1#*=}"; shift ;;
      --validity) [[ $# -ge 2 ]] || bad "--validity needs a value"; validity="$2"; shift 2 ;;
      --validity=*) validity="${1#*=}"; shift ;;
      --force) force=1; shift ;;
      -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
      -*) bad "unknown option '$1' $usage_hint" ;;
      *) [[ -z "$dir" ]] || bad "more than one DIR ('$dir', '$1') $usage_hint"; dir="$1"; shift ;;
    esac
  done
  [[ -n "$dir" ]] || bad "missing DIR $usage_hint"
  [[ "$nodes" =~ ^[1-9][0-9]?$ ]] || bad "--nodes must be 1-99, was '$nodes'"
  [[ "$validity" =~ ^[1-9][0-9]{0,4}$ ]] || bad "--validity must be 1-99999 days, was '$validity'"
  [[ ${#password} -ge 6 ]] || bad "--password must have at least 6 characters (PKCS12)"
  [[ "$password" != *$'\n'* ]] || bad "--password must not contain a newline"
  [[ ! -e "$dir" || -d "$dir" ]] || bad "DIR '$dir' exists and is not a directory"

  # Store names: the trusted nodes, then the untrusted ones.
  local -a names=()
  if [[ $shared -eq 1 ]]; then
    names=(node)
  else
    local i
    for ((i = 1; i <= nodes; i++)); do names+=("node-$i"); done
  fi
  local name seen=" ${names[*]} "
  for name in "${untrusted[@]}"; do
    [[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$ ]] \
      || bad "--untrusted name must be letters, digits, '-' or '_' (not first), was '$name'"
    case "$name" in
      ca|truststore|untrusted-ca) bad "--untrusted name '$name' is reserved" ;;
    esac
    [[ "$seen" != *" $name "* ]] || bad "--untrusted name '$name' is used twice or by a node"
    seen+="$name "
  done

  local keytool
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/keytool" ]]; then
    keytool="$JAVA_HOME/bin/keytool"
  elif keytool="$(command -v keytool)"; then
    :
  else
    echo "make-test-keystores: keytool not found (set JAVA_HOME or put a JDK on PATH)" >&2
    exit 1
  fi

  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"

  local -a outputs=(ca.p12 ca.crt truststore.p12)
  for name in "${names[@]}" "${untrusted[@]}"; do outputs+=("$name.p12" "$name.env"); done
  [[ ${#untrusted[@]} -eq 0 ]] || outputs+=(untrusted-ca.p12 untrusted-ca.crt)
  local f
  if [[ $force -eq 0 ]]; then
    for f in "${outputs[@]}"; do
      if [[ -e "$dir/$f" ]]; then
        echo "make-test-keystores: $dir/$f exists; nothing written (use --force to replace)" >&2
        exit 1
      fi
    done
  fi

  umask 077
  STAGE="$(mktemp -d "$dir/.make-test-keystores.XXXXXX")"
  trap 'rm -rf "$STAGE"' EXIT
  # Passwords reach keytool through the environment, not its command line (ps shows that).
  export BEAVER_KEYTOOL_PASSWORD="$password"
  # keytool is a short-lived JVM: the client compiler and serial GC roughly halve its start-up.
  KT=("$keytool" -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC)
  VALIDITY="$validity"

  # Independent keytool runs go in parallel (each is a JVM start, ~1 s): the CAs, then the trust
  # store and the node stores.
  local -a pids=()
  make_ca ca "Beaver test CA" & pids+=($!)
  [[ ${#untrusted[@]} -eq 0 ]] || { make_ca untrusted-ca "Untrusted test CA" & pids+=($!); }
  wait_all "${pids[@]}"
  pids=()
  kt -importcert -noprompt -alias beaver-ca -file "$STAGE/ca.crt" \
    -storetype PKCS12 -keystore "$STAGE/truststore.p12" -storepass:env BEAVER_KEYTOOL_PASSWORD &
  pids+=($!)
  for name in "${names[@]}"; do make_node "$name" ca & pids+=($!); done
  for name in "${untrusted[@]}"; do make_node "$name" untrusted-ca & pids+=($!); done
  wait_all "${pids[@]}"
  for name in "${names[@]}" "${untrusted[@]}"; do
    {
      echo "# cluster-conf/tls.conf settings for $name (made by scripts/make-test-keystores.sh)"
      echo "export BEAVER_TLS_KEY_STORE=$(quote "$dir/$name.p12")"
      echo "export BEAVER_TLS_TRUST_STORE=$(quote "$dir/truststore.p12")"
      echo "export BEAVER_TLS_PASSWORD=$(quote "$password")"
    } > "$STAGE/$name.env"
  done
  for f in "${outputs[@]}"; do mv -f "$STAGE/$f" "$dir/$f"; done

  echo "Test TLS stores in $dir (one password for every store and key; the --password value):"
  echo "  CA certificate        $dir/ca.crt  (its key: $dir/ca.p12; keep that off the nodes)"
  echo "  trust store           $dir/truststore.p12"
  for name in "${names[@]}"; do
    printf '  %-21s %s  (settings: %s)\n' "$name key store" "$dir/$name.p12" "$dir/$name.env"
  done
  for name in "${untrusted[@]}"; do
    printf '  %-21s %s  (settings: %s; signed by untrusted-ca: nodes refuse it)\n' \
      "$name key store" "$dir/$name.p12" "$dir/$name.env"
  done
  echo "cluster-conf/tls.conf reads BEAVER_TLS_KEY_STORE (beaver.node.tls.key-store),"
  echo "BEAVER_TLS_TRUST_STORE (trust-store) and BEAVER_TLS_PASSWORD (key-store-password,"
  echo "key-password, trust-store-password). On ${names[0]}:"
  echo "  . $dir/${names[0]}.env"
  echo "  beaver node --config cluster-conf/<role>.conf --config cluster-conf/tls.conf"
}

bad() {
  echo "make-test-keystores: $1" >&2
  exit 2
}

# Single-quotes a value for sh.
quote() {
  printf "'%s'" "${1//\'/\'\\\'\'}"
}

# Waits for every background job given; fails when any failed (each reported its own error).
wait_all() {
  local pid failed=0
  for pid in "$@"; do wait "$pid" || failed=1; done
  [[ $failed -eq 0 ]] || exit 1
}

kt() {
  local out
  if ! out="$("${KT[@]}" "$@" 2>&1)"; then
    echo "make-test-keystores: keytool $1 failed: $out" >&2
    exit 1
  fi
}

# make_ca NAME CN: a self-signed CA key in NAME.p12 and its certificate in NAME.crt (PEM).
make_ca() {
  kt -genkeypair -alias "$1" -keyalg EC -groupname secp256r1 -dname "CN=$2" \
    -ext bc:c -ext KeyUsage=keyCertSign,cRLSign -validity "$VALIDITY" \
    -storetype PKCS12 -keystore "$STAGE/$1.p12" -storepass:env BEAVER_KEYTOOL_PASSWORD
  kt -exportcert -rfc -alias "$1" -file "$STAGE/$1.crt" \
    -keystore "$STAGE/$1.p12" -storepass:env BEAVER_KEYTOOL_PASSWORD
}

# make_node NAME CA: NAME.p12 with a fresh key and its certificate chain NAME <- CA.
make_node() {
  local name="$1" ca="$2"
  kt -genkeypair -alias "$name" -keyalg EC -groupname secp256r1 -dname "CN=$name, O=Beaver test" \
    -validity "$VALIDITY" -storetype PKCS12 -keystore "$STAGE/$name.p12" \
    -storepass:env BEAVER_KEYTOOL_PASSWORD
  kt -certreq -alias "$name" -file "$STAGE/$name.csr" \
    -keystore "$STAGE/$name.p12" -storepass:env BEAVER_KEYTOOL_PASSWORD
  kt -gencert -rfc -alias "$ca" -infile "$STAGE/$name.csr" -outfile "$STAGE/$name.crt" \
    -validity "$VALIDITY" -ext KeyUsage=digitalSignature \
    -ext ExtendedKeyUsage=serverAuth,clientAuth \
    -ext "SAN=dns:localhost,ip:127.0.0.1,dns:$name" \
    -keystore "$STAGE/$ca.p12" -storepass:env BEAVER_KEYTOOL_PASSWORD
  # The reply with its whole chain: keytool installs it without the CA in this store.
  cat "$STAGE/$name.crt" "$STAGE/$ca.crt" > "$STAGE/$name.chain.pem"
  kt -importcert -noprompt -alias "$name" -file "$STAGE/$name.chain.pem" \
    -keystore "$STAGE/$name.p12" -storepass:env BEAVER_KEYTOOL_PASSWORD
}

main "$@"
