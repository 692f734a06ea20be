#!/usr/bin/env bash
# benchmedian.sh FILE NAME UNIT: the median of metric UNIT (ns/op, cpu-ns/op,
# allocs/op, ...) over the lines of go test -bench output in FILE whose
# benchmark name, without its -GOMAXPROCS suffix, is NAME. Prints nothing if
# there are none. Used by the Makefile's bench targets, which run rounds on
# shared machines and compare medians.
set -euo pipefail
file=$1 name=$2 unit=$3
awk -v name="$name" -v unit="$unit" '
	$1 ~ /^Benchmark/ {
		n = $1; sub(/-[0-9]+$/, "", n)
		if (n != name) next
		for (i = 3; i < NF; i++) if ($(i+1) == unit) print $i
	}' "$file" | sort -g | awk '{v[NR] = $1} END { if (NR) print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2 }'
