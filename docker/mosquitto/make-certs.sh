#!/bin/sh
# Makes a private CA and a certificate for the broker's public name (and IP), for Mosquitto's TLS
# listener (port 8883): docker/mosquitto/certs/{ca.crt,server.crt,server.key}. Copy ca.crt to each
# player and set "caFile" in its configuration (or set "pinSha256" to the fingerprint printed below).
#   sh docker/mosquitto/make-certs.sh mqtt.tinh.gov.vn [203.0.113.10]
set -eu
NAME=${1:?usage: make-certs.sh <broker host name> [ip]}
IP=${2:-}
DIR=$(dirname "$0")/certs
mkdir -p "$DIR"
cd "$DIR"
[ -f ca.key ] || openssl req -x509 -newkey rsa:3072 -nodes -days 3650 -subj "/CN=bcast devices CA" -keyout ca.key -out ca.crt
openssl req -newkey rsa:2048 -nodes -subj "/CN=$NAME" -keyout server.key -out server.csr
SAN="DNS:$NAME"
[ -n "$IP" ] && SAN="$SAN,IP:$IP"
printf 'subjectAltName=%s\n' "$SAN" > san.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 -extfile san.ext -out server.crt
rm -f server.csr san.ext
chmod 644 server.crt ca.crt
chmod 640 server.key
echo "certificate for $NAME in $DIR; players: caFile = ca.crt, or pinSha256:"
openssl x509 -in server.crt -noout -fingerprint -sha256
