#!/bin/sh
# Builds and runs a libFuzzer target: Fuzz/run.sh <name> [seconds] [extra libFuzzer flags...]
# <name> is lowercase (png, jpeg, zip); the target is Fuzz/<Name>Fuzz.swift (PNG -> PNGFuzz.swift,
# matched case-insensitively), compiled with Sources/Codecs/*.swift under -sanitize=fuzzer,address
# into .build-fuzz/<name>. The corpus lives in .build-fuzz/corpus-<name> and is seeded from the
# files under Fixtures/ whose extension is <name> (or Fixtures/<name>*/ for other names);
# crashes are written to .build-fuzz/crashes-<name>/. See Docs/Fuzzing.md.
set -eu
cd "$(dirname "$0")/.."
name=${1:?usage: Fuzz/run.sh <name> [seconds] [libFuzzer flags...]}
seconds=${2:-60}
[ $# -ge 2 ] && shift 2 || shift $#
source=""
for f in Fuzz/*Fuzz.swift; do
    base=$(basename "$f" Fuzz.swift)
    if [ "$(echo "$base" | tr 'A-Z' 'a-z')" = "$name" ]; then source=$f; fi
done
[ -n "$source" ] || { echo "no Fuzz/<Name>Fuzz.swift for '$name'" >&2; exit 2; }
mkdir -p .build-fuzz ".build-fuzz/corpus-$name" ".build-fuzz/crashes-$name"
echo "building $source -> .build-fuzz/$name"
swiftc -O -g -sanitize=fuzzer,address -parse-as-library -module-name Codecs \
    Sources/Codecs/*.swift "$source" -o ".build-fuzz/$name"
# Seed the corpus with every fixture of this format (copies are cheap and keep Fixtures/ clean).
find Fixtures -type f \( -iname "*.$name" -o -path "Fixtures/$name*/*" \) ! -name "*.npy" ! -name "*.md" \
    ! -name "*.tsv" ! -name "*LICENSE*" -exec cp {} ".build-fuzz/corpus-$name/" \;
echo "seeded $(ls ".build-fuzz/corpus-$name" | wc -l) corpus files; fuzzing $seconds s"
exec ".build-fuzz/$name" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix=".build-fuzz/crashes-$name/" "$@" ".build-fuzz/corpus-$name"
