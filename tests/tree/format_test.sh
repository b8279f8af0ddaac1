#!/bin/bash
# Fails when a C++ file differs from what clang-format (.clang-format at the root) makes of
# it, and lists those files. Fix with: git ls-files '*.cpp' '*.h' | xargs clang-format -i
set -uo pipefail
cd "${1:-.}"
if ! command -v clang-format >/dev/null; then
  echo "clang-format is not installed (scripts/install-deps installs it)"
  exit 1
fi
mapfile -t files < <(git ls-files '*.cpp' '*.h' 2>/dev/null || find daemon drivers config tests bench -name '*.cpp' -o -name '*.h')
# One clang-format run for all files; each difference is reported as "FILE:LINE:COL: ...".
mapfile -t bad < <(clang-format --dry-run "${files[@]}" 2>&1 | grep -o '^[^:]*\.\(cpp\|h\):' | sort -u)
for f in "${bad[@]}"; do echo "${f%:}: not formatted"; done
echo "${#files[@]} files checked, ${#bad[@]} not formatted"
[ "${#bad[@]}" -eq 0 ]
